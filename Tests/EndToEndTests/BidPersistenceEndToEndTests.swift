import AWS
import FoundationEssentials
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// The built bid-persistence bootstrap under `gavel-local invoke`, with the events in events/, against moto.
@Suite struct BidPersistenceEndToEndTests {
    @Test(arguments: [("batch.json", 10, 0), ("with-invalid.json", 2, 2)])
    func theEventsAreProcessedThroughTheRuntimeAPI(file: String, rows: Int, deadLettered: Int) async throws {
        let moto = try await Moto.shared()
        let table = moto.unique("bids_history")
        try await moto.createTable("BidsHistoryTable", named: table)
        let deadLetterURL = try await moto.createQueue(moto.unique("dlq") + ".fifo")
        var environment = moto.environment
        environment["BIDS_HISTORY_TABLE"] = table
        environment["DEAD_LETTER_QUEUE_URL"] = deadLetterURL
        let run = try await GavelLocalRun.invoke(
            "bid-persistence",
            event: TestPaths.root + "/events/bid-persistence/" + file,
            environment: environment,
            repeat: 2
        )
        #expect(run.status == "exit status 0", "stderr: \(run.error)")
        // Twice, as a redelivery would: both answers are a clean partial-batch response.
        #expect(run.output.split(separator: "\n") == [#"{"batchItemFailures":[]}"#, #"{"batchItemFailures":[]}"#])

        let dynamo = DynamoDB(client: try moto.client(.dynamoDB))
        #expect(try await dynamo.all(.init(table: table)).count == rows)
        let dead = try await moto.drain(deadLetterURL, expecting: deadLettered)
        // The FIFO dead-letter queue deduplicates on the source message id: the second run adds nothing.
        #expect(dead.count == deadLettered)
        #expect(dead.allSatisfy { $0.messageAttributes["gavel-reason"] != nil })
    }
}
