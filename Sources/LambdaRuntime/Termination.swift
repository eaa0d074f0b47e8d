#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SIGTERM handling: Lambda sends it before shutting a runtime down (when extensions are registered).
///
/// Log lines are written unbuffered and `print` is line-buffered (`LambdaLogHandler.bootstrap`), so
/// nothing is pending; the handler writes one last line with the async-signal-safe `write` and exits 0.
enum Termination {
    static func install() {
        // A signal mask is inherited across exec; make sure SIGTERM can reach us whatever started the process.
        var terminate = sigset_t()
        sigemptyset(&terminate)
        sigaddset(&terminate, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &terminate, nil)
        signal(SIGTERM) { _ in
            let line: StaticString = "SIGTERM received: runtime shutting down\n"
            _ = write(STDOUT_FILENO, line.utf8Start, line.utf8CodeUnitCount)
            _exit(0)
        }
    }
}
