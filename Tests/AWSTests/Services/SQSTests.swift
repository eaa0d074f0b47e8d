import AWS
import GavelFixtures
import GavelTesting
import Testing

/// Every SQS operation Gavel calls, against moto with signature checking on.
@Suite struct SQSTests {
    @Test func sendReceiveChangeVisibilityAndDelete() async throws {
        let moto = try await Moto.shared()
        let name = moto.unique("plain")
        let created = try await moto.createQueue(name)
        let sqs = SQS(client: try moto.client(.sqs))
        let url = try await sqs.queueURL(named: name)
        #expect(url == created)

        let id = try await sqs.send(.init(body: #"{"bid":1}"#), to: url)
        let received = try await sqs.receive(from: url, maxMessages: 5, waitSeconds: 1)
        #expect(received.map(\.messageId) == [id])
        #expect(received.first?.body == #"{"bid":1}"#)
        #expect(received.first?.attributes["ApproximateReceiveCount"] == "1")
        #expect(try await sqs.receive(from: url).isEmpty)  // invisible while being handled

        let handle = try #require(received.first?.receiptHandle)
        try await sqs.changeVisibility(receiptHandle: handle, in: url, seconds: 0)
        let again = try await sqs.receive(from: url, waitSeconds: 1)
        #expect(again.map(\.messageId) == [id])
        try await sqs.delete(receiptHandle: try #require(again.first?.receiptHandle), from: url)
        #expect(try await sqs.receive(from: url).isEmpty)
    }

    @Test func aFIFOBatchOfTwentyFiveGoesInThreeCallsKeepingGroupOrder() async throws {
        let moto = try await Moto.shared()
        let url = try await moto.createQueue(moto.unique("bids") + ".fifo")
        let sqs = SQS(client: try moto.client(.sqs))
        let messages = (0..<25).map { SQS.OutgoingMessage(body: "bid-\($0)", groupId: "auction-\($0 % 2)") }
        let result = try await sqs.sendBatch(messages, to: url)
        #expect(result.failed.isEmpty)
        #expect(result.succeeded.count == 25)

        // A FIFO queue hands out no more of a group while some of it is in flight: delete as we go.
        var bodies: [String] = []
        for _ in 0..<10 where bodies.count < 25 {
            let batch = try await sqs.receive(from: url, maxMessages: 10, waitSeconds: 1)
            bodies += batch.map(\.body)
            #expect(batch.allSatisfy { $0.attributes["MessageGroupId"]?.hasPrefix("auction-") == true })
            let deleted = try await sqs.deleteBatch(batch.map(\.receiptHandle), from: url)
            #expect(deleted.succeeded.count == batch.count && deleted.failed.isEmpty)
        }
        let even = bodies.filter { Int($0.dropFirst(4))! % 2 == 0 }
        #expect(even == (0..<25).filter { $0 % 2 == 0 }.map { "bid-\($0)" })
        #expect(bodies.count == 25)
    }

    @Test func partialBatchFailuresAreReportedByPositionAcrossChunks() async throws {
        let moto = try await Moto.shared()
        let url = try await moto.createQueue(moto.unique("partial"))
        let sqs = SQS(client: try moto.client(.sqs))
        let sent = try await sqs.sendBatch((0..<11).map { SQS.OutgoingMessage(body: "m\($0)") }, to: url)
        #expect(sent.succeeded.count == 11)
        var handles: [String] = []
        for _ in 0..<5 where handles.count < 11 {
            handles += try await sqs.receive(from: url, maxMessages: 10, waitSeconds: 1).map(\.receiptHandle)
        }
        #expect(handles.count == 11)
        // Position 11 is in the second call of ten; its id there is its position in our array.
        let result = try await sqs.deleteBatch(handles + ["not-a-receipt-handle"], from: url)
        #expect(result.succeeded.count == 11)
        #expect(result.failed.map(\.index) == [11])
        #expect(result.failed.first?.code == "ReceiptHandleIsInvalid")
    }

    @Test func anUnknownQueueIsAClearError() async throws {
        let moto = try await Moto.shared()
        let sqs = SQS(client: try moto.client(.sqs))
        let error = await #expect(throws: AWSError.self) { try await sqs.queueURL(named: "no-such-queue") }
        // Real SQS's JSON protocol says QueueDoesNotExist; moto keeps the query protocol's older code.
        #expect(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"].contains(error?.context.code ?? ""))
        #expect(error?.description.contains("sqs.GetQueueUrl") == true)
    }
}
