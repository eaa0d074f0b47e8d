import FoundationEssentials
package import LambdaRuntime

/// Pairs events with the runtime's `next` calls and outcomes with the callers waiting for them.
///
/// Every submitted invocation ends exactly once: with the runtime's response or error, or with the outcome
/// given to `resolveAll` when the process timed out or died. A `next` call waits until an event is queued.
package actor InvocationBroker {
    private var queued: [InvocationRequest] = []
    private var waitingRuntimes: [CheckedContinuation<InvocationRequest?, Never>] = []
    private var callers:
        [String: (
            invocationId: String, deadlineMs: Int64, acceptsStream: Bool,
            caller: CheckedContinuation<InvocationOutcome, Never>
        )] = [:]
    /// Requests that timed out (the newest 1,000): a late answer to one is told 410 Gone, as Lambda does.
    private var timedOut: [String] = []
    /// The error the runtime reported from `/init/error`, until the next process starts.
    package private(set) var initError: ErrorReport?
    /// Set when the local function is done: a `next` call arriving later (sent by a process that was being
    /// stopped) is answered at once instead of parking a request the server would wait on for ever.
    private var closed = false

    package init() {}

    /// Queues an event and waits until it ends.
    package func invoke(_ request: InvocationRequest) async -> InvocationOutcome {
        await withCheckedContinuation { continuation in
            self.callers[request.requestId] = (
                request.invocationId, request.deadlineMs, request.acceptsStream, continuation
            )
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

    /// How the runtime's answer to an invocation was taken.
    package enum Answer: Sendable, Equatable {
        case accepted
        /// No such request, or it already ended.
        case unknown
        /// The invocation timed out before the answer came: Lambda answers 410.
        case timedOut
        /// The answer did not carry the invocation id `next` sent (nil: it carried none).
        case wrongInvocation(echoed: String?)
    }

    /// Ends one invocation with the runtime's answer, if the answer is this attempt's.
    /// - Parameter invocationId: the `Lambda-Runtime-Invocation-Id` the answer carried.
    @discardableResult
    package func finish(_ requestId: String, invocationId: String?, with outcome: InvocationOutcome) -> Answer {
        guard let pending = self.callers[requestId] else {
            return self.timedOut.contains(requestId) ? .timedOut : .unknown
        }
        guard invocationId == pending.invocationId else { return .wrongInvocation(echoed: invocationId) }
        guard !Self.isPast(pending.deadlineMs) else { return .timedOut }
        self.callers[requestId] = nil
        self.queued.removeAll { $0.requestId == requestId }
        pending.caller.resume(returning: outcome)
        return .accepted
    }

    /// Where a streamed answer goes.
    package enum StreamTarget: Sendable {
        /// To the caller as it arrives: it has been handed this stream.
        case stream(LocalResponseStream)
        /// Collected, then given to `finish`: the caller takes responses whole.
        case collect
        case refused(Answer)
    }

    /// Starts a streamed answer: a caller that reads streams gets it now (the invocation ends for the broker
    /// here); any other gets the collected stream through `finish`.
    package func beginStream(_ requestId: String, invocationId: String?, contentType: String) -> StreamTarget {
        guard let pending = self.callers[requestId] else {
            return .refused(self.timedOut.contains(requestId) ? .timedOut : .unknown)
        }
        guard invocationId == pending.invocationId else { return .refused(.wrongInvocation(echoed: invocationId)) }
        guard !Self.isPast(pending.deadlineMs) else { return .refused(.timedOut) }
        guard pending.acceptsStream else { return .collect }
        self.callers[requestId] = nil
        let stream = LocalResponseStream(contentType: contentType)
        pending.caller.resume(returning: .streamed(stream))
        return .stream(stream)
    }

    /// Ends one invocation that timed out while its process goes on (concurrent mode): its late answer is
    /// told 410.
    package func expire(_ requestId: String, with outcome: InvocationOutcome) {
        guard let pending = self.callers.removeValue(forKey: requestId) else { return }
        self.queued.removeAll { $0.requestId == requestId }
        self.rememberTimedOut([requestId])
        pending.caller.resume(returning: outcome)
    }

    /// Ends every pending invocation, queued or in flight, with `outcome`; when it is a timeout, a late
    /// answer to any of them is told so.
    package func finishAll(with outcome: InvocationOutcome) {
        let pending = self.callers
        self.callers = [:]
        self.queued = []
        if case .error(let report) = outcome, report.errorType == "Sandbox.Timedout" {
            self.rememberTimedOut(Array(pending.keys))
        }
        for entry in pending.values { entry.caller.resume(returning: outcome) }
    }

    /// Whether an answer now comes after the invocation's deadline. The deadline decides, as in Lambda, not
    /// the caller's timer: on a loaded machine that timer can wake hundreds of milliseconds late, and an
    /// answer in that gap was taken as in time. A refused answer leaves the invocation to the timer, which
    /// ends it as timed out.
    private static func isPast(_ deadlineMs: Int64) -> Bool {
        WallClock.nowMs() > deadlineMs
    }

    private func rememberTimedOut(_ requestIds: [String]) {
        self.timedOut = Array((self.timedOut + requestIds).suffix(1000))
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
