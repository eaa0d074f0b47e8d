import FoundationEssentials
import GavelDev
import GavelLocal
import GavelTesting
import Testing

/// The pool `gavel-local dev` runs each function in: with `--concurrency N` one instance serves N
/// invocations at once, as on Lambda Managed Instances.
@Suite struct FunctionPoolTests {
    @Test func oneInstanceServesConcurrentInvocationsWhenItsFunctionRunsConcurrently() async throws {
        var settings = FunctionSettings(name: "runtime-probe")
        settings.timeoutSeconds = 10
        settings.maxConcurrency = 4
        settings.logFormat = "JSON"
        let log = try TestPaths.temporaryDirectory("pool") + "/function.log"
        let pool = FunctionPool(
            settings: settings,
            executable: try TestPaths.bootstrap("runtime-probe"),
            caller: [:],
            overrides: [:],
            output: .file(log),
            maxInstances: 1
        )
        _ = try await pool.invoke(Data(#"{"action":"ping"}"#.utf8))  // the cold start, not timed
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: LocalFunction.Result.self) { group in
            for _ in 0..<4 {
                group.addTask { try await pool.invoke(Data(#"{"action":"sleep","options":{"ms":1000}}"#.utf8)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        await pool.shutdown()
        #expect(results.count == 4 && results.allSatisfy { !$0.outcome.isError })
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(ProbeLog.mostSleepingAtOnce(lines) == 4, "four sleeps side by side in one instance")
        #expect(elapsed < .milliseconds(4_000), "less than four 1 s sleeps one after another: \(elapsed)")
        #expect(lines.filter { $0.contains("serving invocations concurrently") }.count == 1, "one process")
    }

    /// `--watch` swapping a rebuilt function in: an invocation in flight finishes on the old binary, the next
    /// ones run the new one, and the old process stops once idle.
    @Test func aReplacedExecutableServesTheNextInvocationsWhileTheOldFinishesItsOwn() async throws {
        var settings = FunctionSettings(name: "runtime-probe")
        settings.timeoutSeconds = 10
        settings.logFormat = "JSON"
        let directory = try TestPaths.temporaryDirectory("pool-swap")
        let log = directory + "/function.log"
        let probe = try TestPaths.bootstrap("runtime-probe")
        // The "rebuilt" binary: the same probe, reporting another function version.
        let rebuilt = directory + "/rebuilt.sh"
        let script = "#!/bin/sh\nAWS_LAMBDA_FUNCTION_VERSION=rebuilt exec \(probe)\n"
        #expect(
            FileManager.default.createFile(
                atPath: rebuilt,
                contents: Data(script.utf8),
                attributes: [.posixPermissions: 0o755]
            )
        )
        let pool = FunctionPool(
            settings: settings,
            executable: probe,
            caller: [:],
            overrides: [:],
            output: .file(log),
            maxInstances: 4
        )
        async let inFlight = pool.invoke(Data(#"{"action":"sleep","message":"old","options":{"ms":1500}}"#.utf8))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains(#""message":"sleeping""#) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await pool.replace(executable: rebuilt)
        let next = try await pool.invoke(Data(#"{"action":"echo","message":"new"}"#.utf8))
        let old = try await inFlight
        await pool.shutdown()
        struct Echo: Decodable {
            struct Context: Decodable { var functionVersion: String }
            var message: String?
            var context: Context?
        }
        let decode = { (outcome: InvocationOutcome) throws -> Echo in
            guard case .response(let body) = outcome else { throw MissingPrerequisite("no response: \(outcome)") }
            return try JSONDecoder().decode(Echo.self, from: body)
        }
        let (before, after) = (try decode(old.outcome), try decode(next.outcome))
        #expect(before.message == "old" && before.context?.functionVersion == "$LATEST", "finished on the old binary")
        #expect(after.message == "new" && after.context?.functionVersion == "rebuilt", "the next ran the new one")
    }
}
