import FoundationEssentials
package import LambdaRuntime
import Logging

/// A `LambdaContext` for calling a handler in-process, as the runtime loop would.
package enum TestContext {
    /// A context whose deadline is `seconds` from now.
    package static func make(seconds: Double = 30, function: String = "test") -> LambdaContext {
        let deadline = Int64(Date().timeIntervalSince1970 * 1000 + seconds * 1000)
        return LambdaContext(
            invocation: Invocation(
                requestId: "test-\(UInt32.random(in: 0...UInt32.max))",
                deadlineMs: deadline,
                invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:\(function)",
                event: []
            ),
            function: FunctionEnvironment(environment: ["AWS_LAMBDA_FUNCTION_NAME": function]),
            logger: Logger(label: function)
        )
    }
}
