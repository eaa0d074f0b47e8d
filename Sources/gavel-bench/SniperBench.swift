import API
import APIGatewayEvents
import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Logging
import Sniper

/// `gavel-bench sniper`: how close to `end − lead` bids reach a loopback eBay, and the api's handler time for
/// `GET /bids` with 100 bids, against moto (the harness's own server) and `FakeEbay`. Prints a Markdown table.
func benchmarkSniper() async throws {
    let ebay = FakeEbay()
    try await ebay.with { url in
        let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
        try await fixture.linkUser("u-bench")
        let aws = try AWSClients(environment: fixture.environment, transport: Moto.transport)
        let metrics = Metrics(function: "bench") { _ in }
        let executor = try BidExecutorHandler(environment: fixture.environment, aws: aws, metrics: metrics)

        // 50 bids in 5 rounds of 10 executors running side by side, due 100 ms apart, each auction ending
        // 2 s after its bid is due (lead 2 s), as 10 concurrent Lambda invocations would place them.
        var dues: [String: Int64] = [:]
        for round in 0..<5 {
            let start = WallClock.nowMs()
            var bids: [SnipeBid] = []
            for index in 0..<10 {
                let itemId = "v1|\(round * 10 + index)|0"
                let end = start + 5_000 + Int64(index) * 100
                ebay.addItem(itemId, .init(title: "Bench \(itemId)", price: 10_00, endMs: end))
                let bid = try await fixture.scheduledBid(userId: "u-bench", itemId: itemId, leadSeconds: 2, endMs: end)
                dues[itemId] = bid.dueAt
                bids.append(bid)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bid in bids {
                    group.addTask {
                        let context = LambdaContext(
                            invocation: Invocation(
                                requestId: bid.bidId,
                                deadlineMs: WallClock.nowMs() + 60_000,
                                invokedFunctionArn: "bench",
                                event: []
                            ),
                            function: FunctionEnvironment(environment: [:]),
                            logger: .init(label: "bench") { _ in SwiftLogNoOpLogHandler() }
                        )
                        _ = try await executor.handle(.init(userId: bid.userId, bidId: bid.bidId), context: context)
                    }
                }
                try await group.waitForAll()
            }
        }
        let offsets = ebay.bids.compactMap { bid in dues[bid.itemId].map { abs(bid.arrivalMs - $0) } }.sorted()
        func percentile(_ p: Double) -> Int64 { offsets[min(offsets.count - 1, Int(Double(offsets.count) * p))] }

        // GET /bids?limit=100 over 100 stored bids.
        let api = try APIHandler(environment: fixture.environment, aws: aws, metrics: metrics)
        let dynamo = try fixture.dynamo()
        for index in 0..<100 {
            let bid = SnipeBid(
                userId: "u-list",
                bidId: SnipeBid.newId(nowMs: WallClock.nowMs() + Int64(index)),
                itemId: "v1|\(index)|0",
                itemTitle: "Listed item \(index) with a title of a realistic length for eBay",
                maxBid: Money(amount: 125_00, currency: "USD"),
                leadSeconds: 5,
                auctionEndTime: WallClock.nowMs() + 3_600_000,
                status: .scheduled,
                createdAt: WallClock.nowMs()
            )
            try await dynamo.putItem(table: fixture.bidsTable, item: try DynamoDBEncoder().encode(bid))
        }
        let request = APIGatewayRequest(
            method: "GET",
            path: "/bids",
            query: ["limit": "100"],
            claims: ["sub": "u-list"]
        )
        var times: [Double] = []
        var size = 0
        for _ in 0..<60 {
            let started = nowNs()
            let response = try await api.handle(request, context: TestContext.make(function: "api"))
            times.append(Double(nowNs() - started) / 1e6)
            size = response.body.utf8.count
            precondition(response.statusCode == 200)
        }
        let measured = times.dropFirst(10).sorted()
        // The same Query alone, to separate moto's share from ours.
        let read = DynamoDB.Read(
            table: fixture.bidsTable,
            keyCondition: "userId = :user",
            values: [":user": .s("u-list")],
            ascending: false,
            limit: 101
        )
        var queryTimes: [Double] = []
        for _ in 0..<30 {
            let started = nowNs()
            _ = try await dynamo.page(read)
            queryTimes.append(Double(nowNs() - started) / 1e6)
        }
        let query = queryTimes.dropFirst(5).sorted()[12]
        print("| sniper benchmark (release, moto and the fake eBay on loopback) | value |")
        print("|---|---|")
        print("| bids placed / scheduled | \(offsets.count) / 50 |")
        print("| \\|arrival − (end − lead)\\|, p50 | \(percentile(0.5)) ms |")
        print("| \\|arrival − (end − lead)\\|, p99 | \(percentile(0.99)) ms |")
        print("| \\|arrival − (end − lead)\\|, worst | \(offsets.last ?? -1) ms |")
        print(
            "| GET /bids?limit=100 (100 bids, \(size / 1024) KB body): handler time, median | \((measured[measured.count / 2] * 100).rounded() / 100) ms |"
        )
        print("| of which the DynamoDB Query of 101 items on moto, median | \((query * 100).rounded() / 100) ms |")
        print(
            "| GET /bids?limit=100: handler time, p90 | \((measured[measured.count * 9 / 10] * 100).rounded() / 100) ms |"
        )
    }
}
