import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A child process: a bootstrap, or a build step.
package final class ChildProcess: Sendable {
    /// The process id.
    package let pid: Int32
    /// How the process ended, once a `waitForExit` reaped it.
    private let exitStatus = Mutex<String?>(nil)

    /// Where a child's standard output and error go.
    package enum Output: Sendable {
        /// Both to our standard error, so our standard output carries only what we print.
        case standardError
        /// Both appended to one file.
        case file(String)
        /// Each to its own file, truncated first.
        case separate(output: String, error: String)
        /// Both to our standard error line by line, each line after `prefix` (the function's name), the
        /// lines `filter` refuses left out; every line also kept in `book` under the function's name.
        case prefixed(String, filter: LogFilter = .all, book: (LogBook, function: String)? = nil)
    }

    /// Starts `executable` with exactly `environment`.
    /// - Throws: `LocalError.spawnFailed` when the executable cannot be started.
    package init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String],
        output: Output
    ) throws {
        var pipe: [Int32] = [-1, -1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch output {
        case .standardError:
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .separate(let outputPath, let errorPath):
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .prefixed:
            // Close-on-exec, so no other child inherits the pipe and keeps it open past this one's exit;
            // dup2 gives the child its own inheritable copies as 1 and 2.
            guard Glibc.pipe(&pipe) == 0, fcntl(pipe[0], F_SETFD, FD_CLOEXEC) == 0,
                fcntl(pipe[1], F_SETFD, FD_CLOEXEC) == 0
            else {
                throw LocalError.spawnFailed(executable, reason: "no pipe: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        }
        // Nothing else of ours reaches the child: without this it inherits every descriptor not marked
        // close-on-exec (servers' listening sockets, open connections), keeping ports bound and connections
        // open after we close them. glibc 2.34+ has the call; Swift's Glibc module does not export it.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        // A child inherits the spawning thread's signal mask, and threads of a test runner or an event loop
        // block signals: start the child with none blocked and default handlers, as Lambda does.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        if case .prefixed(let prefix, let filter, let book) = output {
            close(pipe[1])
            if status == 0 {
                LineForwarder.start(reading: pipe[0], prefix: prefix, filter: filter, book: book)
            } else {
                close(pipe[0])
            }
        }
        guard status == 0 else {
            throw LocalError.spawnFailed(executable, reason: String(cString: strerror(status)))
        }
        self.pid = pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: CloseFrom? = dlsym(
        UnsafeMutableRawPointer(bitPattern: 0),
        "posix_spawn_file_actions_addclosefrom_np"
    )
    .map { unsafeBitCast($0, to: CloseFrom.self) }

    /// Sends `signal` to the process.
    package func send(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// Waits for the process to exit, or for the calling task to be cancelled.
    /// - Returns: how it ended, in Lambda's words ("exit status 1", "signal: killed").
    package func waitForExit() async -> String {
        while !Task.isCancelled {
            // Reaped and recorded under one lock: several tasks wait on one process (an invocation's watcher,
            // `terminate`), and only the first waitpid gets its status; the others read it here.
            let ended = self.exitStatus.withLock { recorded -> String?? in
                if let recorded { return .some(recorded) }
                var status: Int32 = 0
                let result = waitpid(self.pid, &status, WNOHANG)
                if result == self.pid {
                    recorded = Self.describe(status)
                    return .some(recorded)
                }
                return result < 0 ? .some("exit status unknown") : .none
            }
            if let ended { return ended ?? "exit status unknown" }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return "still running"
    }

    /// Kills the process at once and reaps it.
    package func stop() async {
        self.send(SIGKILL)
        _ = await self.waitForExit()
    }

    /// Shuts the process down as Lambda does: SIGTERM, then SIGKILL after `grace` if it is still running.
    package func shutDown(grace: Duration = .milliseconds(500)) async {
        self.send(SIGTERM)
        let exited = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = await self.waitForExit()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if !exited { await self.stop() }
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exit status \((status >> 8) & 0xFF)" }
        return signal == SIGKILL ? "signal: killed" : "signal: \(signal)"
    }
}
