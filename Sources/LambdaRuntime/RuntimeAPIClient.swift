package import FoundationEssentials

/// The loop's view of the Lambda Runtime API: four calls, all blocking.
///
/// Contract: `nextInvocation` blocks without a timeout until an event arrives. Every method throws a
/// `RuntimeError` whose `isFatal` is true when the API is unreachable or answered 500, after which the
/// process must exit; a rejected report (4xx) throws a non-fatal error and the loop goes on.
package protocol RuntimeAPIClient {
    /// Waits for the next event.
    func nextInvocation() throws(RuntimeError) -> Invocation
    /// Sends the handler's response for `requestId`.
    func sendResponse(_ body: Data, requestId: String) throws(RuntimeError)
    /// Reports that the handler failed for `requestId`.
    func sendError(_ report: ErrorReport, requestId: String) throws(RuntimeError)
    /// Reports that the function could not be initialised.
    func sendInitError(_ report: ErrorReport) throws(RuntimeError)
}

/// The body Lambda expects for `/error` and `/init/error`, and the error-type header beside it.
package struct ErrorReport: Codable, Sendable, Equatable {
    package var errorMessage: String
    package var errorType: String
    package var stackTrace: [String]

    package init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = []
    }

    /// Reports `error` by its Swift type name and its `description`, which house errors keep free of secrets.
    package init(error: any Error) {
        self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
    }

    /// The JSON body; encoding three strings cannot fail.
    package var json: Data {
        (try? JSONEncoder().encode(self)) ?? Data(#"{"errorMessage":"","errorType":"Unknown","stackTrace":[]}"#.utf8)
    }
}
