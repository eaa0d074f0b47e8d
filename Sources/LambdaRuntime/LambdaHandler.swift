/// The bytes-level handler the loop drives: one event in, one response body out.
///
/// Contract: called once per invocation. A thrown error is reported to Lambda as the invocation's error (its
/// type name as `errorType`, its `description` as `errorMessage`) and the loop goes on. Under Lambda Managed
/// Instances (`AWS_LAMBDA_MAX_CONCURRENCY` > 1) one handler serves that many invocations at once: keep no
/// per-invocation state in stored properties (use the context and locals), and stop when cancelled.
package protocol LambdaByteHandler: Sendable {
    /// Handles one event.
    /// - Returns: the response body; Lambda refuses bodies over `RuntimeAPI.maxResponseBytes`.
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8]
}

/// A handler with typed events and responses; `CodableAdapter` turns it into a `LambdaByteHandler`.
package protocol LambdaHandler: Sendable {
    associatedtype Event: Decodable
    associatedtype Output: Encodable

    /// Handles one decoded event.
    func handle(_ event: Event, context: LambdaContext) async throws -> Output
}

/// The response of a handler that has nothing to return: Lambda shows it as `null`.
package struct NoResponse: Encodable, Sendable {
    package init() {}

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
