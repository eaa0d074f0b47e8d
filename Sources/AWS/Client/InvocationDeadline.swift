/// The deadline of the Lambda invocation the current task is serving.
///
/// A handler sets it once (`InvocationDeadline.$current.withValue(context.deadline) { … }`); every AWS call
/// made inside then stops retrying, and stops waiting on unprocessed batch items, before the deadline passes,
/// without a deadline parameter threaded through every repository method. An explicit `deadline:` wins.
package enum InvocationDeadline {
    @TaskLocal package static var current: ContinuousClock.Instant?
}
