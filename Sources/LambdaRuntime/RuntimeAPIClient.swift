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
