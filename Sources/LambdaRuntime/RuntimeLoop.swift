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
        _ makeHandler: () async throws -> any LambdaByteHandler
    ) async -> (any LambdaByteHandler)? {
        do {
            return try await makeHandler()
        } catch {
            self.logger.critical("function initialisation failed", metadata: ["error": "\(error)"])
            do {
                try self.client.sendInitError(ErrorReport(error: error))
            } catch {
                self.logger.critical("could not report the initialisation failure", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }

    /// Serves invocations until the Runtime API fails.
    ///
    /// The loop runs in one task for the life of the process and awaits the handler in place, so an
    /// invocation costs no thread hop. Its Runtime API calls block that task's thread, but only between
    /// handler runs, when Lambda has nothing else for the process to do.
    /// - Throws: the fatal `RuntimeError` that ended the loop.
    package func run(handler: any LambdaByteHandler) async throws(RuntimeError) {
        while true {
            let invocation = try self.client.nextInvocation()
            try await self.serve(invocation, handler: handler)
        }
    }

    /// Runs the handler for one invocation and reports its response or its error.
    package func serve(_ invocation: Invocation, handler: any LambdaByteHandler) async throws(RuntimeError) {
        let context = LambdaContext(invocation: invocation, function: self.function, logger: self.logger)
        // Lambda's SDKs read the trace header from here; it is set only while this invocation runs.
        if let traceId = invocation.traceId { setenv("_X_AMZN_TRACE_ID", traceId, 1) }
        defer { unsetenv("_X_AMZN_TRACE_ID") }

        let outcome: Result<Data, any Error>
        do {
            outcome = .success(try await handler.handle(invocation.event, context: context))
        } catch {
            outcome = .failure(error)
        }
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
                context.logger.error(
                    "invocation failed",
                    metadata: ["errorType": "\(report.errorType)", "error": "\(error)"]
                )
                try self.client.sendError(report, requestId: invocation.requestId)
            }
        } catch  where !error.isFatal {
            context.logger.error("Runtime API refused the report", metadata: ["error": "\(error)"])
        }
    }
}
