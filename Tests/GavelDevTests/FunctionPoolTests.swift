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
                group.addTask { try await pool.invoke(Data(#"{"action":"sleep","options":{"ms":400}}"#.utf8)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        await pool.shutdown()
        #expect(results.count == 4 && results.allSatisfy { !$0.outcome.isError })
        #expect(elapsed < .milliseconds(1_400), "four 400 ms sleeps side by side, not one after another: \(elapsed)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains("serving invocations concurrently") }.count == 1, "one process")
    }
}
