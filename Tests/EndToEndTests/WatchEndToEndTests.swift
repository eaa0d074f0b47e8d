import AWS
import FoundationEssentials
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// `gavel-local dev --watch` as a developer uses it, in a copy of the checkout (the test edits its sources):
/// a handler edited into a build error is reported and the old binary keeps serving; the handler edited
/// again is rebuilt (debug) and answers with its new text through the gateway within 60 s; a request in
/// flight while the next edit is swapped in completes on the binary it started on; and a template.yaml
/// change (a new table, an environment variable, a route) is applied to the running stack, its data kept.
@Suite struct WatchEndToEndTests {
    typealias Local = LocalBackendEndToEndTests

    @Test(.timeLimit(.minutes(20)))
    func anEditedHandlerIsRebuiltAndServedWhileTheBackendRuns() async throws {
        let copy = try await Self.copyOfCheckout()
        let handler = copy + "/Sources/API/APIHandler.swift"
        let original = try String(contentsOfFile: handler, encoding: .utf8)
        let served = #"case .health: return .json(200, ["status": "ok"])"#
        try #require(original.contains(served), "the /health line this test edits")

        // The api waits for the test's gate while an edit is swapped in: more than the template's 10 s.
        let description = "      Description: The marketplace's HTTP API (profile, snipes, products, cart, orders)"
        let template = try String(contentsOfFile: copy + "/template.yaml", encoding: .utf8)
        try #require(template.contains(description), "the api's description this test anchors on")
        try Self.write(
            template.replacing(description, with: description + "\n      Timeout: 120"),
            to: copy + "/template.yaml"
        )

        try await Local.withStack("watch") { local in
            var options = LocalBackend.Options(layout: try ProjectLayout(searchingUpFrom: copy), caller: local.caller)
            (options.gatewayPort, options.consolePort, options.cdnPort, options.functionURLPort) = (0, 0, 0, 0)
            for name in local.stack.functions.keys { options.executables[name] = try TestPaths.bootstrap(name) }
            options.watch = true
            options.watchedFunctions = ["api"]
            let lines = AsyncStream.makeStream(of: String.self)
            options.onWatchLog = { lines.continuation.yield($0) }
            var watchLog = lines.stream.makeAsyncIterator()
            let backend = LocalBackend(stack: local.stack, options: options)
            let ready = AsyncStream.makeStream(of: LocalBackend.Endpoints.self)
            let running = Task { try await backend.run { ready.continuation.yield($0) } }
            defer { running.cancel() }
            var endpoints = ready.stream.makeAsyncIterator()
            let gateway = try #require(await endpoints.next()).gateway
            #expect(try await Local.http("GET", gateway + "/health").text == #"{"status":"ok"}"#)
            // The first debug build of the copy (minutes on a fresh machine), before any edit is timed.
            while let line = await watchLog.next(), !line.contains("watch: ready") {}

            try Self.write(original.replacing(served, with: served + " ;; not Swift"), to: handler)
            var failure = ""
            while let line = await watchLog.next() {
                if line.contains("api did not build") {
                    failure = line
                    break
                }
            }
            #expect(failure.contains("error:"), "the build error, said once: \(failure)")
            #expect(try await Local.http("GET", gateway + "/health").text == #"{"status":"ok"}"#, "the old binary")

            // The edit answers with new text, the table the template names (none yet), and, asked with
            // ?gate=PATH, says it arrived (PATH.entered) and waits for PATH: a request the test holds in flight.
            let edited = { (watched: String) in
                """
                case .health:
                    if let gate = call.query["gate"] {
                        _ = FileManager.default.createFile(atPath: gate + ".entered", contents: nil)
                        while !FileManager.default.fileExists(atPath: gate) { try await Task.sleep(for: .milliseconds(50)) }
                    }
                    return .json(200, ["status": "ok", "watched": "\(watched)", "scratch": ProcessInfo.processInfo.environment["SCRATCH_TABLE"] ?? "none"])
                """
            }
            // The edit reads files and the environment through Foundation, which no bootstrap module imports
            // (issue 18): the edited copy imports it itself. A debug build under --watch is never checked for it.
            let withFoundation = "import FoundationEssentials\n" + original
            let saved = ContinuousClock.now
            try Self.write(withFoundation.replacing(served, with: edited("yes")), to: handler)
            var answer = ""
            while ContinuousClock.now - saved < .seconds(90) {
                answer = try await Local.http("GET", gateway + "/health").text
                if answer.contains("watched") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let elapsed = ContinuousClock.now - saved
            #expect(answer.contains(#""watched":"yes""#) && answer.contains(#""scratch":"none""#), "\(answer)")
            #expect(elapsed < .seconds(60), "from the save to the new text through the gateway: \(elapsed)")

            while let line = await watchLog.next(), !line.contains("api rebuilt") {}

            // A request in flight on that binary while the next edit is built and swapped in.
            let gate = try TestPaths.temporaryDirectory("watch-gate") + "/open"
            let held = Task { try await Local.http("GET", gateway + "/health?gate=" + gate) }
            #expect(
                try await Local.eventually(30) { FileManager.default.fileExists(atPath: gate + ".entered") },
                "the held request reached the function"
            )
            try Self.write(withFoundation.replacing(served, with: edited("twice")), to: handler)
            while let line = await watchLog.next(), !line.contains("api rebuilt") {}
            #expect(try await Local.http("GET", gateway + "/health").text.contains(#""watched":"twice""#))
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            let finished = try await held.value
            #expect(
                finished.status == 200 && finished.text.contains(#""watched":"yes""#),
                "the in-flight request finished on the binary it started on: \(finished.status) \(finished.text)"
            )

            // template.yaml gains a table, the api an environment variable naming it and a route.
            let products = try await Local.http("GET", gateway + "/products").text
            // Only the signed-in catch-all route matches it yet: the gateway's 401.
            #expect(try await Local.http("GET", gateway + "/healthz").status == 401)
            let timed = try String(contentsOfFile: copy + "/template.yaml", encoding: .utf8)
            try Self.write(try Self.withScratchTable(timed), to: copy + "/template.yaml")
            var applied = ""
            while let line = await watchLog.next() {
                if line.contains("template.yaml") {
                    applied = line
                    break
                }
            }
            for step in ["created ScratchTable", "api restarts with its new settings", "route GET /healthz added"] {
                #expect(applied.contains(step), "\(step): \(applied)")
            }
            let scratch = try await Local.http("GET", gateway + "/health").text
            #expect(scratch.contains(#""scratch":"gavel-dev-Scratch""#), "the new variable: \(scratch)")
            let routed = try await Local.http("GET", gateway + "/healthz")
            #expect(
                routed.status == 404 && routed.text.contains(#""code":"not_found""#),
                "the api's own 404: \(routed.text)"
            )
            let dynamo = DynamoDB(client: try AWSClients(environment: local.caller).client(.dynamoDB))
            #expect(try await dynamo.all(DynamoDB.Read(table: "gavel-dev-Scratch")).isEmpty, "the table exists")
            #expect(try await Local.http("GET", gateway + "/products").text == products, "moto's data is kept")
            running.cancel()
            _ = try? await running.value
        }
    }

    /// The checkout's tracked files in a fresh directory (not its `.build`: the copy builds on its own).
    static func copyOfCheckout() async throws -> String {
        let copy = try TestPaths.temporaryDirectory("watch-tree")
        let process = try ChildProcess(
            executable: "/bin/sh",
            arguments: [
                "-c", "cd '\(TestPaths.root)' && git ls-files -z | xargs -0 tar -cf - | tar -xf - -C '\(copy)'",
            ],
            environment: ["PATH": "/usr/bin:/bin"],
            output: .standardError
        )
        let status = await process.waitForExit()
        guard status == "exit status 0" else { throw MissingPrerequisite("could not copy the checkout: \(status)") }
        return copy
    }

    /// `template` with a new table, the api's `SCRATCH_TABLE` naming it, and a `GET /healthz` route to the api.
    static func withScratchTable(_ template: String) throws -> String {
        let variable = "          RATE_LIMITS_TABLE: !Ref RateLimitsTable"
        let route = ["            Path: /health", "            Method: GET", "            Auth: { Authorizer: NONE }"]
        let edits = [
            (variable, [variable, "          SCRATCH_TABLE: !Ref ScratchTable"]),
            (
                route.joined(separator: "\n"),
                route + [
                    "        HealthAgain:", "          Type: HttpApi", "          Properties:",
                    "            ApiId: !Ref HttpApi", "            Path: /healthz", "            Method: GET",
                    "            Auth: { Authorizer: NONE }",
                ]
            ),
            (
                "\nResources:\n",
                [
                    "", "Resources:", "  ScratchTable:", "    Type: AWS::DynamoDB::Table", "    Properties:",
                    "      TableName: !Sub gavel-${Environment}-Scratch", "      BillingMode: PAY_PER_REQUEST",
                    "      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]",
                    "      KeySchema: [{ AttributeName: id, KeyType: HASH }]", "",
                ]
            ),
        ]
        var edited = template
        for (anchor, lines) in edits {
            guard edited.ranges(of: anchor).count == 1 else { throw MissingPrerequisite("template.yaml: \(anchor)") }
            edited = edited.replacing(anchor, with: lines.joined(separator: "\n"))
        }
        return edited
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(filePath: path))
    }
}
