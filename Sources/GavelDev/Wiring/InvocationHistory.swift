import GavelLocal
import LambdaRuntime
import Synchronization

/// The last invocations of every function, newest first, for the console's page: what `REPORT` lines say.
package final class InvocationHistory: Sendable {
    /// One invocation as its `REPORT` line describes it.
    package struct Entry: Encodable, Sendable {
        package var function: String
        package var requestId: String
        package var durationMs: Double
        /// Set when the invocation started its instance (a cold start).
        package var initDurationMs: Double?
        /// The error type and message, when it failed.
        package var error: String?
    }

    /// How many are kept, over all functions.
    static let capacity = 200
    private let entries = Mutex<[Entry]>([])

    package init() {}

    func record(_ function: String, _ result: LocalFunction.Result) {
        var error: String?
        if case .error(let report) = result.outcome { error = "\(report.errorType): \(report.errorMessage)" }
        let entry = Entry(
            function: function,
            requestId: result.requestId,
            durationMs: result.durationMs,
            initDurationMs: result.initDurationMs,
            error: error
        )
        self.entries.withLock { entries in
            entries.append(entry)
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        }
    }

    /// Newest first.
    package var recent: [Entry] { self.entries.withLock { $0.reversed() } }
}
