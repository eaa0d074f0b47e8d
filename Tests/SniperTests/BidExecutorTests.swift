import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Sniper
import Testing

/// The bid executor in-process against moto and the fake eBay: timing, duplicates, refusals, outages.
@Suite struct BidExecutorTests {
    struct Run {
        let fixture: SniperFixture
        let ebay: FakeEbay
        let handler: BidExecutorHandler

        func execute(_ bid: SnipeBid) async throws -> BidExecutorHandler.Output {
            try await self.handler.handle(
                .init(userId: bid.userId, bidId: bid.bidId),
                context: TestContext.make(seconds: 60, function: "bid-executor")
            )
        }
    }

    static func with(_ body: (Run) async throws -> Void) async throws {
        let ebay = FakeEbay()
        try await ebay.with { url in
            let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
            try await fixture.linkUser("u-ada")
            let handler = try BidExecutorHandler(
                environment: fixture.environment,
                aws: AWSClients(environment: fixture.environment, transport: Moto.transport),
                metrics: MetricLines().metrics(function: "bid-executor")
            )
            try await body(Run(fixture: fixture, ebay: ebay, handler: handler))
        }
    }

    /// An auction ending `seconds` from now at 20.00 USD.
    static func auction(_ ebay: FakeEbay, _ id: String, endsIn seconds: Double, price: Int64 = 20_00) -> Int64 {
        let end = WallClock.nowMs() + Int64(seconds * 1000)
        ebay.addItem(id, .init(title: "Leica M6", price: price, endMs: end))
        return end
    }

    @Test func theBidArrivesAtEndMinusLeadAndIsRecordedOnceEvenWhenDeliveredTwice() async throws {
        try await Self.with { run in
            // 8 s: the bid is due 6 s from now, after the schedule's setup, even on a loaded machine.
            let end = Self.auction(run.ebay, "v1|1|0", endsIn: 8)
            let bid = try await run.fixture.scheduledBid(
                userId: "u-ada",
                itemId: "v1|1|0",
                maxBid: Money(amount: 75_00, currency: "USD"),
                leadSeconds: 2,
                endMs: end
            )
            let output = try await run.execute(bid)
            #expect(output.status == .placed, "\(output)")
            let placed = try #require(run.ebay.bids.first)
            #expect(abs(placed.arrivalMs - (end - 2000)) < 100, "arrived \(placed.arrivalMs - (end - 2000)) ms off")
            #expect(placed.body == #"{"maxAmount":{"value":"75.00","currency":"USD"}}"#)
            let stored = try #require(try await run.fixture.bid(bid))
            #expect(stored.status == .placed && stored.notifiedAt != nil && stored.placedAt != nil)
            let history = try await run.fixture.history("u-ada")
            #expect(history.map(\.status) == [.placed] && history[0].ttl > WallClock.nowMs() / 1000 + 364 * 86_400)
            let messages = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 1)
            #expect(messages.count == 1)
            let notification = try #require(try Emails.decoded(messages.map(\.body)).first)
            #expect(
                notification.kind == .bidPlaced && notification.userId == "u-ada"
                    && notification.notificationId == "bid-\(bid.bidId)-PLACED"
            )
            #expect(
                notification.data["maxBid"] == "75.00 USD" && notification.data["currentPrice"] == "20.00 USD"
                    && notification.data["link"] == "https://gavel.example/bids/\(bid.bidId)"
            )

            // The same schedule delivered again: no second bid, no second record, no second message.
            let again = try await run.execute(bid)
            #expect(again.status == .placed && again.detail == "already handled")
            #expect(run.ebay.bids.count == 1)
            #expect(try await run.fixture.history("u-ada").count == 1)
            #expect(try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 1).isEmpty)
        }
    }

    @Test func anEndedAuctionOrAPriceAboveTheMaximumIsRecordedWithoutBidding() async throws {
        try await Self.with { run in
            let ended = Self.auction(run.ebay, "v1|ended|0", endsIn: -1)
            let late = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|ended|0", endMs: ended)
            #expect(try await run.execute(late).status == .ended)
            let pricey = Self.auction(run.ebay, "v1|pricey|0", endsIn: 60, price: 80_00)
            let outbid = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|pricey|0", endMs: pricey)
            let output = try await run.execute(outbid)
            #expect(output.status == .outbid && output.detail?.contains("80.00 USD") == true)
            let gone = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|deleted|0", endMs: pricey)
            #expect(try await run.execute(gone).status == .ended)
            #expect(run.ebay.bids.isEmpty)
            let kinds = try Emails.decoded(
                try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 3).map(\.body)
            ).map(\.kind)
            #expect(kinds.sorted { $0.rawValue < $1.rawValue } == [.bidFailed, .bidFailed, .bidOutbid])
        }
    }

    @Test func aTokenNearItsExpiryIsRefreshedBeforeTheBidAndARefusedOneOnce() async throws {
        try await Self.with { run in
            // Ten seconds: alive at the due time, but inside the 30 s margin checked two seconds before it.
            run.ebay.setAccessTokenLifetime(seconds: 10)
            run.ebay.faultNextBids([.refuse(401)])
            let end = Self.auction(run.ebay, "v1|2|0", endsIn: 8)
            let bid = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|2|0", endMs: end)
            #expect(try await run.execute(bid).status == .placed)
            // One token at the start, a fresh one two seconds before the bid, and one more after eBay refuses
            // that one (401): the bid still goes in, once.
            #expect(run.ebay.grants.filter { $0 == "refresh_token" }.count == 3)
            #expect(run.ebay.bids.count == 2 && run.ebay.proxies.count == 1)
        }
    }

    /// Secrets Manager and KMS failing past the client's three attempts, a minute before the bid: the executor
    /// tries again while it has time, and the snipe goes in (it used to be recorded FAILED, "link again").
    @Test func aBlipInAWSBeforeTheBidIsOutlasted() async throws {
        let ebay = FakeEbay()
        try await ebay.with { url in
            let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
            try await fixture.linkUser("u-ada")
            let secrets = FaultProxy(
                upstream: fixture.moto.endpoint,
                operation: "GetSecretValue",
                count: 3,
                fault: .serverError
            )
            let kms = FaultProxy(upstream: fixture.moto.endpoint, operation: "Decrypt", count: 3, fault: .reset)
            try await secrets.with { secretsEndpoint in
                try await kms.with { kmsEndpoint in
                    var environment = fixture.environment
                    environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = secretsEndpoint
                    environment["AWS_ENDPOINT_URL_KMS"] = kmsEndpoint
                    let handler = try BidExecutorHandler(
                        environment: environment,
                        aws: AWSClients(environment: environment, transport: Moto.transport),
                        metrics: MetricLines().metrics(function: "bid-executor")
                    )
                    let end = Self.auction(ebay, "v1|blip|0", endsIn: 15)  // time to try again before it is due
                    let bid = try await fixture.scheduledBid(userId: "u-ada", itemId: "v1|blip|0", endMs: end)
                    let output = try await handler.handle(
                        .init(userId: bid.userId, bidId: bid.bidId),
                        context: TestContext.make(seconds: 60, function: "bid-executor")
                    )
                    #expect(output.status == .placed, "\(output)")
                }
            }
            #expect(secrets.attempts == 4 && kms.attempts == 4, "three failed attempts each, then one that works")
            #expect(ebay.proxies.count == 1)
        }
    }

    @Test func aBidWhoseAnswerIsLostIsConfirmedWithEbayAndNotSentAgain() async throws {
        try await Self.with { run in
            for (n, fault) in [FakeEbay.BidFault.takeThenLoseReply, .takeThenAnswer(502)].enumerated() {
                let item = "v1|lost\(n)|0"
                let end = Self.auction(run.ebay, item, endsIn: 8)
                run.ebay.faultNextBids([fault])
                let bid = try await run.fixture.scheduledBid(userId: "u-ada", itemId: item, endMs: end)
                let output = try await run.execute(bid)
                #expect(output.status == .placed && output.detail?.contains("eBay confirmed") == true, "\(output)")
                #expect(run.ebay.proxies.filter { $0.itemId == item }.count == 1, "\(fault): taken once")
                #expect(run.ebay.bids.filter { $0.itemId == item }.count == 1, "\(fault): sent once")
                #expect(try await run.fixture.bid(bid)?.status == .placed)
            }
        }
    }

    @Test func eBayOutagesAreRetriedAndRefusalsRecorded() async throws {
        try await Self.with { run in
            run.ebay.failNextBids([503, 502])
            // 8 s: room for two retries after the setup, even on a loaded machine (4 s failed under CI's load).
            let end = Self.auction(run.ebay, "v1|3|0", endsIn: 8)
            let retried = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|3|0", endMs: end)
            #expect(try await run.execute(retried).status == .placed)
            #expect(run.ebay.bids.count == 3)

            run.ebay.failNextBids([403])
            let refusedEnd = Self.auction(run.ebay, "v1|4|0", endsIn: 8)
            let refused = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|4|0", endMs: refusedEnd)
            let output = try await run.execute(refused)
            #expect(output.status == .failed && output.detail?.contains("HTTP 403") == true, "\(output)")
            #expect(run.ebay.bids.count == 4)  // a 4xx is not retried
            #expect(try await run.fixture.bid(refused)?.detail == output.detail)
        }
    }

    @Test func anUnlinkedUserOrARevokedGrantFailsClearly() async throws {
        try await Self.with { run in
            let end = Self.auction(run.ebay, "v1|5|0", endsIn: 60)
            let stranger = try await run.fixture.scheduledBid(userId: "u-nolink", itemId: "v1|5|0", endMs: end)
            let output = try await run.execute(stranger)
            #expect(output.status == .failed && output.detail == "the eBay account is not linked")
            try await run.fixture.dynamo().putItem(
                table: run.fixture.usersTable,
                item: [
                    "userId": .s("u-revoked"), "email": .s("r@example.com"), "ebayRefreshToken": .b(Array("junk".utf8)),
                ]
            )
            let revoked = try await run.fixture.scheduledBid(userId: "u-revoked", itemId: "v1|5|0", endMs: end)
            let unreadable = try await run.execute(revoked)
            #expect(unreadable.status == .failed && unreadable.detail?.contains("could not be read") == true)
            #expect(run.ebay.bids.isEmpty)
        }
    }

    func sweep(_ run: Run) async throws -> BidExecutorHandler.Sweep {
        let output = try await run.handler.handle(
            .init(sweep: "overdue"),
            context: TestContext.make(function: "bid-executor")
        )
        return try #require(output.sweep)
    }

    @Test func theSweepMarksOverdueBidsMissedAndLeavesTheRestAlone() async throws {
        try await Self.with { run in
            let past = WallClock.nowMs() - 120_000
            let overdue = try await run.fixture.scheduledBid(userId: "u-ada", itemId: "v1|6|0", endMs: past)
            let future = try await run.fixture.scheduledBid(
                userId: "u-ada",
                itemId: "v1|7|0",
                endMs: WallClock.nowMs() + 3_600_000
            )
            #expect(try await self.sweep(run) == .init(missed: 1))
            #expect(try await run.fixture.bid(overdue)?.status == .missed)
            #expect(try await run.fixture.bid(future)?.status == .scheduled)
            let messages = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 1)
            #expect(try Emails.decoded(messages.map(\.body)).map(\.kind) == [.bidMissed])
            // A second sweep finds nothing more.
            #expect(try await self.sweep(run) == .init())
            let bad = await #expect(throws: ValidationError.self) {
                try await run.handler.handle(
                    .init(userId: "u-ada"),
                    context: TestContext.make(function: "bid-executor")
                )
            }
            #expect(bad?.description.contains("bidId") == true)
        }
    }

    @Test func theSweepAsksEbayHowEndedAuctionsWentAndWhatDeadExecutorsDid() async throws {
        try await Self.with { run in
            let ada = "rt-u-ada"  // the fixture's refresh token: the buyer as the fake eBay knows them
            let ended = WallClock.nowMs() - 700_000  // past every grace, EXECUTING's ten minutes included
            func bid(_ item: String, _ status: BidStatus) async throws -> SnipeBid {
                _ = Self.auction(run.ebay, item, endsIn: -700)
                return try await run.fixture.scheduledBid(userId: "u-ada", itemId: item, endMs: ended, status: status)
            }
            let won = try await bid("v1|won|0", .placed)
            run.ebay.takeBid("v1|won|0", buyer: ada, maxAmount: 50_00)
            let lost = try await bid("v1|lost|0", .placed)
            run.ebay.takeBid("v1|lost|0", buyer: ada, maxAmount: 50_00)
            run.ebay.rivalBid("v1|lost|0", maxAmount: 61_00)
            let bidThenDied = try await bid("v1|died-after|0", .executing)
            run.ebay.takeBid("v1|died-after|0", buyer: ada, maxAmount: 50_00)
            let diedBefore = try await bid("v1|died-before|0", .executing)

            #expect(try await self.sweep(run) == .init(missed: 1, settled: 3))
            let wonRow = try #require(try await run.fixture.bid(won))
            #expect(wonRow.status == .won && wonRow.currentPrice == Money(amount: 20_00, currency: "USD"))
            let lostRow = try #require(try await run.fixture.bid(lost))
            #expect(lostRow.status == .lost && lostRow.currentPrice == Money(amount: 61_00, currency: "USD"))
            #expect(try await run.fixture.bid(bidThenDied)?.status == .won)
            let missed = try #require(try await run.fixture.bid(diedBefore))
            #expect(missed.status == .missed && missed.detail?.contains("stopped before eBay took the bid") == true)
            let sent = try Emails.decoded(
                try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 4).map(\.body)
            )
            #expect(sent.map(\.kind.rawValue).sorted() == ["auction_lost", "auction_won", "auction_won", "bid_missed"])
            #expect(sent.first { $0.kind == .auctionWon }?.data["finalPrice"] == "20.00 USD")
            #expect(sent.first { $0.kind == .auctionLost }?.data["finalPrice"] == "61.00 USD")
            #expect(run.ebay.bids.isEmpty, "the sweep only asks; it never bids")
            #expect(try await self.sweep(run) == .init())
        }
    }

    @Test func oneBidsFailureDoesNotStopTheSweepAndAnUnqueuedEmailIsSentLater() async throws {
        try await Self.with { run in
            let ended = WallClock.nowMs() - 120_000
            _ = Self.auction(run.ebay, "v1|ok|0", endsIn: -120)
            let fine = try await run.fixture.scheduledBid(
                userId: "u-ada",
                itemId: "v1|ok|0",
                endMs: ended,
                status: .placed
            )
            run.ebay.takeBid("v1|ok|0", buyer: "rt-u-ada", maxAmount: 50_00)
            // A user whose stored link cannot be read (KMS refuses the ciphertext): that bid fails, alone.
            try await run.fixture.dynamo().putItem(
                table: run.fixture.usersTable,
                item: ["userId": .s("u-bad"), "email": .s("b@example.com"), "ebayRefreshToken": .b(Array("junk".utf8))]
            )
            let broken = try await run.fixture.scheduledBid(
                userId: "u-bad",
                itemId: "v1|ok|0",
                endMs: ended,
                status: .placed
            )
            #expect(try await self.sweep(run) == .init(settled: 1, failed: 1))
            #expect(try await run.fixture.bid(fine)?.status == .won)
            #expect(try await run.fixture.bid(broken)?.status == .placed)
            _ = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 1)

            // An outcome recorded whose email never reached the queue (its executor died in between).
            var orphan = try await run.fixture.scheduledBid(
                userId: "u-ada",
                itemId: "v1|o|0",
                endMs: ended,
                status: .executing
            )
            orphan.status = .outbid
            orphan.currentPrice = Money(amount: 70_00, currency: "USD")
            orphan.updatedAt = WallClock.nowMs() - 90_000
            let stores = BidStore(
                dynamo: try run.fixture.dynamo(),
                configuration: try SniperConfiguration(environment: run.fixture.environment)
            )
            try await stores.record(orphan, from: .executing)
            #expect(try await self.sweep(run) == .init(renotified: 1, failed: 1))
            let resent = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 1)
            #expect(resent.count == 1 && resent[0].body.contains(#""currentPrice":"70.00 USD""#))
            let row = try #require(try await run.fixture.bid(orphan))
            #expect(row.notifiedAt != nil && row.notifyPending == nil)
            #expect(try await self.sweep(run) == .init(failed: 1))
        }
    }
}
