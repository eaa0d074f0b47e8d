package import FoundationEssentials
import LambdaRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One function run locally as Lambda runs it: a bootstrap process fed by a local Runtime API, started
/// on the first event (cold), kept for the next ones (warm), and replaced after a timeout or a crash.
///
/// With `maxConcurrency` > 1 (Lambda Managed Instances) up to that many `invoke` calls share the process at
/// once; a timeout then ends only its own invocation (a late answer is told 410) and the process stays.
package actor LocalFunction {
    /// How one invocation went.
    package struct Result: Sendable {
        package var requestId: String
        package var outcome: InvocationOutcome
        /// Milliseconds from delivering the event to its outcome.
        package var durationMs: Double
        /// Milliseconds from starting the process to its first `next`, for a cold invocation.
        package var initDurationMs: Double?

        /// Lambda's `REPORT` line: request id, duration, init duration when cold, error type when failed.
        package var report: String {
            var line =
                "REPORT RequestId: \(self.requestId)\tDuration: \(DecimalText.fixed(self.durationMs, digits: 2)) ms"
            if let initMs = self.initDurationMs {
                line += "\tInit Duration: \(DecimalText.fixed(initMs, digits: 2)) ms"
            }
            if case .error(let error) = self.outcome { line += "\tError: \(error.errorType)" }
            return line
        }
    }

    private let settings: FunctionSettings
    private let executable: String
    private let environment: [String: String]
    private let output: ChildProcess.Output
    private let broker: InvocationBroker
    private let firstNext: FirstNextClock
    private var process: ChildProcess?

    /// The running process, if any: tests read its memory from `/proc`.
    package var pid: Int32? { self.process?.pid }

    /// The process's Runtime API calls waiting in `next` now: a test knows its events were taken when this
    /// drops.
    package var loopsWaiting: Int {
        get async { await self.broker.waitingRuntimeCount }
    }

    fileprivate init(
        settings: FunctionSettings,
        executable: String,
        environment: [String: String],
        output: ChildProcess.Output,
        broker: InvocationBroker,
        firstNext: FirstNextClock
    ) {
        self.settings = settings
        self.executable = executable
        self.environment = environment
        self.output = output
        self.broker = broker
        self.firstNext = firstNext
    }

    /// Runs `body` with a function served by a local Runtime API; stops the process and server afterwards.
    /// - Parameters:
    ///   - caller: the environment to take credentials and endpoints from (see `LambdaEnvironment`).
    ///   - logPath: where the function's output goes; nil sends it to standard error.
    ///   - output: where the function's output goes, over `logPath` (`gavel-local dev` prefixes each line).
    package static func with<Output: Sendable>(
        settings: FunctionSettings,
        executable: String,
        caller: [String: String],
        overrides: [String: String] = [:],
        logPath: String? = nil,
        output: ChildProcess.Output? = nil,
        _ body: (LocalFunction) async throws -> Output
    ) async throws -> Output {
        let broker = InvocationBroker()
        let firstNext = FirstNextClock()
        let server = RuntimeAPIServer(broker: broker, onNext: { firstNext.mark() })
        let port = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { bound in
                    port.continuation.yield(bound)
                    port.continuation.finish()
                }
            }
            var ports = port.stream.makeAsyncIterator()
            guard let bound = await ports.next(), bound > 0 else { throw LocalError.serverFailed("no port was bound") }
            let environment = LambdaEnvironment.make(
                settings: settings,
                runtimeAPI: "127.0.0.1:\(bound)",
                caller: caller,
                overrides: overrides
            )
            let function = LocalFunction(
                settings: settings,
                executable: executable,
                environment: environment,
                output: output ?? logPath.map { .file($0) } ?? .standardError,
                broker: broker,
                firstNext: firstNext
            )
            do {
                let output = try await body(function)
                await function.shutdown()
                await broker.close()
                group.cancelAll()
                return output
            } catch {
                await function.shutdown()
                await broker.close()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Delivers one event and waits for its outcome, enforcing the function's timeout.
    package func invoke(
        _ event: Data,
        traceId: String? = nil,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        tenantId: String? = nil,
        acceptsStream: Bool = false
    ) async throws -> Result {
        var startedNs: UInt64?
        let process: ChildProcess
        if let running = self.process {
            process = running
        } else {
            // No suspension from the check to the assignment: a concurrent invoke must find this process.
            self.firstNext.reset()
            startedNs = Self.nowNs()
            process = try ChildProcess(
                executable: self.executable,
                environment: self.environment,
                output: self.output
            )
            self.process = process
        }
        let timeout = self.settings.timeoutSeconds
        let request = InvocationRequest(
            event: event,
            deadlineMs: WallClock.nowMs() + Int64(timeout * 1000),
            invokedFunctionArn:
                "arn:aws:lambda:\(self.environment["AWS_REGION"] ?? "us-east-1"):000000000000:function:\(self.settings.name)",
            traceId: traceId,
            // Sampled as Lambda samples an active function's invocations, when there is a daemon to send to.
            sampled: self.settings.tracing && self.environment["AWS_XRAY_DAEMON_ADDRESS"] != nil,
            clientContext: clientContext,
            cognitoIdentity: cognitoIdentity,
            tenantId: tenantId,
            acceptsStream: acceptsStream
        )
        let delivered = Self.nowNs()
        let broker = self.broker
        let concurrent = self.settings.maxConcurrency > 1
        let (outcome, processFate) = await withTaskGroup(of: Ending?.self) { group in
            group.addTask { .finished(await broker.invoke(request)) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                return Task.isCancelled ? nil : .timedOut
            }
            group.addTask {
                let status = await process.waitForExit()
                return Task.isCancelled ? nil : .exited(status)
            }
            var first: Ending?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            let fate: ProcessFate
            switch first! {
            case .finished(let finished):
                return (finished, ProcessFate.keep)
            case .timedOut where concurrent:
                await broker.expire(request.requestId, with: .timedOut(seconds: timeout))
                fate = .keep
            case .timedOut:
                // The caller's wait must end before the group can: a timed-out or dead runtime never reports.
                await broker.finishAll(with: .timedOut(seconds: timeout))
                fate = .kill
            case .exited(let status):
                await broker.finishAll(with: await broker.initError.map { .error($0) } ?? .exited(status: status))
                fate = .gone
            }
            // The broker's answer is the outcome: a report it took just before the process exited (a runtime
            // reports what SIGTERM cut short, then exits) or the timer fired is this invocation's own, and
            // only the broker knows whether it came first; the exit can win the race to `group.next()`.
            for await case .finished(let answer)? in group { return (answer, fate) }
            preconditionFailure("the broker ends every invocation finishAll or expire is given")
        }
        switch processFate {
        case .keep: break
        case .kill: await self.discardProcess(killing: true)
        case .gone: await self.discardProcess(killing: false)
        }
        let initDurationMs = startedNs.flatMap { started in
            self.firstNext.value.map { Double($0 &- started) / 1e6 }
        }
        return Result(
            requestId: request.requestId,
            outcome: outcome,
            durationMs: Double(Self.nowNs() - delivered) / 1e6,
            initDurationMs: initDurationMs
        )
    }

    /// Sends SIGTERM to the running process, as Lambda does before shutting a runtime down.
    /// - Returns: how the process ended.
    package func terminate() async -> String? {
        guard let process = self.process else { return nil }
        process.send(SIGTERM)
        let status = await process.waitForExit()
        await self.discardProcess(killing: false)
        return status
    }

    /// Ends the process at the end of a run: SIGTERM first, as Lambda does when it retires a runtime.
    private func shutdown() async {
        guard let process = self.process else { return }
        self.process = nil
        await process.shutDown()
        await self.broker.dropWaitingRuntimes()
    }

    private func discardProcess(killing: Bool) async {
        guard let process = self.process else { return }
        self.process = nil
        if killing { await process.stop() }
        await self.broker.dropWaitingRuntimes()
        // Its init error, if any, was this process's outcome; the next process starts without one.
        await self.broker.clearInitError()
    }

    private enum Ending: Sendable {
        case finished(InvocationOutcome)
        case timedOut
        case exited(String)
    }

    /// What happens to the process after an invocation.
    private enum ProcessFate {
        case keep, kill, gone
    }

    static func nowNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// The monotonic time of the first `next` since the last reset: the end of a cold start.
final class FirstNextClock: Sendable {
    private let state = Mutex<UInt64?>(nil)

    func mark() {
        let now = LocalFunction.nowNs()
        self.state.withLock { value in if value == nil { value = now } }
    }

    func reset() {
        self.state.withLock { $0 = nil }
    }

    var value: UInt64? { self.state.withLock { $0 } }
}
