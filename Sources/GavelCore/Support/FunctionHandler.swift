import AWS
package import LambdaRuntime

/// The handler tier every Gavel function implements: `serve` runs with the invocation's deadline set
/// (`InvocationDeadline`), so every AWS call inside stops retrying, and stops waiting on unprocessed batch
/// items, before Lambda stops the invocation, and with its trace header (`InvocationTrace`), which every AWS
/// call carries. No handler sets either itself.
package protocol FunctionHandler: LambdaHandler {
    /// Handles one decoded event, with the invocation's deadline set.
    func serve(_ event: Event, context: LambdaContext) async throws -> Output
}

extension FunctionHandler {
    package func handle(_ event: Event, context: LambdaContext) async throws -> Output {
        try await context.withInvocationValues { try await self.serve(event, context: context) }
    }
}

/// `FunctionHandler` for a handler that reads its event's bytes itself.
package protocol FunctionByteHandler: LambdaByteHandler {
    /// Handles one event, with the invocation's deadline set.
    func serve(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8]
}

extension FunctionByteHandler {
    package func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        try await context.withInvocationValues { try await self.serve(event, context: context) }
    }
}

/// `FunctionHandler` for a handler that streams its response (`LambdaStreamingHandler`).
package protocol FunctionStreamingHandler: LambdaStreamingHandler {
    /// Handles one event, with the invocation's deadline set, writing the response to `response`.
    func serve(_ event: [UInt8], context: LambdaContext, response: ResponseStream) async throws
}

extension FunctionStreamingHandler {
    package func handle(_ event: [UInt8], context: LambdaContext, response: ResponseStream) async throws {
        try await context.withInvocationValues { try await self.serve(event, context: context, response: response) }
    }
}

extension LambdaContext {
    /// Runs `body` with this invocation's deadline and trace header set for the AWS client.
    fileprivate func withInvocationValues<Output>(_ body: () async throws -> Output) async throws -> Output {
        try await InvocationDeadline.$current.withValue(.now + self.remainingTime) {
            try await InvocationTrace.$current.withValue(self.traceId) { try await body() }
        }
    }
}
