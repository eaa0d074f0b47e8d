import AWS
import ArgumentParser
import FoundationEssentials
import GavelDev
import GavelLocal

extension GavelLocalCommand {
    /// `gavel-local logs FUNCTION`: one function's lines from a running `gavel-local dev`, through its console.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one function's recent log lines from a running `gavel-local dev` (and follow them).",
            discussion: """
                Reads the console address and token `gavel-local dev` leaves next to its stack file. The dev
                terminal's own --log-level and --request-id do not apply here; give them to this command.
                """
        )

        @Argument(help: "The function: api, bid-executor, notifications, ...")
        var function: String

        @Flag(name: .shortAndLong, help: "Keep printing new lines as they arrive, until Ctrl-C.")
        var follow = false

        @Option(help: "Only lines at this level and above (TRACE, DEBUG, INFO, WARN, ERROR, FATAL).")
        var logLevel: String?

        @Option(help: "Only the lines of this invocation (its request id).")
        var requestId: String?

        @Option(help: "The stack description `gavel-local dev` wrote.")
        var stack = ".build/dev/stack.json"

        func run() async throws {
            let running = try RunningDev(stack: self.stack)
            guard let (url, token) = running.console else {
                throw LocalError.dev(
                    "no running `gavel-local dev` found (no console-url or console-token beside \(running.stackPath))"
                )
            }
            let functions = try LocalStack(path: running.stackPath).functions.keys.sorted()
            guard functions.contains(self.function) else {
                throw ValidationError(
                    "no function \(self.function); the stack has \(functions.joined(separator: ", "))"
                )
            }
            let filter = try LogFilter(minimumLevel: self.logLevel, requestId: self.requestId)
            let transport = CurlTransport(configuration: .init(caFile: nil))
            var after = 0
            repeat {
                let response = try await transport.send(
                    TransportRequest(
                        method: "GET",
                        url: "\(url)/logs/\(self.function)?after=\(after)",
                        headers: [(Console.tokenHeader, token)],
                        timeout: .seconds(10)
                    )
                )
                guard response.status == 200 else {
                    throw LocalError.dev(
                        "the console answered \(response.status): is `gavel-local dev` still running?"
                    )
                }
                let lines = try JSONDecoder().decode([LogBook.Line].self, from: Data(response.body))
                for line in lines where filter.accepts(line.text) { FileHandleWriter.standardOutput(line.text + "\n") }
                after = lines.last?.number ?? after
                if self.follow { try await Task.sleep(for: .milliseconds(500)) }
            } while self.follow
        }
    }
}
