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
    /// One invocation at a time, so the process-wide trace variable is right while each runs.
    private let runner: InvocationRunner

    package init(client: any RuntimeAPIClient, function: FunctionEnvironment, logger: Logger) {
        self.client = client
        self.function = function
        self.logger = logger
        self.runner = InvocationRunner(function: function, logger: logger, setsTraceEnvironment: true)
    }

    /// Builds the handler, reporting a failure to `/init/error`.
    /// - Returns: nil when construction failed and the failure was reported; the caller then exits non-zero.
    package func initialise<Handler>(_ makeHandler: () async throws -> Handler) async -> Handler? {
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
        try await self.run(.buffered(handler))
    }

    /// Serves invocations with a buffered or a streaming handler until the Runtime API fails.
    package func run(_ handler: InvocationHandler) async throws(RuntimeError) {
        while true {
            let invocation = try self.client.nextInvocation()
            // In flight from the moment `next` answers until its report is sent (`report`): what SIGTERM
            // waits for. Any later (in the handler's task) and a SIGTERM in between finds nothing to wait for.
            InFlight.begin(invocation)
            try await self.serve(invocation, handler: handler)
        }
    }

    /// Runs the handler for one invocation and reports its response or its error.
    package func serve(_ invocation: Invocation, handler: InvocationHandler) async throws(RuntimeError) {
        let stream = self.responseStream(for: invocation, handler: handler)
        let (context, outcome) = await self.runner.run(invocation, handler: handler, stream: stream)
        try self.report(outcome, of: invocation, context: context, stream: stream)
    }

    /// The stream a streaming handler writes to, sent by this loop's client from a thread of its own once
    /// the first byte is written; nil for a buffered handler.
    func responseStream(for invocation: Invocation, handler: InvocationHandler) -> ResponseStream? {
        guard case .streaming = handler else { return nil }
        let client = SenderClient(client: self.client)
        return ResponseStream { stream in
            let started = DetachedThread.start {
                do throws(RuntimeError) {
                    try client.client.streamResponse(
                        stream,
                        requestId: invocation.requestId,
                        invocationId: invocation.invocationId
                    )
                    stream.senderFinished(nil)
                } catch {
                    stream.senderFinished(error)
                }
            }
            if !started { stream.senderFinished(.runtimeAPIUnreachable("no thread could be started for the stream")) }
        }
    }

    /// Sends the handler's outcome: the response, or the error (also when the response is too large); for a
    /// stream already started, its end, with the error in its trailers.
    /// - Throws: only a fatal `RuntimeError`; a refused report (4xx, 410) is logged and the loop goes on.
    package func report(
        _ outcome: Result<[UInt8], any Error>,
        of invocation: Invocation,
        context: LambdaContext,
        stream: ResponseStream? = nil
    ) throws(RuntimeError) {
        let (reply, attempt) = (invocation.requestId, invocation.invocationId)
        defer { InFlight.end(reply) }
        do throws(RuntimeError) {
            switch outcome {
            case .success where stream?.started == true:
                if let failure = stream?.finish(error: nil) { throw failure }
            case .failure(let error) where stream?.started == true:
                let report = ErrorReport(error: error)
                context.logger.error(
                    "invocation failed mid-stream",
                    metadata: ["errorType": "\(report.errorType)", "error": "\(error)"]
                )
                if let failure = stream?.finish(error: report) { throw failure }
            case .success(let body) where body.count > RuntimeAPI.maxResponseBytes:
                let error = RuntimeError.responseTooLarge(bytes: body.count)
                context.logger.error("invocation failed", metadata: ["errorType": "RuntimeError", "error": "\(error)"])
                try self.client.sendError(ErrorReport(error: error), requestId: reply, invocationId: attempt)
            case .success(let body):
                try self.client.sendResponse(body, requestId: reply, invocationId: attempt)
            case .failure(let error):
                let report = ErrorReport(error: error)
                context.logger.error(
                    "invocation failed",
                    metadata: ["errorType": "\(report.errorType)", "error": "\(error)"]
                )
                try self.client.sendError(report, requestId: reply, invocationId: attempt)
            }
        } catch  where !error.isFatal {
            context.logger.error("Runtime API refused the report", metadata: ["error": "\(error)"])
        }
    }
}

/// What a function serves invocations with: a handler that returns its response whole, or one that streams it.
package enum InvocationHandler: Sendable {
    case buffered(any LambdaByteHandler)
    case streaming(any LambdaStreamingHandler)
}

/// The loop's client, handed to a stream's sender thread. Unchecked: the loop makes no call of its own while
/// the sender runs (it waits in `ResponseStream.finish`), so the client is never used from two threads at once.
private struct SenderClient: @unchecked Sendable {
    let client: any RuntimeAPIClient
}

/// Runs a handler for one invocation: its context, its log metadata, its outcome. Sendable, so the loops of
/// a concurrent runtime share one.
package struct InvocationRunner: Sendable {
    let function: FunctionEnvironment
    let logger: Logger
    /// Whether to set the process-wide `_X_AMZN_TRACE_ID` while the invocation runs: right only when one
    /// invocation runs at a time; a concurrent runtime leaves it unset.
    let setsTraceEnvironment: Bool

    package init(function: FunctionEnvironment, logger: Logger, setsTraceEnvironment: Bool) {
        self.function = function
        self.logger = logger
        self.setsTraceEnvironment = setsTraceEnvironment
    }

    /// Runs `handler` for `invocation`; a streaming handler writes to `stream` and succeeds with no body.
    package func run(
        _ invocation: Invocation,
        handler: InvocationHandler,
        stream: ResponseStream? = nil
    ) async -> (LambdaContext, Result<[UInt8], any Error>) {
        let context = LambdaContext(invocation: invocation, function: self.function, logger: self.logger)
        for defect in invocation.defects { context.logger.warning("the Runtime API sent \(defect)") }
        // Lambda's SDKs read the trace header from here; it is set only while this invocation runs.
        if self.setsTraceEnvironment, let traceId = invocation.traceId { setenv("_X_AMZN_TRACE_ID", traceId, 1) }
        defer { if self.setsTraceEnvironment { unsetenv("_X_AMZN_TRACE_ID") } }
        // Every logger's lines in this task carry the invocation's ids, not only the context's logger.
        return await InvocationLogMetadata.$current.withValue(context.logMetadata) {
            do {
                switch handler {
                case .buffered(let handler):
                    return (context, .success(try await handler.handle(invocation.event, context: context)))
                case .streaming(let handler):
                    guard let stream else { preconditionFailure("a streaming handler runs with a stream") }
                    try await handler.handle(invocation.event, context: context, response: stream)
                    return (context, .success([UInt8]()))
                }
            } catch {
                return (context, .failure(error))
            }
        }
    }
}
