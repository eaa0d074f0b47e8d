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
        /// The template parameters and secret values the stack was provisioned with (`LocalAWS.start`), which
        /// `--watch` provisions a changed template.yaml with too.
        package var templateOverrides = LocalAWS.fakeSecrets
        /// Where the stack's description is kept (`gavel-local token` and `logs` read it); `--watch` writes it
        /// again after applying a changed template.yaml.
        package var stackPath: String?

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

    /// The fakes' and daemons' addresses every function's environment points at.
    private struct Surroundings: Sendable {
        var ebayURL: String
        var mailURL: String
        var cdnURL: String?
        var xray: String
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
        let around = Surroundings(ebayURL: ebayURL, mailURL: mailURL, cdnURL: cdnURL, xray: xray.address)
        let pools = try self.settings(of: self.stack, template: template, cdnURL: cdnURL).mapValues {
            self.pool($0, around)
        }
        let history = self.history
        // Looked up per invocation: `--watch` replaces pools when template.yaml changes.
        let lookup = Mutex<LiveStack?>(nil)
        let invokeURL: @Sendable (String, Data, Bool) async throws -> InvocationOutcome = { name, event, streams in
            let live = lookup.withLock { $0 }
            guard let pool = live?.pool(name) else {
                throw LocalError.unknownFunction(name, known: live?.pools.keys.sorted() ?? [])
            }
            let result = try await pool.invoke(event, acceptsStream: streams)
            Self.report(name, result)
            history.record(name, result)
            return result.outcome
        }
        let invoke: @Sendable (String, Data) async throws -> InvocationOutcome = { try await invokeURL($0, $1, false) }
        let live = LiveStack(
            stack: self.stack,
            pools: pools,
            gateway: self.gateway(self.stack, aws: aws, invoke: invoke)
        )
        lookup.withLock { $0 = live }
        let wire: @Sendable (LocalStack) -> Task<Void, Never> = { stack in
            Task { await withDiscardingTaskGroup { self.wireEvents(of: stack, into: &$0, aws: aws, invoke: invoke) } }
        }
        let onWatchLog = self.options.onWatchLog
        let log: @Sendable (String) -> Void = { line in
            Self.log(line)
            onWatchLog?(line)
        }
        let rebuilder = FunctionRebuilder(
            layout: self.options.layout,
            functions: self.options.watchedFunctions.map { $0.intersection(pools.keys) } ?? Set(pools.keys),
            // The developer's own environment (HOME, PATH): SwiftPM's, not the functions'.
            environment: ProcessInfo.processInfo.environment,
            swap: { name, executable in await live.pool(name)?.replace(executable: executable) },
            templateChanged: {
                await self.applyTemplate(to: live, aws: aws, around: around, invoke: invoke, wire: wire, log: log)
            },
            log: log
        )
        live.rewire(wire(self.stack))
        do {
            try await self.serve(
                live: live,
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
            await live.stopWiring()
            for pool in live.pools.values { await pool.shutdown() }
            throw error
        }
        await live.stopWiring()
        for pool in live.pools.values { await pool.shutdown() }
    }

    /// Applies a changed template.yaml to the running backend (`--watch`): new resources on moto (its data
    /// kept), each function's new settings (its instances restart), new and removed functions, routes, CORS
    /// and the authorizer, and the event sources. Says what it did, and what waits for the next start.
    private func applyTemplate(
        to live: LiveStack,
        aws: AWSClients,
        around: Surroundings,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome,
        wire: @Sendable (LocalStack) -> Task<Void, Never>,
        log: @Sendable (String) -> Void
    ) async {
        let before = live.stack
        let stack: LocalStack
        let changes: LocalProvisioner.TemplateChanges
        let settings: [String: FunctionSettings]
        do {
            let template = try SAMTemplate(path: self.options.layout.template)
            (stack, changes) = try await LocalProvisioner(endpoint: before.endpoint, aws: aws)
                .update(template, from: before, overrides: self.options.templateOverrides)
            settings = try self.settings(of: stack, template: template, cdnURL: around.cdnURL)
        } catch {
            log("watch: template.yaml not applied; the backend runs as it was: \(error)")
            return
        }
        var pools = live.pools
        var applied = changes.created.map { "created \($0)" }
        for (name, settings) in settings.sorted(by: { $0.key < $1.key }) {
            if let pool = pools[name] {
                guard await pool.currentSettings != settings else { continue }
                await pool.replace(settings: settings)
                applied.append("\(name) restarts with its new settings")
            } else {
                pools[name] = self.pool(settings, around)
                applied.append("\(name) added")
            }
        }
        for name in pools.keys.sorted() where settings[name] == nil {
            if let pool = pools.removeValue(forKey: name) { Task { await pool.shutdown() } }
            applied.append("\(name) removed")
        }
        let routes = { (stack: LocalStack) in Set(Self.routes(of: stack).map { "\($0.method) \($0.path)" }) }
        let added = routes(stack).subtracting(routes(before)).sorted()
        let gone = routes(before).subtracting(routes(stack)).sorted()
        applied += added.map { "route \($0) added" } + gone.map { "route \($0) removed" }
        live.replace(stack: stack, pools: pools, gateway: self.gateway(stack, aws: aws, invoke: invoke))
        if Self.eventSources(of: stack) != Self.eventSources(of: before) {
            live.rewire(wire(stack))
            applied.append("event sources rewired")
        }
        if let path = self.options.stackPath {
            do { try stack.write(to: path) } catch { log("watch: \(error)") }
        }
        var report =
            "watch: template.yaml applied: " + (applied.isEmpty ? "nothing to change" : applied.joined(separator: "; "))
        if !changes.notApplied.isEmpty {
            report +=
                "\nwatch: changed but kept as they are (their data stays; restart scripts/dev to remake them): "
                + changes.notApplied.joined(separator: ", ")
        }
        if !changes.removed.isEmpty {
            report +=
                "\nwatch: no longer in the template, left on moto until the next start: "
                + changes.removed.joined(separator: ", ")
        }
        if stack.functions.mapValues(\.url?.streams) != before.functions.mapValues(\.url?.streams) {
            report += "\nwatch: Function URL changes apply at the next start"
        }
        log(report)
    }

    /// Each function's delivered event sources (queues, uploads, schedules; not routes or triggers, which
    /// are called, not polled) and the schedule groups, to tell whether delivery must be rewired.
    private static func eventSources(of stack: LocalStack) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let delivered = stack.functions.mapValues { $0.events.filter { ["sqs", "s3", "schedule"].contains($0.type) } }
        let sources = (try? encoder.encode(delivered)) ?? Data()
        return stack.scheduleGroups.sorted().joined(separator: ",") + "\n" + String(decoding: sources, as: UTF8.self)
    }

    private func serve(
        live: LiveStack,
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
        try await LoopbackServer.with(port: self.options.gatewayPort, { try await live.gateway.respond(to: $0) }) {
            gatewayPort in
            try await LoopbackServer.with(port: self.options.consolePort, { try await console.respond(to: $0) }) {
                consolePort in
                try await Self.serve(functionURLs[...], firstPort: self.options.functionURLPort) { urls in
                    await withDiscardingTaskGroup { group in
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
        of stack: LocalStack,
        into group: inout DiscardingTaskGroup,
        aws: AWSClients,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) {
        let sqs = SQS(client: aws.client(.sqs))
        for (name, function) in stack.functions {
            for source in function.events {
                switch source.type {
                case "sqs", "s3":
                    let delivery = QueueDelivery(
                        function: name,
                        source: source,
                        region: stack.region,
                        sqs: sqs,
                        invoke: invoke,
                        log: Self.log
                    )
                    group.addTask { await delivery.run() }
                case "schedule":
                    if let expression = source.expression, let seconds = ScheduleRunner.rateSeconds(expression) {
                        let input = source.input ?? ScheduleRunner.scheduledEvent(region: stack.region)
                        group.addTask {
                            await ScheduleRunner.repeating(every: seconds, function: name, input: input, invoke: invoke)
                        }
                    }
                default:
                    break
                }
            }
        }
        let endpoint = stack.endpoint
        let runner = ScheduleRunner(
            groups: stack.scheduleGroups,
            scheduler: Scheduler(client: aws.client(.scheduler)),
            send: { arn, body, group in
                // arn:aws:sqs:<region>:<account>:<name> is <endpoint>/<account>/<name> on moto.
                let parts = arn.split(separator: ":")
                let url = endpoint + "/" + parts[4] + "/" + parts[5]
                // A close or other scheduled message: deduplicated by its content, as the FIFO queue does.
                let dedup = Digest.sha256Hex(body.utf8)
                let message = SQS.OutgoingMessage(body: body, groupId: group, deduplicationId: dedup)
                _ = try await sqs.send(message, to: url)
            },
            invoke: invoke,
            log: Self.log
        )
        group.addTask { await runner.run() }
    }

    /// Each function's settings: the template's, with the stack's resolved environment.
    private func settings(
        of stack: LocalStack,
        template: SAMTemplate,
        cdnURL: String?
    ) throws -> [String: FunctionSettings] {
        var all: [String: FunctionSettings] = [:]
        for (name, function) in stack.functions {
            var settings = try template.settings(for: name)
            settings.environment = function.environment
            settings.maxConcurrency = self.options.concurrency
            // The template's CloudFront domain means nothing locally: thumbnails come from the local CDN.
            if let cdnURL, settings.environment["CDN_URL"] != nil { settings.environment["CDN_URL"] = cdnURL }
            all[name] = settings
        }
        return all
    }

    /// A pool of `settings`' function, its log lines prefixed with its name padded to the longest
    /// function name of the template (so columns line up).
    private func pool(_ settings: FunctionSettings, _ around: Surroundings) -> FunctionPool {
        let name = settings.name
        let width = max(name.count, self.stack.functions.keys.map(\.count).max() ?? 0)
        let padded = name + String(repeating: " ", count: width - name.count)
        return FunctionPool(
            settings: settings,
            executable: self.options.executables[name] ?? self.options.layout.bootstrap(for: name),
            caller: self.options.caller,
            overrides: [
                // The fakes stand in for eBay and Postmark; the templates come from the checkout.
                "EBAY_API_URL": around.ebayURL,
                "POSTMARK_URL": around.mailURL,
                "TEMPLATES_DIR": self.options.layout.root + "/Templates/notifications",
                // As Lambda sets it; only functions with `Tracing: Active` sample their invocations.
                "AWS_XRAY_DAEMON_ADDRESS": around.xray,
            ].merging(self.options.functionEnvironment) { $1 },
            output: .prefixed("\(padded) | ", filter: self.options.logFilter, book: (self.logs, name)),
            maxInstances: self.options.maxInstances
        )
    }

    /// The gateway of `stack`'s HTTP API: its routes, CORS and JWT authorizer.
    private func gateway(
        _ stack: LocalStack,
        aws: AWSClients,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome
    ) -> LocalAPIGateway {
        LocalAPIGateway(
            routes: Self.routes(of: stack),
            cors: stack.httpApi?.cors,
            authorizer: Self.authorizer(stack, aws: aws),
            invoke: invoke
        )
    }

    /// Every `HttpApi` event of every function.
    private static func routes(of stack: LocalStack) -> [HTTPRoute] {
        stack.functions.flatMap { name, function in
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

    private static func authorizer(_ stack: LocalStack, aws: AWSClients) -> JWTAuthorizer? {
        guard let api = stack.httpApi, let issuer = api.issuer else { return nil }
        let endpoint = aws.client(.cognitoIdentityProvider).endpoint.baseURL
        return JWTAuthorizer(
            issuer: issuer,
            audience: api.audience,
            keysURL: "\(endpoint)/\(stack.userPool.id)/.well-known/jwks.json",
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
