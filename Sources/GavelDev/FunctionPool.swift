package import FoundationEssentials
package import GavelLocal

/// The warm instances of one function, as Lambda keeps them: an invocation takes an instance with room, or
/// starts a new one (a cold start) while fewer than `maxInstances` run, or waits for room. An instance has
/// room for one invocation, or for `settings.maxConcurrency` at once when it runs as Lambda Managed Instances
/// do (one process, N loops).
///
/// Each instance is a bootstrap process behind its own local Runtime API (`LocalFunction`), started on first
/// use. The bid executor needs this: each invocation waits minutes for its auction's last seconds.
package actor FunctionPool {
    package let name: String
    /// What new instances run with: the template's settings, replaced when `--watch` applies a changed one.
    private var settings: FunctionSettings
    /// What new instances run: the static bootstrap, or a debug build `--watch` swapped in.
    private var executable: String
    private let caller: [String: String]
    private let overrides: [String: String]
    private let output: ChildProcess.Output
    private let maxInstances: Int
    /// The instances serving, with how many invocations each has in flight and how to stop it.
    private var running: [Instance] = []
    /// Instances of a replaced executable, finishing what they had in flight before they stop.
    private var retiring: [Instance] = []
    private var started = 0
    private var waiting: [CheckedContinuation<LocalFunction, Never>] = []
    private var stops: [AsyncStream<Void>.Continuation] = []
    private var instances: [Task<Void, any Error>] = []

    package init(
        settings: FunctionSettings,
        executable: String,
        caller: [String: String],
        overrides: [String: String],
        output: ChildProcess.Output,
        maxInstances: Int
    ) {
        self.name = settings.name
        self.settings = settings
        self.executable = executable
        self.caller = caller
        self.overrides = overrides
        self.output = output
        self.maxInstances = max(1, maxInstances)
    }

    /// Delivers `event` to a free instance and returns its result; with `acceptsStream`, a streamed answer
    /// returns as it starts, and the instance stays taken until the stream ends.
    package func invoke(_ event: Data, acceptsStream: Bool = false) async throws -> LocalFunction.Result {
        let instance = try await self.acquire()
        let result: LocalFunction.Result
        do {
            result = try await instance.invoke(event, acceptsStream: acceptsStream)
        } catch {
            self.release(instance)
            throw error
        }
        if case .streamed(let stream) = result.outcome {
            // The stream outlives this call (the Function URL writes it after answering), so its release waits
            // in a task of its own, as each instance already runs in one (`instances`).
            Task {
                await stream.ended()
                await self.release(instance)
            }
        } else {
            self.release(instance)
        }
        return result
    }

    /// Stops every instance (SIGTERM, as Lambda does) and its Runtime API.
    package func shutdown() async {
        for stop in self.stops { stop.yield() }
        for instance in self.instances { _ = try? await instance.value }
        self.stops = []
        self.instances = []
    }

    /// The settings new instances start with.
    package var currentSettings: FunctionSettings { self.settings }

    /// Runs `executable` (or the same one with `settings`) from now on: the next invocations start instances
    /// of it, the ones in flight finish on the instance they started on, and each old instance stops once it
    /// is idle.
    package func replace(executable: String? = nil, settings: FunctionSettings? = nil) {
        if let executable { self.executable = executable }
        if let settings { self.settings = settings }
        self.retiring += self.running
        self.running = []
        self.stopIdleRetirees()
    }

    private func stopIdleRetirees() {
        for instance in self.retiring where instance.active == 0 {
            instance.stop.yield()
            self.started -= 1
        }
        self.retiring.removeAll { $0.active == 0 }
    }

    /// Invocations one instance takes at once.
    private var capacity: Int { max(1, self.settings.maxConcurrency) }

    private func acquire() async throws -> LocalFunction {
        if let index = self.running.firstIndex(where: { $0.active < self.capacity }) {
            self.running[index].active += 1
            return self.running[index].function
        }
        if self.started < self.maxInstances {
            self.started += 1
            let instance = try await self.startInstance()
            self.running.append(instance)
            return instance.function
        }
        // Lambda would start another instance: say so, since a waiting snipe may miss its auction.
        FileHandleWriter.standardError(
            "gavel-local: all \(self.maxInstances) instances of \(self.name) are busy; an invocation waits "
                + "(raise --max-instances)\n"
        )
        return await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release(_ instance: LocalFunction) {
        if let index = self.retiring.firstIndex(where: { $0.function === instance }) {
            self.retiring[index].active -= 1
            self.stopIdleRetirees()
        } else if !self.waiting.isEmpty {
            // The freed room goes straight to the longest waiter.
            self.waiting.removeFirst().resume(returning: instance)
        } else if let index = self.running.firstIndex(where: { $0.function === instance }) {
            self.running[index].active -= 1
        }
    }

    /// One running instance.
    private struct Instance {
        var function: LocalFunction
        /// Invocations in flight on it.
        var active: Int
        /// Ends its task, and so its process.
        var stop: AsyncStream<Void>.Continuation
    }

    /// Runs one `LocalFunction` in a task of its own until `shutdown` or its retirement, handing it out
    /// (with one invocation counted) once it serves.
    private func startInstance() async throws -> Instance {
        let ready = AsyncStream.makeStream(of: LocalFunction.self)
        let stop = AsyncStream.makeStream(of: Void.self)
        self.stops.append(stop.continuation)
        let (settings, executable, caller, overrides, output) =
            (self.settings, self.executable, self.caller, self.overrides, self.output)
        self.instances.append(
            Task {
                defer { ready.continuation.finish() }
                try await LocalFunction.with(
                    settings: settings,
                    executable: executable,
                    caller: caller,
                    overrides: overrides,
                    output: output
                ) { function in
                    ready.continuation.yield(function)
                    for await _ in stop.stream { break }
                }
            }
        )
        var iterator = ready.stream.makeAsyncIterator()
        guard let instance = await iterator.next() else {
            self.started -= 1
            throw LocalError.dev("\(self.name): its local Runtime API did not start")
        }
        return Instance(function: instance, active: 1, stop: stop.continuation)
    }
}
