/// The X-Ray trace header of the Lambda invocation the current task is serving.
///
/// Set beside `InvocationDeadline` by the handler tier; every AWS call made inside sends it as
/// `X-Amzn-Trace-Id` (left out of the signature, as the SDKs do, since proxies may rewrite it), so AWS can
/// detect a function calling itself in a loop and join the call to the invocation's trace. Task-local rather
/// than `_X_AMZN_TRACE_ID`, which is one per process and wrong when a process serves invocations at once.
package enum InvocationTrace {
    @TaskLocal package static var current: String?
}
