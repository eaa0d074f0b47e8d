import API
import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import LiveAuction
import SQSEvents
import Testing

/// The live auction through the api handler and bid-persistence, against moto: acceptance rules, 50 bidders
/// racing, a bid whose process died before it was queued, and the close.
@Suite struct LiveAuctionAPITests {
    struct Setup {
        let api: StorefrontAPI
        let environment: [String: String]
        var moto: Moto.Account { self.api.fixture.moto }
        var auctionsTable: String { self.environment["AUCTIONS_TABLE"]! }
        var historyTable: String { self.environment["BIDS_HISTORY_TABLE"]! }
        var queueURL: String { self.environment["BID_PERSISTENCE_QUEUE_URL"]! }

        /// - Parameter unchecked: moto without signature checks, whose Scheduler reads need it (moto hashes
        ///   their query as the body and refuses correct signatures).
        static func make(queueURL override: String? = nil, unchecked: Bool = false) async throws -> Setup {
            let fixture = try await StorefrontFixture.make(
                on: unchecked ? try await Moto.withoutSignatureChecks() : nil
            )
            let moto = fixture.moto
            var environment = fixture.environment
            environment["AUCTIONS_TABLE"] = moto.unique("Auctions")
            environment["BIDS_HISTORY_TABLE"] = moto.unique("bids_history")
            try await moto.createTable("AuctionsTable", named: environment["AUCTIONS_TABLE"]!)
            try await moto.createTable("BidsHistoryTable", named: environment["BIDS_HISTORY_TABLE"]!)
            let queue = moto.unique("bid-persistence") + ".fifo"
            environment["BID_PERSISTENCE_QUEUE_URL"] = try await moto.createQueue(queue)
            environment["BID_PERSISTENCE_QUEUE_ARN"] = "arn:aws:sqs:us-east-1:123456789012:\(queue)"
            environment["AUCTION_SCHEDULE_GROUP"] = moto.unique("auction-closes")
            try await moto.createScheduleGroup(environment["AUCTION_SCHEDULE_GROUP"]!)
            environment["AUCTION_SCHEDULER_ROLE_ARN"] = "arn:aws:iam::123456789012:role/auction-closes"
            environment["DEAD_LETTER_QUEUE_URL"] = try await moto.createQueue(moto.unique("bp-dlq") + ".fifo")
            environment["RATE_LIMITS_TABLE"] = moto.unique("RateLimits")
            try await moto.createTable("RateLimitsTable", named: environment["RATE_LIMITS_TABLE"]!)
            var apiEnvironment = environment
            if let override {
                apiEnvironment["BID_PERSISTENCE_QUEUE_URL"] = override
                // One attempt: the unreachable queue fails at once instead of after the client's retries.
                apiEnvironment["AWS_MAX_ATTEMPTS"] = "1"
            }
            return Setup(api: try StorefrontAPI(fixture, environment: apiEnvironment), environment: environment)
        }

        var auctions: AuctionStore {
            get throws { AuctionStore(dynamo: try self.api.fixture.dynamo(), table: self.auctionsTable) }
        }

        /// bid-persistence over `records`, as SQS would deliver them.
        func persist(_ records: [SQSEvent.Record]) async throws -> SQSBatchResponse {
            let handler = try BidPersistenceHandler(
                environment: self.environment,
                aws: AWSClients(environment: self.environment, transport: Moto.transport),
                metrics: MetricLines().metrics(function: "bid-persistence")
            )
            return try await handler.handle(
                SQSEvent(records: records),
                context: TestContext.make(function: "bid-persistence")
            )
        }

        /// Everything on the bid-persistence queue now, as records.
        func queued(expecting count: Int) async throws -> [SQSEvent.Record] {
            try await self.moto.drain(self.queueURL, expecting: count).map {
                SQSEvent.Record(messageId: $0.messageId, body: $0.body, groupId: $0.attributes["MessageGroupId"] ?? "")
            }
        }

        func history() async throws -> [[String: AttributeValue]] {
            try await self.api.fixture.dynamo().all(.init(table: self.historyTable, consistentRead: true))
        }

        func bid(_ auctionId: String, _ amount: Int64, user: String) async throws -> StorefrontAPI.Answer {
            try await self.api.call(
                "POST",
                "/auctions/\(auctionId)/bids",
                body: #"{"amount":\#(amount),"currency":"GBP"}"#,
                user: user
            )
        }

        /// An auction written straight to the table, ending `seconds` from now (the API's minimum is a minute).
        func auction(endingIn seconds: Int64, startingPrice: Int64 = 10_00, reserve: Int64 = 0) async throws -> Auction
        {
            let now = WallClock.nowMs()
            let auction = Auction(
                auctionId: "auc_" + TimeOrderedId.make(nowMs: now),
                sellerId: "v-kit",
                title: "Brass telescope",
                currency: "GBP",
                startingPrice: startingPrice,
                reserve: reserve,
                minIncrement: 1_00,
                startTime: now,
                endTime: now + seconds * 1000,
                createdAt: now
            )
            #expect(try await self.auctions.create(auction))
            return auction
        }
    }

    struct AuctionBody: Decodable {
        var auctionId: String
        var status: String
        var highBid: Money?
        var bidCount: Int64
        var minNextBid: Money
        var winnerId: String?
    }

    @Test func aVendorOpensAnAuctionWithItsCloseScheduledIntoTheAuctionsGroup() async throws {
        let setup = try await Setup.make(unchecked: true)
        let body =
            #"{"title":"Brass telescope","currency":"GBP","startingPrice":1000,"minIncrement":100,"durationSeconds":600}"#
        #expect(try await setup.api.call("POST", "/auctions", body: body).status == 403)
        let created = try await setup.api.call("POST", "/auctions", body: body, user: "v-kit", groups: ["vendor"])
        #expect(created.status == 201, "\(created.body)")
        let auction = try created.decode(AuctionBody.self)
        #expect(auction.status == "OPEN" && auction.minNextBid == Money(amount: 10_00, currency: "GBP"))
        let scheduler = Scheduler(client: try setup.moto.client(.scheduler))
        let close = try #require(
            try await scheduler.get(
                name: "close-\(auction.auctionId)",
                group: setup.environment["AUCTION_SCHEDULE_GROUP"]!
            )
        )
        #expect(
            close.targetARN == setup.environment["BID_PERSISTENCE_QUEUE_ARN"]
                && close.messageGroupId == auction.auctionId
        )
        #expect(close.input == #"{"type":"close","auction_id":"\#(auction.auctionId)"}"#)
        let listed = try await setup.api.call("GET", "/auctions", user: nil)
        #expect(try listed.decode(SniperAPI.Listing<AuctionBody>.self).items.map(\.auctionId) == [auction.auctionId])
        #expect(try await setup.api.call("GET", "/auctions/\(auction.auctionId)", user: nil).status == 200)
        #expect(try await setup.api.call("GET", "/auctions/auc_nope", user: nil).status == 404)
        let short = try await setup.api.call(
            "POST",
            "/auctions",
            body: #"{"title":"x","currency":"GBP","startingPrice":1000,"minIncrement":100,"durationSeconds":5}"#,
            user: "v-kit",
            groups: ["vendor"]
        )
        #expect(short.status == 400 && short.error?.field == "durationSeconds")
    }

    @Test func bidsAreAcceptedOnlyAboveTheHighBidAndNeverFromTheSeller() async throws {
        let setup = try await Setup.make()
        let auction = try await setup.auction(endingIn: 600)
        let id = auction.auctionId
        #expect(try await setup.bid(id, 50_00, user: "v-kit").status == 403, "the seller")
        let low = try await setup.bid(id, 9_99, user: "u-ada")
        #expect(low.status == 409 && low.error?.code == "bid_too_low" && low.error?.field == "amount")
        #expect(try await setup.bid(id, 10_00, user: "u-ada").status == 201)
        #expect(try await setup.bid(id, 10_50, user: "u-bob").status == 409, "under high + increment")
        #expect(try await setup.bid(id, 11_00, user: "u-bob").status == 201)
        let dollars = try await setup.api.call(
            "POST",
            "/auctions/\(id)/bids",
            body: #"{"amount":5000,"currency":"USD"}"#,
            user: "u-cy"
        )
        #expect(dollars.status == 400 && dollars.error?.field == "currency")
        let shown = try await setup.api.call("GET", "/auctions/\(id)", user: nil).decode(AuctionBody.self)
        #expect(shown.highBid?.amount == 11_00 && shown.bidCount == 2 && shown.minNextBid.amount == 12_00)

        // Both accepted bids are on the queue in the auction's group, and the outbox is empty again.
        let queued = try await setup.queued(expecting: 2)
        #expect(queued.count == 2 && queued.allSatisfy { $0.groupId == id })
        #expect(try await setup.auctions.auction(id, consistent: true)?.outbox?.isEmpty == true)
        // Ada, outbid by Bob, is told.
        let notes = try await setup.moto.drain(setup.api.fixture.queueURL, expecting: 1)
        let outbid = try notes.map { try JSONDecoder().decode(Notification.self, from: Data($0.body.utf8)) }
        #expect(outbid.map(\.kind) == [.liveOutbid] && outbid.first?.userId == "u-ada")

        // bid-persistence writes them; the listings read them back newest first.
        #expect(try await setup.persist(queued).batchItemFailures.isEmpty)
        let bids = try await setup.api.call("GET", "/auctions/\(id)/bids", user: nil)
        struct BidBody: Decodable {
            var userId: String
            var amount: Money
        }
        #expect(try bids.decode(SniperAPI.Listing<BidBody>.self).items.map(\.userId) == ["u-bob", "u-ada"])
        let mine = try await setup.api.call("GET", "/me/live-bids", user: "u-ada")
        #expect(try mine.decode(SniperAPI.Listing<BidBody>.self).items.map(\.amount.amount) == [10_00])
        #expect(
            try await setup.api.call("POST", "/auctions/\(id)/bids", body: #"{"amount":1}"#, user: nil).status == 401
        )
    }

    @Test func fiftyConcurrentBiddersLeaveOneHighBidAndAnIncreasingHistory() async throws {
        let setup = try await Setup.make()
        let auction = try await setup.auction(endingIn: 600)
        let answers = try await withThrowingTaskGroup(of: (Int64, Int).self) { group in
            for bidder in 0..<50 {
                group.addTask {
                    // Amounts that collide: several bidders offer each price.
                    let amount = Int64(10_00 + (bidder % 17) * 1_00)
                    return (amount, try await setup.bid(auction.auctionId, amount, user: "u-\(bidder)").status)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let accepted = answers.filter { $0.1 == 201 }.map(\.0).sorted()
        #expect(answers.allSatisfy { $0.1 == 201 || $0.1 == 409 }, "\(answers.map(\.1))")
        #expect(!accepted.isEmpty)
        for (lower, higher) in zip(accepted, accepted.dropFirst()) {
            #expect(higher >= lower + 1_00, "an accepted bid below its predecessor plus the increment")
        }
        let row = try #require(try await setup.auctions.auction(auction.auctionId, consistent: true))
        #expect(row.highBid == accepted.last && row.bidCount == Int64(accepted.count))

        let queued = try await setup.queued(expecting: accepted.count)
        #expect(try await setup.persist(queued).batchItemFailures.isEmpty)
        let history = try await setup.history().compactMap { item -> Int64? in
            if case .n(let text)? = item["amount"] { Int64(text) } else { nil }
        }
        #expect(history.sorted() == accepted, "every accepted bid in bids_history, once")
    }

    @Test func aBidAcceptedByAProcessThatDiedBeforeQueueingItIsWrittenByTheClose() async throws {
        // The api's queue is unreachable: as if it died right after the accepting write.
        let setup = try await Setup.make(queueURL: "http://127.0.0.1:9/000000000000/gone.fifo")
        let auction = try await setup.auction(endingIn: 15)  // each bid retries the dead queue first
        // Too early: the close comes back.
        let close = SQSEvent.Record(
            messageId: "close-1",
            body: AuctionClose(auctionId: auction.auctionId).body,
            groupId: auction.auctionId
        )
        #expect(try await setup.persist([close]).batchItemFailures.map(\.itemIdentifier) == ["close-1"])
        let answer = try await setup.bid(auction.auctionId, 12_00, user: "u-ada")
        #expect(answer.status == 201, "accepted: the outbox holds it")
        #expect(try await setup.bid(auction.auctionId, 13_00, user: "u-bob").status == 201)
        let row = try #require(try await setup.auctions.auction(auction.auctionId, consistent: true))
        #expect(row.outbox?.count == 2)
        #expect(try await setup.history().isEmpty)

        let left = auction.endTime - WallClock.nowMs()
        if left > 0 { try await Task.sleep(for: .milliseconds(left + 200)) }
        #expect(try await setup.persist([close]).batchItemFailures.isEmpty)
        #expect(try await setup.history().count == 2, "both stranded bids written by the close")
        let closed = try #require(try await setup.auctions.auction(auction.auctionId, consistent: true))
        #expect(closed.status == Auction.closed && closed.winnerId == "u-bob" && closed.outbox == nil)
        // A redelivered close changes nothing and sends nothing again.
        #expect(try await setup.persist([close]).batchItemFailures.isEmpty)
        let notes = try await setup.moto.drain(setup.api.fixture.queueURL, expecting: 4)
        let kinds = try notes.map { try JSONDecoder().decode(Notification.self, from: Data($0.body.utf8)) }
            .filter { $0.kind != .liveOutbid }
            .map { "\($0.kind.rawValue) \($0.userId ?? "")" }
        #expect(kinds.sorted() == ["auction_lost u-ada", "auction_won u-bob"])
        // A bid after the end is refused.
        #expect(try await setup.bid(auction.auctionId, 50_00, user: "u-cy").error?.code == "auction_not_open")
    }

    @Test func oneUserMakesAtMostThirtyLiveBidsAMinute() async throws {
        let setup = try await Setup.make()
        let auction = try await setup.auction(endingIn: 600)
        // Stay inside one minute's window: start just after a boundary when close to the next, and send the
        // thirty side by side (one after another they took over 20 s in a loaded full run and crossed it).
        let second = WallClock.nowMs() / 1000 % 60
        if second > 30 { try await Task.sleep(for: .seconds(61 - second)) }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<30 {
                group.addTask { try await setup.bid(auction.auctionId, 10_00 + Int64(n) * 1_00, user: "u-ada").status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Racing each other, some are outbid on arrival (409); every one counts against the limit.
        #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 } && statuses.contains(201), "\(statuses)")
        let refused = try await setup.bid(auction.auctionId, 50_00, user: "u-ada")
        #expect(refused.status == 429 && refused.error?.code == "rate_limited", "\(refused.body)")
        #expect(Int(refused.headers["retry-after"] ?? "").map { (1...60).contains($0) } == true)
        #expect(try await setup.bid(auction.auctionId, 50_00, user: "u-bob").status == 201, "others still bid")
    }

    @Test func aBidWhoseAcceptingReplyWasLostIsStillAcceptedAndTheOutbidBidderTold() async throws {
        let setup = try await Setup.make()
        let auction = try await setup.auction(endingIn: 600)
        #expect(try await setup.bid(auction.auctionId, 10_00, user: "u-bob").status == 201)
        // The accepting write itself (not the rate limit's UpdateItem before it) loses its reply.
        let proxy = FaultProxy(
            upstream: setup.moto.endpoint,
            operation: "UpdateItem",
            containing: "high_bid_id",
            count: 1,
            fault: .lostReply
        )
        try await proxy.with { endpoint in
            var environment = setup.environment
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
            let faulty = try StorefrontAPI(setup.api.fixture, environment: environment)
            let answer = try await faulty.call(
                "POST",
                "/auctions/\(auction.auctionId)/bids",
                body: #"{"amount":1500,"currency":"GBP"}"#,
                user: "u-ada"
            )
            #expect(answer.status == 201, "the retry refused by the condition is recognised: \(answer.body)")
        }
        #expect(proxy.attempts == 2, "the accept was sent again after its reply was lost")
        let row = try #require(try await setup.auctions.auction(auction.auctionId, consistent: true))
        #expect(row.highBid == 15_00 && row.highBidder == "u-ada" && row.bidCount == 2)
        // The reply that named Bob as the high bidder was lost; the row itself still says who it was.
        let notes = try await setup.moto.drain(setup.api.fixture.queueURL, expecting: 1)
        let told = try notes.map { try JSONDecoder().decode(Notification.self, from: Data($0.body.utf8)) }
        #expect(told.map(\.kind) == [.liveOutbid] && told.first?.userId == "u-bob")
        #expect(try await setup.queued(expecting: 2).count == 2, "both bids on their way to bids_history")
    }

    @Test func anAuctionWhosePutReplyWasLostIsCreatedOnce() async throws {
        let setup = try await Setup.make(unchecked: true)
        let proxy = FaultProxy(
            upstream: setup.moto.endpoint,
            operation: "PutItem",
            containing: setup.auctionsTable,
            count: 1,
            fault: .lostReply
        )
        let created = try await proxy.with { endpoint in
            var environment = setup.environment
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
            let faulty = try StorefrontAPI(setup.api.fixture, environment: environment)
            return try await faulty.call(
                "POST",
                "/auctions",
                body:
                    #"{"title":"Brass telescope","currency":"GBP","startingPrice":1000,"minIncrement":100,"durationSeconds":600}"#,
                user: "v-kit",
                groups: ["vendor"]
            )
        }
        #expect(created.status == 201, "the retry refused by the condition is recognised: \(created.body)")
        #expect(proxy.attempts == 2, "the put was sent again after its reply was lost")
        let auction = try created.decode(AuctionBody.self)
        let rows = try await setup.api.fixture.dynamo().all(.init(table: setup.auctionsTable, consistentRead: true))
        #expect(rows.map { $0["auction_id"] } == [.s(auction.auctionId)])
    }
}
