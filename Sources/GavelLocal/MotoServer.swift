import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The embedded AWS: a moto_server on a free 127.0.0.1 port, from the project's `.venv` (installed by
/// `scripts/setup` when missing). It lives no longer than the process that started it: a shell watchdog
/// kills it when that process is gone, even after a crash or SIGKILL.
package final class MotoServer: Sendable {
    /// `http://127.0.0.1:<port>`.
    package let endpoint: String
    package let port: Int
    private let process: ChildProcess

    /// Starts moto and waits until it answers.
    /// - Parameter log: the file moto's request log goes to.
    /// - Throws: `LocalError` when moto cannot be installed or does not come up within 60 seconds.
    package init(layout: ProjectLayout, log: String) async throws {
        let executable = layout.root + "/.venv/bin/moto_server"
        if !FileManager.default.isExecutableFile(atPath: executable) {
            let setup = try ChildProcess(
                executable: layout.root + "/scripts/setup",
                environment: ProcessInfo.processInfo.environment,
                output: .standardError
            )
            let ended = await setup.waitForExit()
            guard ended == "exit status 0", FileManager.default.isExecutableFile(atPath: executable) else {
                throw LocalError.serverFailed("scripts/setup could not install moto_server (\(ended))")
            }
        }
        // The watchdog: moto in the background, polled until either it or our process is gone. moto runs through
        // scripts/moto-server.py, which serves DynamoDB one request at a time (why: that file's docstring).
        let script = """
            "$1" "$3" -H 127.0.0.1 -p 0 & moto=$!
            trap 'kill $moto 2>/dev/null; exit 0' TERM INT
            while kill -0 "$2" 2>/dev/null && kill -0 $moto 2>/dev/null; do sleep 1; done
            kill $moto 2>/dev/null
            """
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        self.process = try ChildProcess(
            executable: "/bin/sh",
            arguments: [
                "-c", script, "moto-watchdog", layout.root + "/.venv/bin/python", String(getpid()),
                layout.root + "/scripts/moto-server.py",
            ],
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") },
            output: .file(log)
        )
        let started = ContinuousClock.now
        while true {
            let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
            if let port = Self.port(in: text) {
                self.port = port
                self.endpoint = "http://127.0.0.1:\(port)"
                return
            }
            guard ContinuousClock.now - started < .seconds(60) else {
                await self.process.stop()
                throw LocalError.serverFailed("moto_server did not start within 60 s; its log: \(text.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops moto and its watchdog.
    package func stop() async {
        await self.process.shutDown(grace: .seconds(2))
    }

    /// The port in werkzeug's ` * Running on http://127.0.0.1:<port>` line.
    private static func port(in log: String) -> Int? {
        guard let range = log.firstRange(of: "Running on http://127.0.0.1:") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
