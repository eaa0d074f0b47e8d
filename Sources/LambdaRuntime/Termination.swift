import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The write end of the pipe SIGTERM's handler writes to: a C signal handler captures nothing, and
/// `write` on a pipe is one of the few calls a handler may make.
nonisolated(unsafe) private var terminationPipe: Int32 = -1

/// SIGTERM handling: Lambda sends it before shutting a runtime down (when extensions are registered, and on
/// Managed Instances, where invocations may be in flight).
///
/// The handler only writes a byte to a pipe; a thread of its own reads it and shuts down: the invocations in
/// flight get `drainBudgetMs` to finish and answer, those still running are reported failed
/// (`RuntimeError.shutDown`), and the process exits 0. Log lines are written unbuffered and `print` is
/// line-buffered (`LambdaLogHandler.bootstrap`), so nothing is pending at the exit.
enum Termination {
    /// Inside the 300 ms Lambda leaves a runtime when external extensions are registered (500 ms with an
    /// internal one, then SIGKILL), with time left to report what did not finish.
    static let drainBudgetMs: Int64 = 250

    static func install(endpoint: String, logger: Logger) {
        // A signal mask is inherited across exec; make sure SIGTERM can reach us whatever started the process.
        var terminate = sigset_t()
        sigemptyset(&terminate)
        sigaddset(&terminate, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &terminate, nil)
        var ends: [Int32] = [-1, -1]
        let piped = pipe(&ends) == 0
        let reader = ends[0]
        let started =
            piped
            && DetachedThread.start {
                var byte: UInt8 = 0
                while read(reader, &byte, 1) < 0 && errno == EINTR {}
                Self.shutDown(endpoint: endpoint, logger: logger)
            }
        guard started else {
            // No thread to drain with: exit at once, as a runtime without in-flight tracking would.
            signal(SIGTERM) { _ in
                Termination.announce()
                _exit(0)
            }
            return
        }
        terminationPipe = ends[1]
        signal(SIGTERM) { _ in
            var byte: UInt8 = 1
            _ = write(terminationPipe, &byte, 1)
        }
    }

    private static func announce() {
        let line: StaticString = "SIGTERM received: runtime shutting down\n"
        _ = write(STDOUT_FILENO, line.utf8Start, line.utf8CodeUnitCount)
    }

    /// Waits for the invocations in flight, reports the ones still running, exits 0.
    private static func shutDown(endpoint: String, logger: Logger) -> Never {
        Self.announce()
        let deadline = WallClock.nowMs() + Self.drainBudgetMs
        var running = InFlight.current
        while !running.isEmpty && WallClock.nowMs() < deadline {
            usleep(2_000)
            running = InFlight.current
        }
        if !running.isEmpty {
            let client = SocketRuntimeAPIClient(endpoint: endpoint)
            for invocation in running {
                logger.error(
                    "the runtime is shutting down before the handler finished; the invocation is reported failed",
                    metadata: [LambdaLogHandler.requestIdKey: .string(invocation.requestId)]
                )
                // Its loop may answer at the same moment; the second answer is refused, which is harmless now.
                try? client.sendError(
                    ErrorReport(error: RuntimeError.shutDown),
                    requestId: invocation.requestId,
                    invocationId: invocation.invocationId
                )
            }
        }
        _exit(0)
    }
}
