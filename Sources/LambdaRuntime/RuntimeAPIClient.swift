/// The loop's view of the Lambda Runtime API: five calls, all blocking.
///
/// Contract: `nextInvocation` blocks without a timeout until an event arrives. Every method throws a
/// `RuntimeError` whose `isFatal` is true when the API is unreachable or answered 500, after which the
/// process must exit; a rejected report (4xx, 410 for a timed-out invocation) throws a non-fatal error and
/// the loop goes on. An answer carries the invocation's `invocationId` when `next` sent one.
package protocol RuntimeAPIClient {
    /// Waits for the next event.
    func nextInvocation() throws(RuntimeError) -> Invocation
    /// Sends the handler's response for `requestId`.
    func sendResponse(_ body: [UInt8], requestId: String, invocationId: String?) throws(RuntimeError)
    /// Sends a streamed response for `requestId`: the bytes `stream.read` yields, in chunks, until it returns 0,
    /// then `stream.trailerError` (if any) in the trailers. Called on a thread of its own (the stream's
    /// sender) while the loop waits for the stream to finish, never concurrently with another call.
    func streamResponse(_ stream: ResponseStream, requestId: String, invocationId: String?) throws(RuntimeError)
    /// Reports that the handler failed for `requestId`.
    func sendError(_ report: ErrorReport, requestId: String, invocationId: String?) throws(RuntimeError)
    /// Reports that the function could not be initialised.
    func sendInitError(_ report: ErrorReport) throws(RuntimeError)
}
