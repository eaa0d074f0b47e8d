import AWS
import ArgumentParser
import Dispatch
import FoundationEssentials
import GavelDev
import GavelLocal

#if canImport(Glibc)
import Glibc
#endif

extension GavelLocalCommand {
    /// `gavel-local dev`: the whole backend locally: moto with template.yaml's stack, every function wired.
    struct Dev: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every function with its API, queues, uploads and schedules wired, until Ctrl-C.",
            discussion: """
                Starts the embedded AWS (moto) on a free loopback port, creates every resource of template.yaml on \
                it with demo data, and runs the functions against it. Usually started by scripts/dev.
                """
        )

        @Option(help: "Where to write the stack's description (read by `gavel-local token`).")
        var stack = ".build/dev/stack.json"

        @Option(name: .customLong("parameter"), help: "A template parameter or secret value, Name=VALUE (repeatable).")
        var parameters: [String] = []

        @Option(help: "The API gateway's port on 127.0.0.1.")
        var port = 3000

        @Option(help: "The console's port on 127.0.0.1 (mail, fake eBay, running functions by hand).")
        var consolePort = 3001

        @Option(help: "The CDN's port on 127.0.0.1 (the CloudFront distribution's thumbnails, from moto).")
        var cdnPort = 3002

        @Option(help: "The first Function URL's port on 127.0.0.1 (bid-export's CSV stream); more follow it.")
        var urlPort = 3003

        @Option(help: "Instances per function at most (each a bootstrap process, started only when all are busy).")
        var maxInstances = LocalBackend.Options.defaultMaxInstances

        @Option(
            help:
                "Invocations each instance serves at once, as Lambda Managed Instances do (AWS_LAMBDA_MAX_CONCURRENCY)."
        )
        var concurrency = 1

        @Flag(
            help:
                "Rebuild a function when its sources change (a debug build) and swap it in while the backend runs; apply template.yaml changes (new resources, settings, routes) to the running stack."
        )
        var watch = false

        @Option(help: "With --watch, rebuild only this function (repeatable): a quicker first build.")
        var watchFunction: [String] = []

        @Option(help: "Show function log lines at this level and above only (TRACE, DEBUG, INFO, WARN, ERROR, FATAL).")
        var logLevel: String?

        @Option(help: "Show only the function log lines of this invocation (its request id).")
        var requestId: String?

        func run() async throws {
            let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
            let aws = try await Self.startAWS(
                layout: layout,
                stack: self.stack,
                parameters: self.parameters,
                demo: true
            )
            let stack = aws.stack
            let caller = LocalAWS.environment(ProcessInfo.processInfo.environment, endpoint: stack.endpoint)
            var options = LocalBackend.Options(layout: layout, caller: caller)
            options.gatewayPort = self.port
            options.consolePort = self.consolePort
            options.cdnPort = self.cdnPort
            options.functionURLPort = self.urlPort
            options.watch = self.watch || !self.watchFunction.isEmpty
            options.watchedFunctions = self.watchFunction.isEmpty ? nil : Set(self.watchFunction)
            options.maxInstances = self.maxInstances
            guard (1...1024).contains(self.concurrency) else {
                throw ValidationError("--concurrency must be 1 to 1024 (Lambda's limit per execution environment)")
            }
            options.concurrency = self.concurrency
            options.logFilter = try LogFilter(minimumLevel: self.logLevel, requestId: self.requestId)
            // Next to the stack file, readable by the developer only: curl reads it, web pages cannot.
            let stackPath = self.stack.hasPrefix("/") ? self.stack : layout.root + "/" + self.stack
            options.stackPath = stackPath
            options.templateOverrides = LocalAWS.fakeSecrets.merging(try Self.overrides(self.parameters)) { $1 }
            let tokenPath =
                String(stackPath[..<(stackPath.lastIndex(of: "/") ?? stackPath.endIndex)]) + "/console-token"
            guard
                FileManager.default.createFile(
                    atPath: tokenPath,
                    contents: Data(options.consoleToken.utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw ValidationError("cannot write the console token to \(tokenPath)") }
            let backend = LocalBackend(stack: stack, options: options)
            let consoleURLPath = String(tokenPath.dropLast("console-token".count)) + "console-url"
            let work = Task {
                try await backend.run { endpoints in
                    // `gavel-local token` confirms new users' sign-ups through the console, as Cognito would.
                    _ = FileManager.default.createFile(atPath: consoleURLPath, contents: Data(endpoints.console.utf8))
                    FileHandleWriter.standardOutput(Self.status(stack, endpoints))
                }
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
            let outcome = await work.result
            await aws.stop()
            try outcome.get()
            FileHandleWriter.standardError("gavel-local dev: stopped\n")
        }

        /// moto with the template's stack, described at `stack` (relative to the project root).
        static func startAWS(
            layout: ProjectLayout,
            stack: String,
            parameters: [String],
            demo: Bool
        ) async throws -> LocalAWS {
            let overrides = try Self.overrides(parameters)
            let path = stack.hasPrefix("/") ? stack : layout.root + "/" + stack
            let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await LocalAWS.start(
                layout: layout,
                overrides: overrides,
                demo: demo,
                stackPath: path,
                motoLog: directory + "/moto.log"
            )
        }

        /// `--parameter Name=VALUE` options as template overrides.
        static func overrides(_ parameters: [String]) throws -> [String: String] {
            var overrides: [String: String] = [:]
            for parameter in parameters {
                let parts = parameter.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ValidationError("--parameter \(parameter): expected Name=VALUE") }
                overrides[String(parts[0])] = String(parts[1])
            }
            return overrides
        }

        /// One status line per Function URL, each starting with its line break.
        private static func urlLines(_ endpoints: LocalBackend.Endpoints) -> String {
            endpoints.functionURLs.sorted { $0.key < $1.key }.map { name, url in
                let label = "\(name) URL" + String(repeating: " ", count: max(0, 27 - name.count - 4))
                return "\n│ \(label) \(url)   GET with a token streams CSV"
            }.joined()
        }

        static func status(_ stack: LocalStack, _ endpoints: LocalBackend.Endpoints) -> String {
            let user = stack.demo?.email ?? "demo@gavel.example"
            let urls = Self.urlLines(endpoints)
            return """

                ┌ gavel-local dev: the backend is running ───────────────────────────────────────────────
                │ API (JWT authorizer, CORS)  \(endpoints.gateway)   GET /health needs no token
                │ console                     \(endpoints.console)   mail, fake eBay, run functions by hand
                │ console page                \(endpoints.console)/#token=\(endpoints.consoleToken)
                │ embedded AWS (moto)         \(stack.endpoint)
                │ fake eBay                   \(endpoints.ebay)   any authorization code links an account
                │ CDN (thumbnails)            \(endpoints.cdn ?? "none: the template has no distribution")
                │ X-Ray daemon                \(endpoints.xray)   traces: GET /traces on the console\(urls)
                │ functions                   \(stack.functions.keys.sorted().joined(separator: ", "))
                │
                │ token:   TOKEN=$(.build/debug/gavel-local token --user \(user))   (a vendor: --group vendor)
                │ call:    curl -H "Authorization: Bearer $TOKEN" \(endpoints.gateway)/me
                │ console: CONSOLE="X-Gavel-Console: $(cat .build/dev/console-token)"   (a new token every run)
                │ mail:    curl -H "$CONSOLE" \(endpoints.console)/mail
                │ traces:  curl -H "$CONSOLE" \(endpoints.console)/traces   (each function call's AWS and eBay calls)
                │ bounce:  curl -H "$CONSOLE" -H 'Content-Type: application/json' -d '{"userId":"\(stack.demo?.userId ?? "USER_ID")","type":"bounce"}' \(endpoints.console)/email/feedback
                │ logs:    below, each line after its function's name; REPORT lines per invocation;
                │          one function's: .build/debug/gavel-local logs api --follow
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

        @Option(
            name: .customLong("group"),
            help: "A group to add the user to first: customer, vendor or admin (repeatable; membership stays)."
        )
        var groups: [String] = []

        @Option(help: "The stack description `gavel-local dev` wrote.")
        var stack = ".build/dev/stack.json"

        func run() async throws {
            let running = try RunningDev(stack: self.stack)
            var confirm: LocalSignIn.Invoke?
            if let console = running.console {
                confirm = LocalSignIn.console(
                    url: console.url,
                    token: console.token,
                    transport: CurlTransport(configuration: .init(caFile: nil))
                )
            }
            let token = try await LocalSignIn(stack: try LocalStack(path: running.stackPath), confirm: confirm).idToken(
                user: self.user,
                groups: self.groups
            )
            FileHandleWriter.standardOutput(token + "\n")
        }
    }

    /// `gavel-local aws`: the embedded AWS with the template's stack and nothing else, until stopped.
    struct AWS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aws",
            abstract: "Start moto with template.yaml's resources on it (no functions) until Ctrl-C or SIGTERM.",
            discussion:
                "For benchmarks and scripts: the stack's description, moto's endpoint included, is written to --stack."
        )

        @Option(help: "Where to write the stack's description.")
        var stack = ".build/dev/stack.json"

        @Option(name: .customLong("parameter"), help: "A template parameter or secret value, Name=VALUE (repeatable).")
        var parameters: [String] = []

        @Flag(help: "Create no demo user, products or cart.")
        var noDemo = false

        func run() async throws {
            let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
            let aws = try await Dev.startAWS(
                layout: layout,
                stack: self.stack,
                parameters: self.parameters,
                demo: !self.noDemo
            )
            FileHandleWriter.standardOutput(
                "gavel-local aws: moto at \(aws.stack.endpoint); the stack is described in \(self.stack)\n"
            )
            let (stopped, stop) = AsyncStream.makeStream(of: Void.self)
            let signals = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler { stop.finish() }
                source.resume()
                return source
            }
            for await _ in stopped {}
            signals.forEach { $0.cancel() }
            await aws.stop()
        }
    }
}

/// What a running `gavel-local dev` leaves for the other commands: its stack file, and next to it its
/// console's address and token (`console-url`, `console-token`).
struct RunningDev {
    var stackPath: String
    var console: (url: String, token: String)?

    /// - Parameter stack: the stack file's path, relative to the checkout unless absolute.
    init(stack: String) throws {
        let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
        self.stackPath = stack.hasPrefix("/") ? stack : layout.root + "/" + stack
        let directory = String(self.stackPath[..<(self.stackPath.lastIndex(of: "/") ?? self.stackPath.endIndex)])
        if let url = try? String(contentsOfFile: directory + "/console-url", encoding: .utf8),
            let token = try? String(contentsOfFile: directory + "/console-token", encoding: .utf8)
        {
            self.console = (url, token)
        }
    }
}
