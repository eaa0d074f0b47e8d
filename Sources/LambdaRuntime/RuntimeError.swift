/// The one error type of the runtime: Runtime API failures, bad events and refused responses.
///
/// `description` is safe to log and to return to a caller: it never holds an event or a response body.
package struct RuntimeError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    private enum Code: String {
        case missingEnvironment, runtimeAPIUnreachable, runtimeAPIFailed, rejectedReport, invocationTimedOut
        case malformedInvocation, handlerPastDeadline, shutDown
        case invalidEvent, unencodableResponse, responseTooLarge
    }

    private let code: Code
    /// A sentence saying what went wrong, safe to show.
    package let message: String
    /// The error underneath, if any; shown only in `debugDescription`.
    package let underlying: (any Error)?

    private init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// A variable the runtime needs is not set.
    package static func missingEnvironment(_ name: String) -> Self {
        Self(
            .missingEnvironment,
            "\(name) is not set: this binary is a Lambda bootstrap; run it with `gavel-local invoke`"
        )
    }

    /// The Runtime API could not be reached at all (connection refused, reset).
    package static func runtimeAPIUnreachable(_ detail: String) -> Self {
        Self(.runtimeAPIUnreachable, "Runtime API unreachable: \(detail)")
    }

    /// The Runtime API answered with a status the runtime cannot go on after (500 means exit).
    package static func runtimeAPIFailed(status: Int, path: String) -> Self {
        Self(.runtimeAPIFailed, "Runtime API answered \(status) to \(path)")
    }

    /// The Runtime API refused a report with a 4xx (an unknown request id, a body it would not take).
    package static func rejectedReport(status: Int, path: String, body: String) -> Self {
        Self(.rejectedReport, "Runtime API answered \(status) to \(path): \(body.prefix(200))")
    }

    /// Lambda refused an answer with 410 Gone (`ErrorRuntimeInvokeTimeout`): the invocation had already timed
    /// out, so its late answer has nowhere to go. Not fatal: the next invocation is served as usual.
    package static func invocationTimedOut(path: String) -> Self {
        Self(.invocationTimedOut, "the invocation had timed out: Lambda refused its late answer to \(path) (410)")
    }

    /// A concurrent runtime's loop stopped waiting for a handler that ran past the invocation's deadline.
    package static let handlerPastDeadline = Self(
        .handlerPastDeadline,
        "the handler was still running past the invocation's deadline (it does not stop when cancelled)"
    )

    /// SIGTERM ended the runtime while the handler was still running (past `Termination.drainBudgetMs`).
    package static let shutDown = Self(
        .shutDown,
        "the runtime was shut down (SIGTERM) before the handler finished"
    )

    /// A `next` response lacked a header Lambda always sends, or carried an unreadable one.
    package static func malformedInvocation(_ detail: String) -> Self {
        Self(.malformedInvocation, "malformed invocation: \(detail)")
    }

    /// The event did not decode; the message names the path of the offending field.
    package static func invalidEvent(_ error: any Error) -> Self {
        Self(.invalidEvent, "invalid event: \(DecodingErrorDescription.describe(error))", underlying: error)
    }

    /// The handler's output could not be encoded as JSON.
    package static func unencodableResponse(_ error: any Error) -> Self {
        Self(
            .unencodableResponse,
            "response could not be encoded: \(DecodingErrorDescription.describe(error))",
            underlying: error
        )
    }

    /// The response is larger than Lambda accepts.
    package static func responseTooLarge(bytes: Int) -> Self {
        Self(
            .responseTooLarge,
            "response of \(bytes) bytes exceeds Lambda's limit of \(RuntimeAPI.maxResponseBytes) bytes; nothing was sent"
        )
    }

    /// True when the Runtime API is gone or failed, and the process must exit.
    package var isFatal: Bool {
        self.code == .runtimeAPIUnreachable || self.code == .runtimeAPIFailed || self.code == .malformedInvocation
    }

    package var description: String { self.message }

    package var debugDescription: String {
        guard let underlying = self.underlying else { return "RuntimeError.\(self.code.rawValue): \(self.message)" }
        return "RuntimeError.\(self.code.rawValue): \(self.message) (underlying: \(String(reflecting: underlying)))"
    }
}
