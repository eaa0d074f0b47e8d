import FoundationEssentials
import GavelLocal
import GavelTesting

/// `gavel-local` run as a developer runs it, from the package root, with its exit status and both output
/// streams.
package struct GavelLocalRun: Sendable {
    package var status: String
    package var output: String
    package var error: String

    /// Runs `gavel-local` with `arguments` (`["invoke", "runtime-probe", "-e", …]`).
    package static func run(_ arguments: [String]) async throws -> GavelLocalRun {
        let directory = try TestPaths.temporaryDirectory("gavel-local")
        let process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["-C", TestPaths.root, TestPaths.gavelLocal] + arguments,
            environment: ["PATH": "/usr/bin:/bin"],
            output: .separate(output: directory + "/out", error: directory + "/err")
        )
        let status = await process.waitForExit()
        return GavelLocalRun(
            status: status,
            output: try String(contentsOfFile: directory + "/out", encoding: .utf8),
            error: try String(contentsOfFile: directory + "/err", encoding: .utf8)
        )
    }

    /// Invokes the built `function` on `event` (a path) `repeat` times in one warm process, with
    /// `environment` passed as `--env` options.
    package static func invoke(
        _ function: String,
        event: String,
        environment: [String: String],
        repeat count: Int = 1
    ) async throws -> GavelLocalRun {
        try await self.run(
            [
                "invoke", function, "--no-build", "--bootstrap", try TestPaths.bootstrap(function),
                "-e", event, "--repeat", String(count),
            ] + environment.sorted { $0.key < $1.key }.flatMap { ["--env", "\($0.key)=\($0.value)"] }
        )
    }
}
