import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The entry point a function's `main.swift` calls.
package enum Lambda {
    /// Builds the handler and serves invocations until Lambda stops the process. Never returns.
    ///
    /// A failure in `makeHandler` is reported to `/runtime/init/error` and the process exits 1; a failed or
    /// unreachable Runtime API ends the process with exit code 1; SIGTERM ends it with exit code 0 once the
    /// invocations in flight have answered or been reported failed (`Termination`).
    /// - Parameters:
    ///   - environment: the process environment; `AWS_LAMBDA_RUNTIME_API` is required.
    ///   - executor: the executor the loop, the handler and the tasks it starts prefer: the AWS client's
    ///     `CurlEventLoop.shared`, so a call to AWS is started and answered on one thread, without a hop;
    ///     nil runs them on the global executor. The loop's Runtime API calls block it between invocations.
    package static func run(
        environment: [String: String],
        executor: (any TaskExecutor)? = nil,
        _ makeHandler: @escaping @Sendable () async throws -> any LambdaByteHandler
    ) -> Never {
        self.serve(environment: environment, executor: executor) { .buffered(try await makeHandler()) }
    }

    /// Runs a streaming handler (response streaming), as `run` runs a buffered one.
    package static func runStreaming(
        environment: [String: String],
        executor: (any TaskExecutor)? = nil,
        _ makeHandler: @escaping @Sendable () async throws -> any LambdaStreamingHandler
    ) -> Never {
        self.serve(environment: environment, executor: executor) { .streaming(try await makeHandler()) }
    }

    private static func serve(
        environment: [String: String],
        executor: (any TaskExecutor)?,
        _ makeHandler: @escaping @Sendable () async throws -> InvocationHandler
    ) -> Never {
        let function = FunctionEnvironment(environment: environment)
        let logger = Logger(label: function.functionName.isEmpty ? "lambda" : function.functionName)
        guard let endpoint = function.runtimeAPI else {
            logger.critical("\(RuntimeError.missingEnvironment("AWS_LAMBDA_RUNTIME_API"))")
            exit(1)
        }
        Termination.install(endpoint: endpoint, logger: logger)
        if function.maxConcurrency > 1 {
            self.runConcurrently(endpoint: endpoint, function: function, logger: logger, makeHandler)
        }
        let ending = AsyncBridge.wait(preferring: executor) { () async -> RuntimeError? in
            let client = SocketRuntimeAPIClient(endpoint: endpoint)
            let loop = RuntimeLoop(client: client, function: function, logger: logger)
            guard let handler = await loop.initialise(makeHandler) else { return nil }
            do throws(RuntimeError) {
                try await loop.run(handler)
                return nil
            } catch {
                return error
            }
        }
        if case .success(let error?) = ending {
            logger.critical("runtime stopping", metadata: ["error": "\(error)"])
        }
        exit(1)
    }

    /// Lambda Managed Instances: the handler is built (init is over) before any loop asks for an event; the
    /// loops then run on threads of their own while this thread waits, so no thread of the cooperative pool
    /// is blocked and the pool stays free for the handlers.
    private static func runConcurrently(
        endpoint: String,
        function: FunctionEnvironment,
        logger: Logger,
        _ makeHandler: @escaping @Sendable () async throws -> InvocationHandler
    ) -> Never {
        let built = AsyncBridge.wait { () async -> InvocationHandler? in
            await RuntimeLoop(client: SocketRuntimeAPIClient(endpoint: endpoint), function: function, logger: logger)
                .initialise(makeHandler)
        }
        guard case .success(let handler?) = built else { exit(1) }
        logger.info(
            "serving invocations concurrently",
            metadata: ["loops": .stringConvertible(function.maxConcurrency)]
        )
        let error = ConcurrentRuntime.run(
            endpoint: endpoint,
            concurrency: function.maxConcurrency,
            runner: InvocationRunner(function: function, logger: logger, setsTraceEnvironment: false),
            handler: handler
        )
        logger.critical("runtime stopping", metadata: ["error": "\(error)"])
        exit(1)
    }

    /// Runs a typed handler: events are decoded from JSON and responses encoded as JSON.
    package static func run<Handler: LambdaHandler>(
        environment: [String: String],
        executor: (any TaskExecutor)? = nil,
        _ makeHandler: @escaping @Sendable () async throws -> Handler
    ) -> Never {
        self.run(environment: environment, executor: executor) { () async throws -> any LambdaByteHandler in
            CodableAdapter(try await makeHandler())
        }
    }
}
