import GavelLocal
import Testing

@Suite struct LambdaEnvironmentTests {
    @Test func setsWhatLambdaSetsAndPassesCredentialsAndEndpointsThrough() {
        var settings = FunctionSettings(name: "api")
        settings.memoryMB = 512
        settings.environment = ["TABLE": "from-template", "STAGE": "dev"]
        let environment = LambdaEnvironment.make(
            settings: settings,
            runtimeAPI: "127.0.0.1:9001",
            caller: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
                "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5000", "HOME": "/root", "TABLE": "from-caller",
            ],
            overrides: ["STAGE": "override"]
        )
        #expect(environment["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001")
        #expect(environment["AWS_LAMBDA_FUNCTION_NAME"] == "api")
        #expect(environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512")
        #expect(environment["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/api")
        #expect(environment["_HANDLER"] == "bootstrap")
        #expect(environment["AWS_REGION"] == "eu-west-1")
        #expect(environment["AWS_ACCESS_KEY_ID"] == "AKID")
        #expect(environment["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:5000")
        #expect(environment["TABLE"] == "from-template")  // only listed variables pass through
        #expect(environment["HOME"] == nil)
        #expect(environment["STAGE"] == "override")
    }
}
