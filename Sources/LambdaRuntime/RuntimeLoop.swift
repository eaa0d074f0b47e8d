import FoundationEssentials
package import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Runtime API loop: fetch an event, run the handler, report the outcome, repeat.
package struct RuntimeLoop {
    private let client: any RuntimeAPIClient
    private let function: FunctionEnvironment
    private let logger: Logger

    package init(client: any RuntimeAPIClient, function: FunctionEnvironment, logger: Logger) {
        self.client = client
        self.function = function
        self.logger = logger
    }

    /// Builds the handler, reporting a failure to `/init/error`.
    /// - Returns: nil when construction failed and the failure was reported; the caller then exits non-zero.
    package func initialise(
        _ makeHandler: @escaping @Sendable () async throws -> any LambdaByteHandler
    ) -> (any LambdaByteHandler)? {
        switch AsyncBridge.wait(makeHandler) {
        case .success(let handler):
            return handler
        case .failure(let error):
            self.logger.critical("function initialisation failed", metadata: ["error": "\(error)"])
            do {
                try self.client.sendInitError(ErrorReport(error: error))
            } catch {
                self.logger.critical("could not report the initialisation failure", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }

    /// Serves invocations until the Runtime API fails or `limit` invocations have been served.
    /// - Throws: the fatal `RuntimeError` that ended the loop.
    package func run(handler: any LambdaByteHandler, limit: Int = .max) throws(RuntimeError) {
        var served = 0
        while served < limit {
            let invocation = try self.client.nextInvocation()
            try self.serve(invocation, handler: handler)
            served += 1
        }
    }

    /// Runs the handler for one invocation and reports its response or its error.
    package func serve(_ invocation: Invocation, handler: any LambdaByteHandler) throws(RuntimeError) {
        let context = LambdaContext(invocation: invocation, function: self.function, logger: self.logger)
        // Lambda's SDKs read the trace header from here; it is set only while this invocation runs.
        if let traceId = invocation.traceId { setenv("_X_AMZN_TRACE_ID", traceId, 1) }
        defer { unsetenv("_X_AMZN_TRACE_ID") }

        let event = invocation.event
        let outcome = AsyncBridge.wait { try await handler.handle(event, context: context) }
        do throws(RuntimeError) {
            switch outcome {
            case .success(let body) where body.count > RuntimeAPI.maxResponseBytes:
                let error = RuntimeError.responseTooLarge(bytes: body.count)
                context.logger.error("invocation failed", metadata: ["errorType": "RuntimeError", "error": "\(error)"])
                try self.client.sendError(ErrorReport(error: error), requestId: invocation.requestId)
            case .success(let body):
                try self.client.sendResponse(body, requestId: invocation.requestId)
            case .failure(let error):
                let report = ErrorReport(error: error)
                context.logger.error("invocation failed", metadata: ["errorType": "\(report.errorType)", "error": "\(error)"])
                try self.client.sendError(report, requestId: invocation.requestId)
            }
        } catch where !error.isFatal {
            context.logger.error("Runtime API refused the report", metadata: ["error": "\(error)"])
        }
    }
}
