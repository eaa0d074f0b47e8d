import FoundationEssentials
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// `gavel-local dev --watch` as a developer uses it, in a copy of the checkout (the test edits its sources):
/// a handler edited into a build error is reported and the old binary keeps serving; the handler edited
/// again is rebuilt (debug) and answers with its new text through the gateway within 60 s.
@Suite struct WatchEndToEndTests {
    typealias Local = LocalBackendEndToEndTests

    @Test(.timeLimit(.minutes(20)))
    func anEditedHandlerIsRebuiltAndServedWhileTheBackendRuns() async throws {
        let copy = try await Self.copyOfCheckout()
        let handler = copy + "/Sources/API/APIHandler.swift"
        let original = try String(contentsOfFile: handler, encoding: .utf8)
        let served = #"case .health: return .json(200, ["status": "ok"])"#
        try #require(original.contains(served), "the /health line this test edits")

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

            let edited = #"case .health: return .json(200, ["status": "ok", "watched": "yes"])"#
            let saved = ContinuousClock.now
            try Self.write(original.replacing(served, with: edited), to: handler)
            var answer = ""
            while ContinuousClock.now - saved < .seconds(90) {
                answer = try await Local.http("GET", gateway + "/health").text
                if answer.contains("watched") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let elapsed = ContinuousClock.now - saved
            #expect(answer == #"{"status":"ok","watched":"yes"}"#)
            #expect(elapsed < .seconds(60), "from the save to the new text through the gateway: \(elapsed)")
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

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(filePath: path))
    }
}
