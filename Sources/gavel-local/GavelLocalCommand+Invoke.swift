import ArgumentParser
import FoundationEssentials
import GavelLocal
import LambdaRuntime

#if canImport(Glibc)
import Glibc
#endif

extension GavelLocalCommand {
    /// `gavel-local invoke`: what `sam local invoke` does, without Docker.
    struct Invoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invoke a function's bootstrap under a local Runtime API.",
            discussion: """
                Responses go to standard output, one per line; the function's logs and a REPORT line per \
                invocation go to standard error. Exits 1 when any invocation failed.
                """
        )

        @Argument(help: "The function: runtime-probe, api, bid-executor, ...")
        var function: String

        @Option(name: [.short, .customLong("event")], help: "An event file (repeatable; '-' for standard input).")
        var events: [String] = []

        @Option(help: "Deliver each event this many times to one warm process.")
        var `repeat`: Int = 1

        @Option(name: .customLong("env"), help: "KEY=VALUE added to the function's environment (repeatable).")
        var environment: [String] = []

        @Option(help: "Run this executable instead of building .build/lambda/<function>/bootstrap.")
        var bootstrap: String?

        @Option(help: "The Lambda-Runtime-Client-Context JSON to send.")
        var clientContext: String?

        @Option(help: "The tenant id to send (Lambda-Runtime-Aws-Tenant-Id), as tenant isolation mode does.")
        var tenant: String?

        @Option(
            help:
                "Serve this many invocations at once in one process, as Lambda Managed Instances do (AWS_LAMBDA_MAX_CONCURRENCY); the events are delivered together."
        )
        var concurrency: Int = 1

        @Option(help: "Seconds before an invocation times out, instead of the template's Timeout.")
        var timeout: Double?

        @Flag(
            help:
                "Read a streamed response as it arrives, as InvokeWithResponseStream does; without it a stream is printed whole."
        )
        var stream = false

        @Flag(help: "Do not run scripts/build first.")
        var noBuild = false

        func run() async throws {
            let layout = try ProjectLayout(searchingUpFrom: FileManager.default.currentDirectoryPath)
            var settings = try SAMTemplate(path: layout.template).settings(for: self.function)
            if let timeout = self.timeout { settings.timeoutSeconds = timeout }
            guard (1...1024).contains(self.concurrency) else {
                throw ValidationError("--concurrency must be from 1 to 1024")
            }
            settings.maxConcurrency = self.concurrency
            let executable = try await self.prepareBootstrap(layout: layout)
            let events = try self.events.isEmpty ? [try Self.read("-")] : self.events.map(Self.read)
            let overrides = try EnvironmentOption.parse(self.environment)
            let caller = ProcessInfo.processInfo.environment
            let failures = try await LocalFunction.with(
                settings: settings,
                executable: executable,
                caller: caller,
                overrides: overrides
            ) { function in
                let deliveries = events.flatMap { Array(repeating: $0, count: max(1, self.repeat)) }
                let (clientContext, tenant, stream) = (self.clientContext, self.tenant, self.stream)
                guard self.concurrency > 1 else {
                    var failures = 0
                    for event in deliveries {
                        let result = try await function.invoke(
                            event,
                            clientContext: clientContext,
                            tenantId: tenant,
                            acceptsStream: stream
                        )
                        if await Self.print(result) { failures += 1 }
                    }
                    return failures
                }
                // All at once: the process's loops take them as they free up; results print as they end.
                return try await withThrowingTaskGroup(of: LocalFunction.Result.self) { group in
                    for event in deliveries {
                        group.addTask {
                            try await function.invoke(
                                event,
                                clientContext: clientContext,
                                tenantId: tenant,
                                acceptsStream: stream
                            )
                        }
                    }
                    var failures = 0
                    for try await result in group where await Self.print(result) { failures += 1 }
                    return failures
                }
            }
            if failures > 0 { throw ExitCode.failure }
        }

        private func prepareBootstrap(layout: ProjectLayout) async throws -> String {
            if let bootstrap { return bootstrap }
            if !self.noBuild {
                let build = try ChildProcess(
                    executable: layout.buildScript,
                    arguments: [self.function],
                    environment: ProcessInfo.processInfo.environment,
                    output: .standardError
                )
                let status = await build.waitForExit()
                guard status == "exit status 0" else {
                    throw LocalError.buildFailed("scripts/build \(self.function): \(status)")
                }
            }
            return layout.bootstrap(for: self.function)
        }

        private static func read(_ path: String) throws -> Data {
            if path == "-" {
                var bytes: [UInt8] = []
                while let line = readLine(strippingNewline: false) { bytes.append(contentsOf: line.utf8) }
                return Data(bytes)
            }
            do {
                return try Data(contentsOf: URL(filePath: path))
            } catch {
                throw LocalError.unreadable(path, reason: "\(error)")
            }
        }

        /// Prints the report and the response; a stream's chunks as they arrive, and its error at the end.
        /// - Returns: whether the invocation failed.
        private static func print(_ result: LocalFunction.Result) async -> Bool {
            FileHandleWriter.standardError(result.report + "\n")
            guard case .streamed(let stream) = result.outcome else {
                FileHandleWriter.standardOutput(String(decoding: result.outcome.body, as: UTF8.self) + "\n")
                return result.outcome.isError
            }
            for await part in stream.parts {
                switch part {
                case .bytes(let bytes):
                    FileHandleWriter.standardOutput(String(decoding: bytes, as: UTF8.self))
                case .error(let report):
                    FileHandleWriter.standardError("stream failed: \(report.errorType): \(report.errorMessage)\n")
                    return true
                }
            }
            FileHandleWriter.standardOutput("\n")
            return false
        }
    }
}
