import AWS
package import FoundationEssentials
package import LambdaRuntime

/// The handler tier every Gavel function implements: `serve` runs with the invocation's deadline set
/// (`InvocationDeadline`), so every AWS call inside stops retrying, and stops waiting on unprocessed batch
/// items, before Lambda stops the invocation. No handler sets the deadline itself.
package protocol FunctionHandler: LambdaHandler {
    /// Handles one decoded event, with the invocation's deadline set.
    func serve(_ event: Event, context: LambdaContext) async throws -> Output
}

extension FunctionHandler {
    package func handle(_ event: Event, context: LambdaContext) async throws -> Output {
        try await InvocationDeadline.$current.withValue(.now + context.remainingTime) {
            try await self.serve(event, context: context)
        }
    }
}

/// `FunctionHandler` for a handler that reads its event's bytes itself.
package protocol FunctionByteHandler: LambdaByteHandler {
    /// Handles one event, with the invocation's deadline set.
    func serve(_ event: Data, context: LambdaContext) async throws -> Data
}

extension FunctionByteHandler {
    package func handle(_ event: Data, context: LambdaContext) async throws -> Data {
        try await InvocationDeadline.$current.withValue(.now + context.remainingTime) {
            try await self.serve(event, context: context)
        }
    }
}
