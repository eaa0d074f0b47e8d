import FoundationEssentials
import GavelLocal

/// `gavel-local invoke` run as a developer runs it, with its exit status and both output streams.
package struct GavelLocalRun: Sendable {
    package var status: String
    package var output: String
    package var error: String

    /// Invokes the built `function` on `event` (a path) `repeat` times in one warm process, with
    /// `environment` passed as `--env` options.
    package static func invoke(
        _ function: String,
        event: String,
        environment: [String: String],
        repeat count: Int = 1
    ) async throws -> GavelLocalRun {
        let directory = try TestPaths.temporaryDirectory(function)
        let process = try ChildProcess(
            executable: TestPaths.gavelLocal,
            arguments: [
                "invoke", function, "--no-build", "--bootstrap", try TestPaths.bootstrap(function),
                "-e", event, "--repeat", String(count),
            ] + environment.sorted { $0.key < $1.key }.flatMap { ["--env", "\($0.key)=\($0.value)"] },
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
}
