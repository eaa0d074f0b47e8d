import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Lambda Managed Instances: with `AWS_LAMBDA_MAX_CONCURRENCY` = N > 1 one process serves N invocations at
/// once, through N `next` loops sharing the one handler (built before the first `next`).
///
/// Each loop is a thread of its own with its own Runtime API connection, since the calls block: on the
/// cooperative pool (as many threads as cores) N blocked `next` calls would starve every handler. The handler
/// runs as a task; its loop waits for it until the invocation's deadline and a grace period, and no longer: a
/// handler that ignores cancellation costs its own invocation (reported as timed out, which Lambda answers
/// with 410), never another loop's.
enum ConcurrentRuntime {
    /// How long past its deadline a loop waits for a handler before giving up on it.
    static let grace = 2_000

    /// Serves with `concurrency` loops until one meets a fatal Runtime API failure.
    /// - Returns: that failure.
    static func run(
        endpoint: String,
        concurrency: Int,
        runner: InvocationRunner,
        handler: InvocationHandler
    ) -> RuntimeError {
        let failure = FirstFailure()
        for index in 0..<concurrency {
            let started = DetachedThread.start {
                var logger = runner.logger
                logger[metadataKey: "loop"] = .stringConvertible(index)
                failure.record(Self.loop(endpoint: endpoint, runner: runner, handler: handler, logger: logger))
            }
            precondition(started, "no thread could be started for loop \(index)")
        }
        return failure.wait()
    }

    /// One loop: `next`, the handler in a task, the report; until a fatal failure.
    private static func loop(
        endpoint: String,
        runner: InvocationRunner,
        handler: InvocationHandler,
        logger: Logger
    ) -> RuntimeError {
        let client = SocketRuntimeAPIClient(endpoint: endpoint)
        let loop = RuntimeLoop(client: client, function: runner.function, logger: logger)
        while true {
            do throws(RuntimeError) {
                let invocation = try client.nextInvocation()
                InFlight.begin(invocation)  // before the hand-off to a task: see `RuntimeLoop.run`
                let done = DispatchSemaphore(value: 0)
                let box = OutcomeBox()
                let stream = loop.responseStream(for: invocation, handler: handler)
                let task = Task {
                    box.value = await runner.run(invocation, handler: handler, stream: stream)
                    done.signal()
                }
                let waitMs = max(0, invocation.deadlineMs - WallClock.nowMs()) + Int64(Self.grace)
                guard done.wait(timeout: .now() + .milliseconds(Int(waitMs))) == .success,
                    let (context, outcome) = box.value
                else {
                    task.cancel()
                    logger.error(
                        "the handler ran past the invocation's deadline and ignores cancellation; this loop goes on without it",
                        metadata: [LambdaLogHandler.requestIdKey: .string(invocation.requestId)]
                    )
                    let late = LambdaContext(invocation: invocation, function: runner.function, logger: logger)
                    try loop.report(
                        .failure(RuntimeError.handlerPastDeadline),
                        of: invocation,
                        context: late,
                        stream: stream
                    )
                    continue
                }
                try loop.report(outcome, of: invocation, context: context, stream: stream)
            } catch {
                return error
            }
        }
    }

    /// The outcome handed from the handler's task to its loop's thread; the semaphore orders the write
    /// before the read.
    private final class OutcomeBox: @unchecked Sendable {
        var value: (LambdaContext, Result<[UInt8], any Error>)?
    }

    /// The first loop's fatal failure, which ends the process.
    private final class FirstFailure: Sendable {
        private let failure = Mutex<RuntimeError?>(nil)
        private let signal = DispatchSemaphore(value: 0)

        func record(_ error: RuntimeError) {
            let first = self.failure.withLock { failure in
                guard failure == nil else { return false }
                failure = error
                return true
            }
            if first { self.signal.signal() }
        }

        func wait() -> RuntimeError {
            self.signal.wait()
            return self.failure.withLock { $0! }
        }
    }
}
