import ArgumentParser
import Dispatch
import FoundationEssentials
import GavelDev
import GavelLocal

#if canImport(Glibc)
import Glibc
#endif

extension GavelLocalCommand {
    /// `gavel-local dev`: the whole backend locally, on the stack `scripts/local-aws.py` created on moto.
    struct Dev: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every function with its API, queues, uploads and schedules wired, until Ctrl-C.",
            discussion: "Usually started by scripts/dev, which starts moto and creates the stack first."
        )

        @Option(help: "The stack description scripts/local-aws.py wrote.")
        var stack = ".build/dev/stack.json"

        @Option(help: "The API gateway's port on 127.0.0.1.")
        var port = 3000

        @Option(help: "The console's port on 127.0.0.1 (mail, fake eBay, running functions by hand).")
        var consolePort = 3001

        @Option(help: "Instances per function at most (each a bootstrap process).")
        var maxInstances = 4

        func run() async throws {
            let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
            let stack = try LocalStack(path: self.stack)
            var options = LocalBackend.Options(layout: layout, caller: ProcessInfo.processInfo.environment)
            options.gatewayPort = self.port
            options.consolePort = self.consolePort
            options.maxInstances = self.maxInstances
            let backend = LocalBackend(stack: stack, options: options)
            let work = Task {
                try await backend.run { endpoints in FileHandleWriter.standardOutput(Self.status(stack, endpoints)) }
            }
            // Ctrl-C (or SIGTERM) ends the run: every bootstrap gets SIGTERM, the servers close.
            let signals = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler { work.cancel() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            try await work.value
            FileHandleWriter.standardError("gavel-local dev: stopped\n")
        }

        static func status(_ stack: LocalStack, _ endpoints: LocalBackend.Endpoints) -> String {
            let user = stack.demo?.email ?? "demo@gavel.example"
            return """

                ┌ gavel-local dev: the backend is running ───────────────────────────────────────────────
                │ API (JWT authorizer, CORS)  \(endpoints.gateway)   GET /health needs no token
                │ console                     \(endpoints.console)   mail, fake eBay, run functions by hand
                │ embedded AWS (moto)         \(stack.endpoint)
                │ fake eBay                   \(endpoints.ebay)   any authorization code links an account
                │ functions                   \(stack.functions.keys.sorted().joined(separator: ", "))
                │
                │ token:   TOKEN=$(.build/debug/gavel-local token --user \(user))
                │ call:    curl -H "Authorization: Bearer $TOKEN" \(endpoints.gateway)/me
                │ mail:    curl \(endpoints.console)/mail
                │ logs:    below, each line after its function's name; REPORT lines per invocation
                │ stop:    Ctrl-C (stops every process this started)
                └────────────────────────────────────────────────────────────────────────────────────────

                """
        }
    }

    /// `gavel-local token`: an ID token from the local user pool.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an ID token for a local user (created on first use) for the local API's authorizer."
        )

        @Option(help: "The user: an email address, or a name (NAME@gavel.example).")
        var user = "demo"

        @Option(help: "The stack description scripts/local-aws.py wrote.")
        var stack = ".build/dev/stack.json"

        func run() async throws {
            let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
            let path = self.stack.hasPrefix("/") ? self.stack : layout.root + "/" + self.stack
            let token = try await LocalSignIn(stack: try LocalStack(path: path)).idToken(user: self.user)
            FileHandleWriter.standardOutput(token + "\n")
        }
    }
}
