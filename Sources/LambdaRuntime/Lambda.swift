import FoundationEssentials
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
    /// unreachable Runtime API ends the process with exit code 1; SIGTERM ends it with exit code 0.
    /// - Parameter environment: the process environment; `AWS_LAMBDA_RUNTIME_API` is required.
    package static func run(
        environment: [String: String],
        _ makeHandler: @escaping @Sendable () async throws -> any LambdaByteHandler
    ) -> Never {
        let function = FunctionEnvironment(environment: environment)
        let logger = Logger(label: function.functionName.isEmpty ? "lambda" : function.functionName)
        guard let endpoint = function.runtimeAPI else {
            logger.critical("\(RuntimeError.missingEnvironment("AWS_LAMBDA_RUNTIME_API"))")
            exit(1)
        }
        Termination.install()
        let ending = AsyncBridge.wait { () async -> RuntimeError? in
            let loop = RuntimeLoop(client: CurlRuntimeAPIClient(endpoint: endpoint), function: function, logger: logger)
            guard let handler = await loop.initialise(makeHandler) else { return nil }
            do throws(RuntimeError) {
                try await loop.run(handler: handler)
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

    /// Runs a typed handler: events are decoded from JSON and responses encoded as JSON.
    package static func run<Handler: LambdaHandler>(
        environment: [String: String],
        _ makeHandler: @escaping @Sendable () async throws -> Handler
    ) -> Never {
        self.run(environment: environment) { () async throws -> any LambdaByteHandler in
            CodableAdapter(try await makeHandler())
        }
    }
}
