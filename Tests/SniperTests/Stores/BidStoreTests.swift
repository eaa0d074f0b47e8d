import AWS
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import Sniper
import Testing

/// The Bids store's writes when DynamoDB applies a call and its reply is lost: the client's retry must
/// recognise the call's own effect rather than fail on it (a lost claim was a snipe never placed).
@Suite struct BidStoreTests {
    static func bid(_ id: String = "b-1") -> SnipeBid {
        SnipeBid(
            userId: "u-ada",
            bidId: id,
            itemId: "v1|1|0",
            itemTitle: "Leica M6",
            maxBid: Money(amount: 750_00, currency: "USD"),
            leadSeconds: 5,
            auctionEndTime: 1_900_000_000_000,
            status: .scheduled,
            createdAt: 1_800_000_000_000
        )
    }

    /// Runs `body` with a store whose DynamoDB calls go through a proxy that loses the reply of the first
    /// `operation` call (after applying it), and a store that reaches moto directly.
    static func withLostReply(
        of operation: String,
        fault: FaultProxy.Fault = .lostReply,
        _ body: (_ faulty: BidStore, _ direct: BidStore, _ proxy: FaultProxy) async throws -> Void
    ) async throws {
        let ebay = FakeEbay()
        try await ebay.with { url in
            let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
            let configuration = try SniperConfiguration(environment: fixture.environment)
            let proxy = FaultProxy(
                upstream: fixture.moto.endpoint,
                operation: operation,
                count: 1,
                fault: fault
            )
            try await proxy.with { endpoint in
                var environment = fixture.environment
                environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
                let faulty = DynamoDB(
                    client: try AWSClients(environment: environment, transport: Moto.transport).client(.dynamoDB)
                )
                try await body(
                    BidStore(dynamo: faulty, configuration: configuration),
                    BidStore(dynamo: try fixture.dynamo(), configuration: configuration),
                    proxy
                )
            }
        }
    }

    @Test func aClaimWhoseReplyWasLostIsStillOurs() async throws {
        try await Self.withLostReply(of: "UpdateItem") { faulty, direct, proxy in
            try await direct.create(Self.bid())
            let claimed = try await faulty.claim(
                userId: "u-ada",
                bidId: "b-1",
                token: "attempt-1",
                at: 1_800_000_001_000
            )
            #expect(proxy.attempts == 2)  // the lost one, and the client's retry
            #expect(claimed?.status == .executing)
            #expect(claimed?.claimToken == "attempt-1")
            // Another attempt (a second delivery of the schedule) does not get it.
            #expect(
                try await direct.claim(userId: "u-ada", bidId: "b-1", token: "attempt-2", at: 1_800_000_002_000) == nil
            )
            #expect(try await direct.bid(userId: "u-ada", bidId: "b-1")?.claimToken == "attempt-1")
        }
    }

    /// The same, when the reply comes after the client's 10 s timeout instead of never.
    @Test func aClaimAnsweredAfterTheClientsTimeoutIsStillOurs() async throws {
        try await Self.withLostReply(of: "UpdateItem", fault: .slowReply(.seconds(11))) { faulty, direct, proxy in
            try await direct.create(Self.bid())
            let claimed = try await faulty.claim(userId: "u-ada", bidId: "b-1", token: "slow-1", at: 1_800_000_001_000)
            #expect(proxy.attempts == 2 && claimed?.claimToken == "slow-1")
        }
    }

    @Test func aCreateWhoseReplyWasLostSucceedsAndAnotherBidWithTheIdDoesNot() async throws {
        try await Self.withLostReply(of: "PutItem") { faulty, direct, proxy in
            try await faulty.create(Self.bid())
            #expect(proxy.attempts == 2)
            var owed = Self.bid()
            owed.notifyPending = "SCHEDULED"  // a new bid owes its snipe_scheduled email
            owed.ttl = 1_900_000_000 + 365 * 86_400  // the auction's end plus the default retention
            #expect(try await direct.bid(userId: "u-ada", bidId: "b-1") == owed)
            var other = Self.bid()
            other.itemTitle = "Nikon F3"
            await #expect(throws: AWSError.self) { try await direct.create(other) }
        }
    }

    @Test func anOutcomeWhoseReplyWasLostIsRecordedOnceAndAnotherOutcomeIsStale() async throws {
        try await Self.withLostReply(of: "TransactWriteItems") { faulty, direct, proxy in
            var bid = Self.bid()
            bid.status = .executing
            try await direct.create(bid)
            bid.status = .placed
            bid.updatedAt = 1_800_000_003_000
            let written = try await faulty.record(bid, from: .executing)
            #expect(proxy.attempts == 2)  // the lost one, and the client's retry
            #expect(written.status == .placed && written.notifyPending == "PLACED" && written.notifiedAt == nil)
            #expect(try await direct.bid(userId: "u-ada", bidId: "b-1") == written)
            // A different outcome from EXECUTING (a second executor, the sweep) finds the row moved on.
            bid.status = .missed
            await #expect(throws: BidStore.StaleTransition.self) { try await direct.record(bid, from: .executing) }
        }
    }
}
