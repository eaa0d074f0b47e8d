import FoundationEssentials
package import LambdaRuntime

/// Pairs events with the runtime's `next` calls and outcomes with the callers waiting for them.
///
/// Every submitted invocation ends exactly once: with the runtime's response or error, or with the outcome
/// given to `resolveAll` when the process timed out or died. A `next` call waits until an event is queued.
package actor InvocationBroker {
    private var queued: [InvocationRequest] = []
    private var waitingRuntimes: [CheckedContinuation<InvocationRequest?, Never>] = []
    private var callers: [String: CheckedContinuation<InvocationOutcome, Never>] = [:]
    /// The error the runtime reported from `/init/error`, until the next process starts.
    package private(set) var initError: ErrorReport?
    /// Set when the local function is done: a `next` call arriving later (sent by a process that was being
    /// stopped) is answered at once instead of parking a request the server would wait on for ever.
    private var closed = false

    package init() {}

    /// Queues an event and waits until it ends.
    package func invoke(_ request: InvocationRequest) async -> InvocationOutcome {
        await withCheckedContinuation { continuation in
            self.callers[request.requestId] = continuation
            if self.waitingRuntimes.isEmpty {
                self.queued.append(request)
            } else {
                self.waitingRuntimes.removeFirst().resume(returning: request)
            }
        }
    }

    /// The runtime's `next`: the oldest queued event, waiting for one if there is none.
    /// - Returns: nil when the wait was dropped because the process that asked has exited.
    package func next() async -> InvocationRequest? {
        if !self.queued.isEmpty { return self.queued.removeFirst() }
        if self.closed { return nil }
        return await withCheckedContinuation { self.waitingRuntimes.append($0) }
    }

    /// Ends one invocation. - Returns: false when no caller waits for `requestId` (unknown or already ended).
    @discardableResult
    package func finish(_ requestId: String, with outcome: InvocationOutcome) -> Bool {
        guard let caller = self.callers.removeValue(forKey: requestId) else { return false }
        self.queued.removeAll { $0.requestId == requestId }
        caller.resume(returning: outcome)
        return true
    }

    /// Ends every pending invocation, queued or in flight, with `outcome`.
    package func finishAll(with outcome: InvocationOutcome) {
        let pending = self.callers
        self.callers = [:]
        self.queued = []
        for caller in pending.values { caller.resume(returning: outcome) }
    }

    /// How many runtimes are parked in `next()`.
    package var waitingRuntimeCount: Int { self.waitingRuntimes.count }

    /// Drops the `next` calls of a process that has exited, so they cannot take the next process's events.
    package func dropWaitingRuntimes() {
        let waiting = self.waitingRuntimes
        self.waitingRuntimes = []
        for runtime in waiting { runtime.resume(returning: nil) }
    }

    /// No more events: answers every parked and every later `next` call with nil.
    package func close() {
        self.closed = true
        self.dropWaitingRuntimes()
    }

    /// Records the runtime's `/init/error` report.
    package func recordInitError(_ report: ErrorReport) {
        self.initError = report
    }

    /// Forgets the last init error, before a new process starts.
    package func clearInitError() {
        self.initError = nil
    }
}
