import AWS
import FoundationEssentials
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import LambdaRuntime
import Testing

/// `gavel-local dev`'s backend, whole: the template's stack created on a fresh moto by `LocalAWS`,
/// the built bootstraps behind the local API gateway, queues, bucket and schedules, with the fake eBay and
/// mailbox. Every request goes over loopback HTTP as a developer's curl would.
@Suite struct LocalBackendEndToEndTests {
    struct Reply {
        var status: Int
        var text: String
    }

    static func http(
        _ method: String,
        _ url: String,
        body: String = "",
        token: String? = nil,
        headers extra: [(name: String, value: String)] = []
    ) async throws -> Reply {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")] + extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await Moto.transport.send(
            TransportRequest(method: method, url: url, headers: headers, body: Array(body.utf8), timeout: .seconds(60))
        )
        return Reply(status: response.status, text: String(decoding: response.body, as: UTF8.self))
    }

    /// Polls `check` every 250 ms until it is true or `seconds` pass.
    static func eventually(_ seconds: Int, _ check: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < end {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// A fresh local stack: moto with every resource of template.yaml and the demo data, as `gavel-local dev`
    /// provisions it, and the environment a caller uses to reach it directly.
    struct Stack {
        var layout: ProjectLayout
        var stack: LocalStack
        var caller: [String: String]
    }

    static func withStack<Output>(_ name: String, _ body: (Stack) async throws -> Output) async throws -> Output {
        let layout = try ProjectLayout(searchingUpFrom: TestPaths.root)
        let directory = try TestPaths.temporaryDirectory(name)
        let local = try await LocalAWS.start(
            layout: layout,
            stackPath: directory + "/stack.json",
            motoLog: directory + "/moto.log"
        )
        defer { Task { await local.stop() } }
        let stack = try LocalStack(path: directory + "/stack.json")
        let caller = [
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": stack.endpoint,
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "PATH": "/usr/bin:/bin",
        ]
        return try await body(Stack(layout: layout, stack: stack, caller: caller))
    }

    /// The backend of built bootstraps on `stack`, on free ports, while `body` runs; `functionEnvironment`
    /// goes to every function (a fault proxy's endpoint, say).
    static func withBackend<Output>(
        _ stack: Stack,
        functionEnvironment: [String: String] = [:],
        _ body: (LocalBackend, LocalBackend.Endpoints) async throws -> Output
    ) async throws -> Output {
        var options = LocalBackend.Options(layout: stack.layout, caller: stack.caller)
        options.gatewayPort = 0
        options.consolePort = 0
        options.cdnPort = 0
        options.functionURLPort = 0
        options.functionEnvironment = functionEnvironment
        for name in stack.stack.functions.keys { options.executables[name] = try TestPaths.bootstrap(name) }
        let backend = LocalBackend(stack: stack.stack, options: options)
        let ready = AsyncStream.makeStream(of: LocalBackend.Endpoints.self)
        let running = Task { try await backend.run { ready.continuation.yield($0) } }
        defer { running.cancel() }
        var endpoints = ready.stream.makeAsyncIterator()
        let urls = try #require(await endpoints.next())
        let output = try await body(backend, urls)
        running.cancel()
        _ = try? await running.value
        return output
    }

    @Test(.timeLimit(.minutes(10)))
    func theWholeFlowWorksOfflineThroughTheLocalGateway() async throws {
        try await Self.withStack("local-backend") { local in
            #expect(
                Set(local.stack.functions.keys).isSuperset(of: [
                    "api", "bid-executor", "bid-persistence", "notifications", "order-validation",
                    "image-processing", "cleanup",
                ])
            )
            try await Self.withBackend(local) { backend, urls in
                try await Self.drive(local.stack, backend, urls, caller: local.caller)
            }
        }
    }

    static func drive(
        _ stack: LocalStack,
        _ backend: LocalBackend,
        _ urls: LocalBackend.Endpoints,
        caller: [String: String]
    ) async throws {
        let (api, console) = (urls.gateway, urls.console)
        let pass = [(name: "X-Gavel-Console", value: urls.consoleToken)]
        // The console answers only with its token, to a loopback Host, and never to a web page's Origin.
        #expect(try await Self.http("GET", console + "/mail").status == 401)
        #expect(
            try await Self.http("GET", console + "/mail", headers: pass + [("Origin", "https://evil.example")]).status
                == 403
        )
        #expect(try await Self.http("GET", console + "/mail", headers: pass + [("Host", "evil.example")]).status == 421)
        #expect(try await Self.http("GET", console + "/mail", headers: pass).status == 200)
        let aws = try AWSClients(environment: caller)
        let environment = { (function: String, key: String) in stack.functions[function]?.environment[key] ?? "" }

        // The gateway: a public route, the JWT authorizer, CORS.
        #expect(try await Self.http("GET", api + "/health").status == 200)
        #expect(try await Self.http("GET", api + "/me").status == 401)
        #expect(try await Self.http("GET", api + "/me", token: "eyJhbGciOiJub25lIn0.e30.").status == 401)
        let signIn = try LocalSignIn(stack: stack)
        let token = try await signIn.idToken(user: "e2e")
        let tampered = String(token.dropLast(4)) + (token.hasSuffix("AAAA") ? "BBBB" : "AAAA")
        #expect(try await Self.http("GET", api + "/me", token: tampered).status == 401)

        // Redrive: with the mailbox down, a notification fails every delivery and reaches the dead-letter
        // queue after the queue's maxReceiveCount (5) receives.
        backend.mailbox.failNext(1_000)
        let sqs = SQS(client: aws.client(.sqs))
        let notificationQueue = environment("api", "NOTIFICATION_QUEUE_URL")
        let doomed =
            #"{"notificationId":"dlq-check","kind":"snipe_scheduled","userId":"\#(stack.demo?.userId ?? "")","data":{"itemTitle":"x","maxBid":"1","leadSeconds":"5","auctionEnd":"now","link":""}}"#
        try await sqs.send(.init(body: doomed, groupId: "dlq-check"), to: notificationQueue)
        let deadLetters = environment("notifications", "DEAD_LETTER_QUEUE_URL")
        var redriven: [SQS.Message] = []
        #expect(
            try await Self.eventually(90) {
                redriven += try await sqs.receive(from: deadLetters, maxMessages: 10)
                return redriven.contains { $0.body.contains("dlq-check") }
            },
            "the failing notification never reached \(deadLetters)"
        )
        backend.mailbox.failNext(0)
        #expect(backend.mailbox.emails.isEmpty)

        // The snipe: link eBay, an auction ending in 200 s, a bid through the API; Scheduler (local) fires the
        // executor, which places the bid on the fake eBay at end − lead, records it and emails the user.
        let linked = try await Self.http("POST", api + "/me/ebay", body: #"{"code":"consent-1"}"#, token: token)
        #expect(linked.status == 200 && linked.text.contains(#""linked":true"#), "\(linked.text)")
        let me = try await Self.http("GET", api + "/me", token: token)
        let userId = try #require(
            me.text.split(separator: "\"").drop { $0 != "userId" }.dropFirst(2).first.map(String.init)
        )
        let itemId = "v1|110000000777|0"
        let endMs = WallClock.nowMs() + 200_000
        backend.ebay.addItem(itemId, .init(title: "Leica M6", price: 500_00, currency: "USD", endMs: endMs))
        let created = try await Self.http(
            "POST",
            api + "/bids",
            body: #"{"itemId":"\#(itemId)","maxBid":{"amount":75000,"currency":"USD"},"leadSeconds":5}"#,
            token: token
        )
        #expect(created.status == 201 && created.text.contains(#""status":"SCHEDULED""#), "\(created.text)")
        // One function's lines, as `gavel-local logs api` reads them from the console.
        struct LogLine: Decodable {
            var number: Int
            var text: String
        }
        var apiLines: [LogLine] = []
        #expect(
            try await Self.eventually(10) {
                let logs = try await Self.http("GET", console + "/logs/api", headers: pass)
                apiLines = try JSONDecoder().decode([LogLine].self, from: Data(logs.text.utf8))
                return apiLines.contains { $0.text.contains("bid scheduled") }
            },
            "api lines: \(apiLines.suffix(5).map(\.text))"
        )
        let after = try #require(apiLines.last?.number)
        let later = try await Self.http("GET", console + "/logs/api?after=\(after)", headers: pass)
        #expect(try JSONDecoder().decode([LogLine].self, from: Data(later.text.utf8)).allSatisfy { $0.number > after })

        // Meanwhile: a live bid through bid-persistence into bids_history.
        let liveAt = WallClock.nowMs()
        try await sqs.send(
            .init(
                body:
                    #"{"auction_id":"auc-e2e","user_id":"\#(userId)","amount":1500,"currency":"GBP","timestamp":\#(liveAt)}"#,
                groupId: "auc-e2e"
            ),
            to: stack.functions["bid-persistence"]?.events.first?.queueUrl ?? ""
        )
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        let historyKey: [String: AttributeValue] = [
            "auction_id": .s("auc-e2e"), "timestamp#user_id": .s("\(liveAt)#\(userId)#1500"),
        ]
        #expect(
            try await Self.eventually(30) {
                try await dynamo.getItem(table: environment("bid-persistence", "BIDS_HISTORY_TABLE"), key: historyKey)
                    != nil
            },
            "the live bid never reached bids_history"
        )

        // An upload under uploads/ → image-processing writes the thumbnails.
        let s3 = S3(client: aws.client(.s3))
        let bucket = try #require(stack.buckets.first)
        try await s3.putObject(
            bucket: bucket,
            key: "uploads/prod-camera/front.jpg",
            body: try TestImages.jpeg(TestImages.pattern(width: 1200, height: 900))
        )
        #expect(
            try await Self.eventually(30) {
                try await s3.headObject(bucket: bucket, key: "thumbnails/600/prod-camera/front.jpg") != nil
            },
            "no thumbnails were written"
        )

        // An order (order-validation is invoked synchronously; the console does it) reserves stock and emails
        // the buyer and the vendor (the demo user).
        let order = try await Self.http(
            "POST",
            console + "/functions/order-validation/invoke",
            body: #"{"userId":"\#(userId)","items":[{"productId":"prod-camera","quantity":2}]}"#,
            headers: pass
        )
        #expect(order.status == 200 && order.text.contains(#""status":"PENDING""#), "\(order.text)")
        let camera = try await dynamo.getItem(
            table: environment("order-validation", "PRODUCTS_TABLE"),
            key: ["product_id": .s("prod-camera")]
        )
        #expect(camera?["stock"] == .n("1"))
        #expect(
            try await Self.eventually(30) {
                let subjects = backend.mailbox.emails.map(\.Subject)
                return subjects.contains { $0.hasPrefix("Order ") && $0.hasSuffix(" confirmed") }
                    && subjects.contains { $0.hasPrefix("New order") }
            },
            "order emails: \(backend.mailbox.emails.map(\.Subject))"
        )

        // The snipe lands within its last seconds, is recorded, and the user is told.
        #expect(
            try await Self.eventually(240) { backend.ebay.bids.contains { $0.itemId == itemId } },
            "the bid never reached eBay"
        )
        let arrival = try #require(backend.ebay.bids.first { $0.itemId == itemId }).arrivalMs
        #expect(abs(arrival - (endMs - 5_000)) < 1_000, "bid arrived \(arrival - endMs) ms from the end")
        // Every function is `Tracing: Active`: the api's POST /bids and the executor's snipe each show their
        // calls as subsegments of their invocation's trace, eBay's among them (the fake eBay's host).
        struct Trace: Decodable {
            var traceId: String
            var calls: [String]
        }
        var traces: [Trace] = []
        #expect(
            try await Self.eventually(10) {
                let listed = try await Self.http("GET", console + "/traces", headers: pass)
                traces = try JSONDecoder().decode([Trace].self, from: Data(listed.text.utf8))
                let snipe = traces.contains { trace in
                    trace.calls.contains { $0.hasPrefix("127.0.0.1 2") }
                        && trace.calls.contains { $0.hasPrefix("DynamoDB ") }
                }
                return snipe && traces.contains { $0.calls.contains { $0.hasPrefix("Scheduler CreateSchedule 200") } }
            },
            "traces: \(traces.prefix(5).map { "\($0.traceId): \($0.calls)" })"
        )
        #expect(
            try await Self.eventually(20) {
                try await Self.http("GET", api + "/bids?status=PLACED", token: token).text.contains(itemId)
            }
        )
        let history = try await Self.http("GET", api + "/history", token: token)
        #expect(history.status == 200 && history.text.contains("PLACED"), "\(history.text)")
        #expect(
            try await Self.eventually(30) {
                backend.mailbox.emails.contains { $0.To == "e2e@gavel.example" && $0.Subject.hasPrefix("Bid placed") }
            },
            "emails: \(backend.mailbox.emails.map { "\($0.To): \($0.Subject)" })"
        )

        // SES reports the address bounced (the console writes the report to the feedback queue, as SES's
        // configuration set and SNS would): the notifications function suppresses it, GET /me says so, and
        // the next notification to the user is not sent, while mail to others still goes.
        let bounce = try await Self.http(
            "POST",
            console + "/email/feedback",
            body: #"{"userId":"\#(userId)","type":"bounce"}"#,
            headers: pass
        )
        #expect(bounce.status == 202 && bounce.text.contains("e2e@gavel.example"), "\(bounce.text)")
        #expect(
            try await Self.eventually(30) {
                let profile = try await Self.http("GET", api + "/me", token: token).text
                return profile.contains(#""emailSuppression""#) && profile.contains(#""reason":"bounce""#)
            },
            "GET /me never showed the suppression"
        )
        let mailed = backend.mailbox.emails.count
        for (group, recipient) in [
            ("e2e-suppressed", #""userId":"\#(userId)""#), ("e2e-guest", #""email":"guest@gavel.example""#),
        ] {
            let body =
                #"{"notificationId":"\#(group)","kind":"auction_won",\#(recipient),"data":{"itemTitle":"Leica M6","finalPrice":"$500.00","link":""}}"#
            try await sqs.send(.init(body: body, groupId: group), to: notificationQueue)
        }
        #expect(
            try await Self.eventually(30) { backend.mailbox.emails.contains { $0.To == "guest@gavel.example" } },
            "the guest's email never arrived"
        )
        #expect(backend.mailbox.emails.dropFirst(mailed).map(\.To) == ["guest@gavel.example"])

        // The daily cleanup, run on demand as the console does.
        let cleanup = try await Self.http("POST", console + "/functions/cleanup/schedule", headers: pass)
        #expect(cleanup.status == 200 && cleanup.text.contains("dryRun"), "\(cleanup.text)")
    }
}
