import LambdaRuntime
import Testing

@Suite struct FunctionEnvironmentTests {
    @Test func readsLambdasVariables() {
        let function = FunctionEnvironment(environment: [
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_LAMBDA_FUNCTION_NAME": "api",
            "AWS_LAMBDA_FUNCTION_VERSION": "7", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/api", "AWS_LAMBDA_LOG_STREAM_NAME": "s",
            "AWS_REGION": "eu-west-1",
        ])
        #expect(function.runtimeAPI == "127.0.0.1:9001")
        #expect(function.functionName == "api")
        #expect(function.functionVersion == "7")
        #expect(function.memoryLimitMB == 512)
        #expect(function.logGroupName == "/aws/lambda/api")
        #expect(function.region == "eu-west-1")
    }

    @Test func defaultsApplyWhenVariablesAreAbsent() {
        let function = FunctionEnvironment(environment: [:])
        #expect(function.runtimeAPI == nil)
        #expect(function.functionVersion == "$LATEST")
        #expect(function.memoryLimitMB == 128)
    }
}
