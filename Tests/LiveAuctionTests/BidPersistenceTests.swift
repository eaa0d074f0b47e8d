import AWS
import GavelCore
import GavelFixtures
import GavelTesting
import LiveAuction
import SQSEvents
import Testing

/// The bid-persistence consumer against moto (signatures checked), in-process as the runtime loop calls it.
@Suite struct BidPersistenceTests {
    struct Setup {
        let moto: Moto.Account
        let table: String
        let deadLetterURL: String
        let dynamo: DynamoDB
        let metrics = MetricLines()

        static func make() async throws -> Setup {
            let moto = try await Moto.shared()
            let table = moto.unique("bids_history")
            try await moto.createTable("BidsHistoryTable", named: table)
            let deadLetterURL = try await moto.createQueue(moto.unique("bid-persistence-dlq") + ".fifo")
            return Setup(
                moto: moto,
                table: table,
                deadLetterURL: deadLetterURL,
                dynamo: DynamoDB(client: try moto.client(.dynamoDB))
            )
        }

        /// The handler, reaching DynamoDB through `dynamoEndpoint` (a proxy) when given.
        func handler(dynamoEndpoint: String? = nil, deadLetterURL: String? = nil) throws -> BidPersistenceHandler {
            var environment = self.moto.environment
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoEndpoint
            environment["AWS_MAX_ATTEMPTS"] = "3"  // the throttling test counts the attempts
            environment["BIDS_HISTORY_TABLE"] = self.table
            environment["DEAD_LETTER_QUEUE_URL"] = deadLetterURL ?? self.deadLetterURL
            return try BidPersistenceHandler(
                environment: environment,
                aws: AWSClients(environment: environment, transport: Moto.transport),
                metrics: self.metrics.metrics(function: "bid-persistence")
            )
        }

        func rows() async throws -> [[String: AttributeValue]] {
            try await self.dynamo.all(.init(table: self.table, consistentRead: true))
        }
    }

    static func bid(_ auction: String, _ user: String, _ amount: Int, at offset: Int) -> String {
        #"{"auction_id":"\#(auction)","user_id":"\#(user)","amount":\#(amount),"currency":"GBP","timestamp":\#(1_800_000_000_000 + offset)}"#
    }

    static func record(_ id: String, _ body: String, group: String) -> SQSEvent.Record {
        SQSEvent.Record(messageId: id, body: body, groupId: group)
    }

    @Test func aGoodBatchIsWrittenAndARedeliveryChangesNothing() async throws {
        let setup = try await Setup.make()
        let event = SQSEvent(records: [
            Self.record("m1", Self.bid("auc-1", "u1", 1000, at: 1), group: "auc-1"),
            Self.record("m2", Self.bid("auc-2", "u2", 500, at: 2), group: "auc-2"),
            Self.record("m3", Self.bid("auc-1", "u3", 1100, at: 3), group: "auc-1"),
        ])
        let handler = try setup.handler()
        #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
        let first = try await setup.rows()
        #expect(first.count == 3)
        let row = try #require(first.first { $0["user_id"] == .s("u3") })
        #expect(row["timestamp#user_id"] == .s("1800000000003#u3#1100"))
        #expect(row["amount"] == .n("1100"))
        #expect(row["ttl_expiry"] == .n(String(1_800_000_000 + 90 * 86_400)))

        #expect(try await handler.handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
        let second = try await setup.rows()
        #expect(Set(second) == Set(first))  // identical overwrite: no duplicate, no change
        #expect(setup.metrics.all.allSatisfy { $0.contains(#""BidsWritten":3"#) })
    }

    @Test func twoBidsOfOneUserInOneMillisecondAreBothKept() async throws {
        let setup = try await Setup.make()
        let event = SQSEvent(records: [
            Self.record("d1", Self.bid("auc-9", "u1", 1000, at: 7), group: "auc-9"),
            Self.record("d2", Self.bid("auc-9", "u1", 1200, at: 7), group: "auc-9"),
            Self.record("d3", Self.bid("auc-9", "u1", 1200, at: 7), group: "auc-9"),  // d2 again: one row
        ])
        #expect(try await setup.handler().handle(event, context: TestContext.make()).batchItemFailures.isEmpty)
        let rows = try await setup.rows().filter { $0["auction_id"] == .s("auc-9") }
        let amounts = rows.compactMap { row -> String? in
            if case .n(let amount)? = row["amount"] { amount } else { nil }
        }
        #expect(amounts.sorted() == ["1000", "1200"])
    }

    @Test func malformedMessagesGoToTheDeadLetterQueueWithTheReasonAndAreAcknowledged() async throws {
        let setup = try await Setup.make()
        let event = SQSEvent(records: [
            Self.record("good-1", Self.bid("auc-9", "u1", 1000, at: 1), group: "auc-9"),
            Self.record(
                "bad-1",
                #"{"auction_id":"auc-9","user_id":"u2","amount":10.5,"currency":"GBP","timestamp":1800000000002}"#,
                group: "auc-9"
            ),
            Self.record("bad-2", "<xml/>", group: "auc-9"),
            Self.record("good-2", Self.bid("auc-9", "u3", 1200, at: 3), group: "auc-9"),
        ])
        let response = try await setup.handler().handle(event, context: TestContext.make())
        #expect(response.batchItemFailures.isEmpty)
        #expect(try await setup.rows().count == 2)

        let dead = try await setup.moto.drain(setup.deadLetterURL, expecting: 2)
        let reasons = Dictionary(
            uniqueKeysWithValues: dead.map {
                ($0.messageAttributes["gavel-source-message-id"] ?? "", $0.messageAttributes["gavel-reason"] ?? "")
            }
        )
        #expect(reasons == ["bad-1": "amount: must be a whole number", "bad-2": "the body is not a JSON object"])
        #expect(dead.first { $0.body == "<xml/>" } != nil)  // the body is kept as it came
        #expect(setup.metrics.all.first?.contains(#""InvalidMessages":2"#) == true)
    }

    @Test func whenAMessageCannotBeDeadLetteredItAndTheRestOfItsGroupFail() async throws {
        let setup = try await Setup.make()
        let missing = setup.deadLetterURL.replacing("bid-persistence-dlq", with: "no-such-queue")
        let event = SQSEvent(records: [
            Self.record("a1", Self.bid("auc-A", "u1", 1000, at: 1), group: "auc-A"),
            Self.record("a2", "not a bid", group: "auc-A"),
            Self.record("b1", Self.bid("auc-B", "u2", 700, at: 2), group: "auc-B"),
            Self.record("a3", Self.bid("auc-A", "u3", 1300, at: 3), group: "auc-A"),
        ])
        let response = try await setup.handler(deadLetterURL: missing).handle(event, context: TestContext.make())
        #expect(response.failedMessageIds == ["a2", "a3"])
        #expect(try await setup.rows().count == 3)  // a3 is written too; its redelivery overwrites it identically
    }

    @Test func throttlingIsRetriedAndPersistentThrottlingFailsTheBatchInOrder() async throws {
        let setup = try await Setup.make()
        let event = SQSEvent(records: [
            Self.record("x1", Self.bid("auc-T", "u1", 1000, at: 1), group: "auc-T"),
            Self.record("y1", Self.bid("auc-U", "u2", 800, at: 2), group: "auc-U"),
        ])
        let brief = FaultProxy(upstream: setup.moto.endpoint, operation: "BatchWriteItem", count: 2)
        try await brief.with { endpoint in
            let response = try await setup.handler(dynamoEndpoint: endpoint).handle(event, context: TestContext.make())
            #expect(response.batchItemFailures.isEmpty)
        }
        #expect(brief.attempts == 3)
        #expect(try await setup.rows().count == 2)

        let outage = FaultProxy(upstream: setup.moto.endpoint, operation: "BatchWriteItem", count: 100)
        try await outage.with { endpoint in
            let response = try await setup.handler(dynamoEndpoint: endpoint).handle(event, context: TestContext.make())
            #expect(response.failedMessageIds == ["x1", "y1"])
        }
        #expect(outage.attempts == 3)
        #expect(setup.metrics.all.last?.contains(#""FailedMessages":2"#) == true)
    }

    /// The batch written and its reply lost: the client's retry writes the same items again, an identical
    /// overwrite, so each bid is in bids_history once and the batch succeeds.
    @Test func aBatchWhoseReplyWasLostIsWrittenOnce() async throws {
        let setup = try await Self.Setup.make()
        let event = SQSEvent(records: [
            Self.record("l1", Self.bid("auc-L", "u1", 1000, at: 1), group: "auc-L"),
            Self.record("l2", Self.bid("auc-L", "u2", 1100, at: 2), group: "auc-L"),
        ])
        let lost = FaultProxy(upstream: setup.moto.endpoint, operation: "BatchWriteItem", count: 1, fault: .lostReply)
        try await lost.with { endpoint in
            let response = try await setup.handler(dynamoEndpoint: endpoint).handle(event, context: TestContext.make())
            #expect(response.batchItemFailures.isEmpty)
        }
        #expect(lost.attempts == 2)
        #expect(try await setup.rows().count == 2)
    }
}
