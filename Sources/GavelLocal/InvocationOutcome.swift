package import FoundationEssentials
package import LambdaRuntime

/// How one local invocation ended, as Lambda would report it.
package enum InvocationOutcome: Sendable, Equatable {
    /// The function returned this body.
    case response(Data)
    /// The function reported an error for the invocation, or the runtime exited or timed out while serving it.
    case error(ErrorReport)
    /// The function streams its response (only for a request that `acceptsStream`): read it from the stream.
    case streamed(LocalResponseStream)

    /// The error Lambda reports when an invocation runs past the function's timeout.
    package static func timedOut(seconds: Double) -> Self {
        .error(
            ErrorReport(
                errorType: "Sandbox.Timedout",
                errorMessage: "Task timed out after \(DecimalText.fixed(seconds, digits: 2)) seconds"
            )
        )
    }

    /// The error Lambda reports when the runtime process exits while an invocation is pending.
    package static func exited(status: String) -> Self {
        .error(ErrorReport(errorType: "Runtime.ExitError", errorMessage: "Runtime exited with error: \(status)"))
    }

    /// The body gavel-local prints: the response, or the error JSON (nothing for a stream, read as it comes).
    package var body: Data {
        switch self {
        case .response(let body): body
        case .error(let report): Data(report.json)
        case .streamed: Data()
        }
    }

    /// True for `.error`.
    package var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
