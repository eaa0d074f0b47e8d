import AWS
import FoundationEssentials
package import GavelLocal
import Hummingbird
import Identity
import LambdaRuntime
import Synchronization

/// The whole backend on one machine: every function of the stack in its pool of warm instances, the HTTP
/// API on `gatewayPort`, the SQS, S3 and Scheduler event sources wired to their functions, a fake eBay and
/// a mailbox (a Postmark fake), and the console. Runs until its task is cancelled, then stops every
/// process it started.
package struct LocalBackend: Sendable {
    package struct Options: Sendable {
        package var layout: ProjectLayout
        package var gatewayPort = 3000
        package var consolePort = 3001
        /// The CloudFront distribution's stand-in (0: any free port).
        package var cdnPort = 3002
        /// The first Function URL's port, the next ones' following it (0: any free ports).
        package var functionURLPort = 3003
        /// The console's token for this run (`X-Gavel-Console`).
        package var consoleToken = Console.newToken()
        /// Instances per function (Lambda's concurrency, capped): the bid executor holds one for minutes per
        /// snipe, so twenty snipes ending together need twenty. Instances start only when all are busy.
        package var maxInstances = Self.defaultMaxInstances
        /// Enough for every snipe of a busy minute; Lambda's own default is 1,000 per account.
        package static let defaultMaxInstances = 32
        /// Invocations each instance serves at once (`AWS_LAMBDA_MAX_CONCURRENCY`), as on Lambda Managed
        /// Instances; 1 is Lambda's classic one at a time.
        package var concurrency = 1
        /// The caller's environment: credentials and `AWS_ENDPOINT_URL` for moto.
        package var caller: [String: String]
        /// Bootstraps to run instead of `.build/lambda/<name>/bootstrap`.
        package var executables: [String: String] = [:]
        /// Variables set in every function's environment, over the template's (a test points the functions'
        /// `AWS_ENDPOINT_URL` at a fault proxy, while the emulated Lambda service talks to moto directly).
        package var functionEnvironment: [String: String] = [:]
        /// Which function log lines are shown (`--log-level`, `--request-id`).
        package var logFilter = LogFilter.all
        /// Rebuild changed functions (debug) and swap them in while running (`--watch`, `FunctionRebuilder`).
        package var watch = false
        /// The functions `--watch` rebuilds (`--watch-function`); nil for every function.
        package var watchedFunctions: Set<String>?
        /// Also told each line `--watch` logs (a test waits on "ready" and "rebuilt").
        package var onWatchLog: (@Sendable (String) -> Void)?

        package init(layout: ProjectLayout, caller: [String: String]) {
            self.layout = layout
            self.caller = caller
        }
    }

    /// Where everything listens, for the status block.
    package struct Endpoints: Sendable {
        package var gateway: String
        package var console: String
        package var consoleToken: String
        package var ebay: String
        package var mailbox: String
        /// The local CDN, when the template has a distribution.
        package var cdn: String?
        /// The local X-Ray daemon (`udp:127.0.0.1:<port> …`), which traced functions send their calls to.
        package var xray: String
        /// Each Function URL's base URL, by function.
        package var functionURLs: [String: String] = [:]
    }

    package let stack: LocalStack
    package let options: Options
    package let ebay: FakeEbay
    package let mailbox: FakePostmark
    /// Every function's recent output lines, for `gavel-local logs` (through the console).
    package let logs = LogBook()
    /// The last invocations of every function, for the console's page.
    package let history = InvocationHistory()

    package init(
        stack: LocalStack,
        options: Options,
        ebay: FakeEbay = FakeEbay(),
        mailbox: FakePostmark = FakePostmark()
    ) {
        self.stack = stack
        self.options = options
        self.ebay = ebay
        self.mailbox = mailbox
        self.ebay.allowAnyCode()
    }

    /// Serves until cancelled; `ready` runs once everything listens.
    package func run(ready: @escaping @Sendable (Endpoints) -> Void) async throws {
        let aws = try AWSClients(environment: self.options.caller)
        let template = try SAMTemplate(path: self.options.layout.template)
        let cdn = self.stack.cdnBucket.map { LocalCDN(bucket: $0, s3: S3(client: aws.client(.s3))) }
        try await self.ebay.with { ebayURL in
            try await self.mailbox.with { mailURL in
                try await LoopbackServer.with(
                    port: cdn == nil ? 0 : self.options.cdnPort,
                    { request in try await cdn?.respond(to: request) ?? Response(status: .notFound) }
                ) { cdnPort in
                    let cdnURL = cdn == nil ? nil : "http://127.0.0.1:\(cdnPort)"
                    try await self.run(
                        aws: aws,
                        template: template,
                        ebayURL: ebayURL,
                        mailURL: mailURL,
                        cdnURL: cdnURL,
                        ready: ready
                    )
                }
            }
        }
    }

    private func run(
        aws: AWSClients,
        template: SAMTemplate,
        ebayURL: String,
        mailURL: String,
        cdnURL: String?,
        ready: @escaping @Sendable (Endpoints) -> Void
    ) async throws {
        let xray = try LocalXRayDaemon()
        defer { xray.stop() }
        let pools = try self.pools(
            template: template,
            ebayURL: ebayURL,
            mailURL: mailURL,
            cdnURL: cdnURL,
            xray: xray.address
        )
        let history = self.history
        let invokeURL: @Sendable (String, Data, Bool) async throws -> InvocationOutcome = { name, event, streams in
            guard let pool = pools[name] else {
                throw LocalError.unknownFunction(name, known: pools.keys.sorted())
            }
            let result = try await pool.invoke(event, acceptsStream: streams)
            Self.report(name, result)
            history.record(name, result)
            return result.outcome
        }
        let invoke: @Sendable (String, Data) async throws -> InvocationOutcome = { try await invokeURL($0, $1, false) }
        let onWatchLog = self.options.onWatchLog
        let rebuilder = FunctionRebuilder(
            layout: self.options.layout,
            functions: self.options.watchedFunctions.map { $0.intersection(pools.keys) } ?? Set(pools.keys),
            // The developer's own environment (HOME, PATH): SwiftPM's, not the functions'.
            environment: ProcessInfo.processInfo.environment,
            swap: { name, executable in await pools[name]?.replace(executable: executable) },
            log: { line in
                Self.log(line)
                onWatchLog?(line)
            }
        )
        do {
            try await self.serve(
                aws: aws,
                xray: xray,
                invoke: invoke,
                invokeURL: invokeURL,
                rebuilder: self.options.watch ? rebuilder : nil,
                ebayURL: ebayURL,
                mailURL: mailURL,
                cdnURL: cdnURL,
                ready: ready
            )
        } catch {
            for pool in pools.values { await pool.shutdown() }
            throw error
        }
        for pool in pools.values { await pool.shutdown() }
    }

    private func serve(
        aws: AWSClients,
        xray: LocalXRayDaemon,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome,
        invokeURL: @escaping @Sendable (String, Data, Bool) async throws -> InvocationOutcome,
        rebuilder: FunctionRebuilder?,
        ebayURL: String,
        mailURL: String,
        cdnURL: String?,
        ready: @escaping @Sendable (Endpoints) -> Void
    ) async throws {
        let functionURLs = self.stack.functions.keys.sorted().compactMap { name in
            self.stack.functions[name]?.url.map { url in
                LocalFunctionURL(function: name, url: url) { try await invokeURL(name, $0, $1) }
            }
        }
        let gateway = LocalAPIGateway(
            routes: self.routes,
            cors: self.stack.httpApi?.cors,
            authorizer: self.authorizer(aws: aws),
            invoke: invoke
        )
        let console = Console(
            ebay: self.ebay,
            mailbox: self.mailbox,
            schedules: self.scheduleInputs,
            token: self.options.consoleToken,
            feedback: EmailFeedbackInjector(stack: self.stack, aws: aws),
            xray: xray,
            logs: self.logs,
            history: self.history,
            deadLetters: DeadLetters(sqs: SQS(client: aws.client(.sqs)), stack: self.stack),
            invoke: invoke
        )
        try await LoopbackServer.with(port: self.options.gatewayPort, { try await gateway.respond(to: $0) }) {
            gatewayPort in
            try await LoopbackServer.with(port: self.options.consolePort, { try await console.respond(to: $0) }) {
                consolePort in
                try await Self.serve(functionURLs[...], firstPort: self.options.functionURLPort) { urls in
                    await withDiscardingTaskGroup { group in
                        self.wireEvents(into: &group, aws: aws, invoke: invoke)
                        if let rebuilder { group.addTask { await rebuilder.run() } }
                        ready(
                            Endpoints(
                                gateway: "http://127.0.0.1:\(gatewayPort)",
                                console: "http://127.0.0.1:\(consolePort)",
                                consoleToken: self.options.consoleToken,
                                ebay: ebayURL,
                                mailbox: mailURL,
                                cdn: cdnURL,
                                xray: xray.address,
                                functionURLs: urls
                            )
                        )
                        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                        group.cancelAll()
                    }
                }
            }
        }
    }

    /// Serves each Function URL on a port of its own (`firstPort`, the next, ...; 0: any free ones) while
    /// `body` runs; `body` gets their base URLs by function.
    private static func serve(
        _ urls: ArraySlice<LocalFunctionURL>,
        firstPort: Int,
        served: [String: String] = [:],
        _ body: @escaping @Sendable ([String: String]) async throws -> Void
    ) async throws {
        guard let url = urls.first else { return try await body(served) }
        try await LoopbackServer.with(port: firstPort, { try await url.respond(to: $0) }) { port in
            var served = served
            served[url.function] = "http://127.0.0.1:\(port)"
            try await self.serve(urls.dropFirst(), firstPort: firstPort == 0 ? 0 : firstPort + 1, served: served, body)
        }
    }

    private func wireEvents(
        into group: inout DiscardingTaskGroup,
        aws: AWSClients,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) {
        let sqs = SQS(client: aws.client(.sqs))
        for (name, function) in self.stack.functions {
            for source in function.events {
                switch source.type {
                case "sqs", "s3":
                    let delivery = QueueDelivery(
                        function: name,
                        source: source,
                        region: self.stack.region,
                        sqs: sqs,
                        invoke: invoke,
                        log: Self.log
                    )
                    group.addTask { await delivery.run() }
                case "schedule":
                    if let expression = source.expression, let seconds = ScheduleRunner.rateSeconds(expression) {
                        let input = source.input ?? ScheduleRunner.scheduledEvent(region: self.stack.region)
                        group.addTask {
                            await ScheduleRunner.repeating(every: seconds, function: name, input: input, invoke: invoke)
                        }
                    }
                default:
                    break
                }
            }
        }
        let endpoint = self.stack.endpoint
        let runner = ScheduleRunner(
            groups: self.stack.scheduleGroups,
            scheduler: Scheduler(client: aws.client(.scheduler)),
            send: { arn, body, group in
                // arn:aws:sqs:<region>:<account>:<name> is <endpoint>/<account>/<name> on moto.
                let parts = arn.split(separator: ":")
                let url = endpoint + "/" + parts[4] + "/" + parts[5]
                // A close or other scheduled message: deduplicated by its content, as the FIFO queue does.
                let dedup = Digest.hex(Digest.sha256(Array(body.utf8)))
                let message = SQS.OutgoingMessage(body: body, groupId: group, deduplicationId: dedup)
                _ = try await sqs.send(message, to: url)
            },
            invoke: invoke,
            log: Self.log
        )
        group.addTask { await runner.run() }
    }

    private func pools(
        template: SAMTemplate,
        ebayURL: String,
        mailURL: String,
        cdnURL: String?,
        xray: String
    ) throws -> [String: FunctionPool] {
        let width = (self.stack.functions.keys.map(\.count).max() ?? 0)
        var pools: [String: FunctionPool] = [:]
        for (name, function) in self.stack.functions {
            var settings = try template.settings(for: name)
            settings.environment = function.environment
            settings.maxConcurrency = self.options.concurrency
            // The template's CloudFront domain means nothing locally: thumbnails come from the local CDN.
            if let cdnURL, settings.environment["CDN_URL"] != nil { settings.environment["CDN_URL"] = cdnURL }
            let padded = name + String(repeating: " ", count: width - name.count)
            pools[name] = FunctionPool(
                settings: settings,
                executable: self.options.executables[name] ?? self.options.layout.bootstrap(for: name),
                caller: self.options.caller,
                overrides: [
                    // The fakes stand in for eBay and Postmark; the templates come from the checkout.
                    "EBAY_API_URL": ebayURL,
                    "POSTMARK_URL": mailURL,
                    "TEMPLATES_DIR": self.options.layout.root + "/Templates/notifications",
                    // As Lambda sets it; only functions with `Tracing: Active` sample their invocations.
                    "AWS_XRAY_DAEMON_ADDRESS": xray,
                ].merging(self.options.functionEnvironment) { $1 },
                output: .prefixed("\(padded) | ", filter: self.options.logFilter, book: (self.logs, name)),
                maxInstances: self.options.maxInstances
            )
        }
        return pools
    }

    /// Every `HttpApi` event of every function.
    private var routes: [HTTPRoute] {
        self.stack.functions.flatMap { name, function in
            function.events.filter { $0.type == "http" }.map { source in
                HTTPRoute(
                    function: name,
                    method: source.method ?? "ANY",
                    path: source.path ?? "/{proxy+}",
                    authorized: source.authorized ?? true
                )
            }
        }
    }

    /// The input each function's first template schedule delivers (for the console's "run it now").
    private var scheduleInputs: [String: String] {
        var inputs: [String: String] = [:]
        for (name, function) in self.stack.functions {
            if let source = function.events.first(where: { $0.type == "schedule" }) {
                inputs[name] = source.input ?? ScheduleRunner.scheduledEvent(region: self.stack.region)
            }
        }
        return inputs
    }

    private func authorizer(aws: AWSClients) -> JWTAuthorizer? {
        guard let api = self.stack.httpApi, let issuer = api.issuer else { return nil }
        let endpoint = aws.client(.cognitoIdentityProvider).endpoint.baseURL
        return JWTAuthorizer(
            issuer: issuer,
            audience: api.audience,
            keysURL: "\(endpoint)/\(self.stack.userPool.id)/.well-known/jwks.json",
            transport: aws.transport
        )
    }

    private static func report(_ name: String, _ result: LocalFunction.Result) {
        var line = "\(name): \(result.report)"
        if case .error(let error) = result.outcome { line += ": \(error.errorMessage)" }
        Self.log(line)
    }

    package static func log(_ line: String) {
        FileHandleWriter.standardError(line + "\n")
    }
}
