import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import LambdaRuntime
import Sniper
import Testing

/// The whole backend under faults: `gavel-local dev`'s backend with a `FaultProxy` between every function and
/// moto (throttles, 5xx, resets and lost replies, 10% of all calls together; the emulated Lambda service
/// itself talks to moto directly), driving 20 snipes, 20 orders and 200 live bids. Counted at the end: each
/// snipe taken by eBay once and recorded WON, each order placed once with its stock taken once, each live bid
/// in bids_history once, and each email sent once.
@Suite struct FaultsEndToEndTests {
    typealias HTTP = LocalBackendEndToEndTests

    /// What a caller does with a 5xx: tries again, as a frontend would (3 tries).
    static func retrying(_ call: () async throws -> HTTP.Reply) async throws -> HTTP.Reply {
        var reply = try await call()
        for _ in 1..<3 where reply.status >= 500 {
            try await Task.sleep(for: .milliseconds(200))
            reply = try await call()
        }
        return reply
    }

    @Test(.timeLimit(.minutes(15)))
    func nothingIsLostOrDoubledWhenTenPercentOfAWSCallsFail() async throws {
        try await HTTP.withStack("faults") { local in
            let proxy = FaultProxy(upstream: local.stack.endpoint, rate: 0.10, seed: 16)
            try await proxy.with { faulty in
                try await HTTP.withBackend(local, functionEnvironment: ["AWS_ENDPOINT_URL": faulty]) { backend, urls in
                    try await Self.drive(
                        stack: local.stack,
                        backend: backend,
                        urls: urls,
                        caller: local.caller,
                        proxy: proxy
                    )
                }
            }
        }
    }

    static func drive(
        stack: LocalStack,
        backend: LocalBackend,
        urls: LocalBackend.Endpoints,
        caller: [String: String],
        proxy: FaultProxy
    ) async throws {
        let aws = try AWSClients(environment: caller)  // the test's own calls go to moto directly
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        let sqs = SQS(client: aws.client(.sqs))
        let environment = { (function: String, key: String) in stack.functions[function]?.environment[key] ?? "" }
        let console = [(name: "X-Gavel-Console", value: urls.consoleToken)]

        // Four users, each linked to eBay (their Users rows hold the addresses emails go to).
        let signIn = try LocalSignIn(stack: stack)
        var users: [(token: String, userId: String, email: String)] = []
        for n in 1...4 {
            let token = try await signIn.idToken(user: "fault-\(n)")
            let linked = try await Self.retrying {
                try await HTTP.http("POST", urls.gateway + "/me/ebay", body: #"{"code":"c-\#(n)"}"#, token: token)
            }
            #expect(linked.status == 200, "\(linked.text)")
            let me = try await Self.retrying { try await HTTP.http("GET", urls.gateway + "/me", token: token) }
            let userId = try #require(me.text.split(separator: "\"").drop { $0 != "userId" }.dropFirst(2).first)
            users.append((token, String(userId), LocalSignIn.email(for: "fault-\(n)")))
        }

        // 20 snipes on 20 auctions ending in four minutes (Scheduler needs about three minutes' notice).
        let endMs = WallClock.nowMs() + 240_000
        var snipes: [(item: String, user: Int)] = []
        for n in 0..<20 {
            let item = "v1|\(120_000_000_000 + n)|0"
            backend.ebay.addItem(item, .init(title: "Lot \(n)", price: 10_00, currency: "USD", endMs: endMs))
            let user = n % users.count
            let created = try await Self.retrying {
                try await HTTP.http(
                    "POST",
                    urls.gateway + "/bids",
                    body: #"{"itemId":"\#(item)","maxBid":{"amount":5000,"currency":"USD"},"leadSeconds":5}"#,
                    token: users[user].token
                )
            }
            #expect(created.status == 201, "\(created.text)")
            snipes.append((item, user))
        }

        // 20 orders of one product (stock 1000) through order-validation, each with its idempotency key: a
        // caller that sees an error sends the same order again.
        let products = environment("order-validation", "PRODUCTS_TABLE")
        let vendor = users[0].userId
        try await dynamo.putItem(
            table: products,
            item: try DynamoDBEncoder().encode(
                Product(productId: "p-fault", vendorId: vendor, name: "Film", price: 8_00, currency: "USD", stock: 1000)
            )
        )
        var ordered: Int64 = 0
        var orderIds: Set<String> = []
        for n in 0..<20 {
            let quantity = n % 3 + 1
            let event =
                #"{"userId":"\#(users[n % users.count].userId)","idempotencyKey":"fault-\#(n)","items":[{"productId":"p-fault","quantity":\#(quantity)}]}"#
            let answer = try await Self.retrying {
                let reply = try await HTTP.http(
                    "POST",
                    urls.console + "/functions/order-validation/invoke",
                    body: event,
                    headers: console
                )
                return reply.text.contains(#""status":"PENDING""#) ? reply : HTTP.Reply(status: 500, text: reply.text)
            }
            #expect(answer.text.contains(#""status":"PENDING""#), "\(answer.text)")
            if let id = answer.text.split(separator: "\"").drop(while: { $0 != "orderId" }).dropFirst(2).first {
                orderIds.insert(String(id))
            }
            ordered += Int64(quantity)
        }

        // 200 live bids on ten auctions, onto bid-persistence's queue (the auction service's side).
        let liveQueue = stack.functions["bid-persistence"]?.events.first?.queueUrl ?? ""
        let liveStart = WallClock.nowMs()
        for n in 0..<200 {
            let auction = "auc-fault-\(n % 10)"
            try await sqs.send(
                .init(
                    body:
                        #"{"auction_id":"\#(auction)","user_id":"u-\#(n % 7)","amount":\#(1000 + n),"currency":"USD","timestamp":\#(liveStart + Int64(n / 3))}"#,
                    groupId: auction
                ),
                to: liveQueue
            )
        }

        // After the end: the sweep (run now, as its one-minute schedule would) asks eBay and records WON;
        // it runs until every snipe is settled and every email owed is out.
        let bidsTable = environment("bid-executor", "BIDS_TABLE")
        try await Task.sleep(for: .milliseconds(max(0, endMs + 62_000 - WallClock.nowMs())))
        let settled = try await HTTP.eventually(240) {
            _ = try await HTTP.http("POST", urls.console + "/functions/bid-executor/schedule", headers: console)
            let rows = try await dynamo.all(.init(table: bidsTable, consistentRead: true))
            let won = rows.filter { $0["status"] == .s("WON") && $0["notifyPending"] == nil }.count
            if won < 20 { try await Task.sleep(for: .seconds(5)) }
            return won == 20
        }
        let rows = try await dynamo.all(.init(table: bidsTable, consistentRead: true))
        #expect(settled, "statuses: \(rows.map { $0["status"].map { "\($0)" } ?? "?" })")

        // Counted.
        for snipe in snipes {
            #expect(backend.ebay.proxies.filter { $0.itemId == snipe.item }.count == 1, "\(snipe.item) taken once")
        }
        #expect(rows.count == 20, "one Bids row per snipe")
        let product = try await dynamo.getItem(
            table: products,
            key: ["product_id": .s("p-fault")],
            consistentRead: true
        )
        #expect(product?["stock"] == .n(String(1000 - ordered)), "stock taken once per order")
        let orders = try await dynamo.all(
            .init(table: environment("order-validation", "ORDERS_TABLE"), consistentRead: true)
        )
        #expect(orders.count == 20 && orderIds.count == 20)
        let history = environment("bid-persistence", "BIDS_HISTORY_TABLE")
        let live = try await HTTP.eventually(60) {
            try await dynamo.all(.init(table: history, consistentRead: true)).count == 200
        }
        #expect(live, "bids_history holds every live bid once")

        // Emails: per snipe, scheduled, placed and won; per order, the shopper's and the vendor's.
        let expected = 20 * 3 + 20 * 2
        let delivered = try await HTTP.eventually(180) {
            if backend.mailbox.emails.count < expected {
                _ = try await HTTP.http("POST", urls.console + "/functions/bid-executor/schedule", headers: console)
                try await Task.sleep(for: .seconds(5))
            }
            return backend.mailbox.emails.count >= expected
        }
        let emails = backend.mailbox.emails.map { "\($0.To) \($0.Subject)" }
        let counts = Dictionary(emails.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(delivered && emails.count == expected, "\(emails.count) of \(expected) emails")
        #expect(counts.filter { $0.value > 1 }.isEmpty, "duplicates: \(counts.filter { $0.value > 1 })")
        let subjects = Set(backend.mailbox.emails.map(\.Subject))
        for n in 0..<20 {
            for prefix in ["Snipe scheduled", "Bid placed", "You won"] {
                #expect(subjects.contains("\(prefix): Lot \(n)"), "\(prefix): Lot \(n)")
            }
        }
        print(
            "faults: \(proxy.attempts) AWS calls from the functions, faulted \(proxy.counts.sorted { $0.key < $1.key }); "
                + "eBay took \(backend.ebay.proxies.count) bids for 20 snipes; \(orders.count) orders; "
                + "stock \(product?["stock"].map { "\($0)" } ?? "?") of 1000 after \(ordered) ordered; "
                + "\(emails.count) emails, \(counts.filter { $0.value > 1 }.count) duplicated"
        )
    }
}
