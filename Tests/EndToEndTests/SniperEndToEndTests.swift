import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import LambdaRuntime
import Sniper
import Testing

/// The built api and bid-executor bootstraps under `gavel-local invoke`, with every event in events/api and
/// events/bid-executor, against moto and the fake eBay.
@Suite struct SniperEndToEndTests {
    /// The bid id the events for one bid name (events/api/get-bid.json and the others).
    static let eventBidId = "018f2a3b4c5d0123456789abcdef"
    static let itemId = "v1|110551991234|0"

    struct Answer: Decodable {
        var statusCode: Int
        var body: String
    }

    static func invoke(
        _ function: String,
        _ event: String,
        _ environment: [String: String]
    ) async throws -> GavelLocalRun {
        try await GavelLocalRun.invoke(
            function,
            event: TestPaths.root + "/events/\(function)/\(event).json",
            environment: environment
        )
    }

    static func api(_ event: String, _ environment: [String: String]) async throws -> Answer {
        let run = try await self.invoke("api", event, environment)
        guard run.status == "exit status 0", let line = run.output.split(separator: "\n").last else {
            throw MissingPrerequisite("api \(event): \(run.status)\n\(run.error)")
        }
        return try JSONDecoder().decode(Answer.self, from: Data(line.utf8))
    }

    @Test func everyRouteAndTheExecutorWorkThroughTheRuntimeAPI() async throws {
        let ebay = FakeEbay()
        ebay.addItem(Self.itemId, .init(title: "Leica M6 TTL", price: 80_00, endMs: WallClock.nowMs() + 3_600_000))
        ebay.allowCode("demo-authorization-code", refreshToken: "rt-user-ada")
        try await ebay.with { url in
            let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
            let environment = fixture.environment

            #expect(try await Self.api("health", environment).statusCode == 200)
            #expect(try await Self.api("put-me", environment).statusCode == 200)
            let linked = try await Self.api("link-ebay", environment)
            #expect(linked.statusCode == 200 && linked.body.contains(#""linked":true"#))
            let created = try await Self.api("create-bid", environment)
            #expect(created.statusCode == 201, "\(created.body)")
            #expect(try await Self.api("list-bids", environment).body.contains(#""status":"SCHEDULED""#))

            // The one-bid events name a fixed id: store that bid (with its schedule) as POST /bids would.
            let now = WallClock.nowMs()
            var bid = SnipeBid(
                userId: "user-ada",
                bidId: Self.eventBidId,
                itemId: Self.itemId,
                itemTitle: "Leica M6 TTL",
                maxBid: Money(amount: 125_00, currency: "USD"),
                leadSeconds: 5,
                auctionEndTime: now + 3_600_000,
                status: .scheduled,
                createdAt: now
            )
            try await fixture.dynamo().putItem(table: fixture.bidsTable, item: try DynamoDBEncoder().encode(bid))
            let schedules = BidSchedules(
                scheduler: Scheduler(client: try fixture.moto.client(.scheduler)),
                configuration: try SchedulingConfiguration(environment: environment)
            )
            try await schedules.create(bid, fireAt: try #require(BidSchedules.fireTime(dueAtMs: bid.dueAt, nowMs: now)))
            #expect(try await Self.api("get-bid", environment).statusCode == 200)
            let changed = try await Self.api("change-bid", environment)
            #expect(changed.statusCode == 200 && changed.body.contains(#""leadSeconds":8"#), "\(changed.body)")
            let cancelled = try await Self.api("cancel-bid", environment)
            #expect(cancelled.statusCode == 200 && cancelled.body.contains(#""status":"CANCELLED""#))

            // The executor: the same bid scheduled again, due in three seconds.
            bid.status = .scheduled
            bid.auctionEndTime = WallClock.nowMs() + 5_000
            bid.leadSeconds = 2
            ebay.addItem(Self.itemId, .init(title: "Leica M6 TTL", price: 80_00, endMs: bid.auctionEndTime))
            try await fixture.dynamo().putItem(table: fixture.bidsTable, item: try DynamoDBEncoder().encode(bid))
            let executed = try await GavelLocalRun.invoke(
                "bid-executor",
                event: TestPaths.root + "/events/bid-executor/scheduled.json",
                environment: environment,
                repeat: 2
            )
            #expect(executed.status == "exit status 0", "\(executed.error)")
            #expect(executed.output.split(separator: "\n").map { $0.contains(#""status":"PLACED""#) } == [true, true])
            #expect(ebay.bids.count == 1)  // the second delivery placed nothing
            let arrival = try #require(ebay.bids.first).arrivalMs
            #expect(abs(arrival - (bid.auctionEndTime - 2_000)) < 250)
            // secrets stay out of logs
            #expect(!executed.error.contains("rt-user-ada") && !executed.error.contains(FakeEbay.certId))

            let history = try await Self.api("history", environment)
            #expect(history.statusCode == 200 && history.body.contains(#""status":"PLACED""#), "\(history.body)")
            let sweep = try await Self.invoke("bid-executor", "sweep-overdue", environment)
            #expect(sweep.output.contains(#""missed":0"#), "\(sweep.output) \(sweep.error)")
            #expect(try await Self.api("unlink-ebay", environment).statusCode == 204)
            #expect(try await Self.api("get-me", environment).body.contains(#""linked":false"#))
        }
    }
}
