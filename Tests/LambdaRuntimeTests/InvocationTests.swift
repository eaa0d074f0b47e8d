import FoundationEssentials
import LambdaRuntime
import Testing

@Suite struct InvocationTests {
    @Test func readsEveryHeaderCaseInsensitively() throws {
        let invocation = try Invocation(
            lowercasedHeaders: [
                "lambda-runtime-aws-request-id": "req-1",
                "lambda-runtime-deadline-ms": "1700000000123",
                "lambda-runtime-invoked-function-arn": "arn:aws:lambda:eu-west-1:1:function:f",
                "lambda-runtime-trace-id": "Root=1-abc",
                "lambda-runtime-client-context": #"{"custom":{"k":"v"}}"#,
                "lambda-runtime-cognito-identity": #"{"cognitoIdentityId":"id"}"#,
            ],
            event: Data("{}".utf8)
        )
        #expect(invocation.requestId == "req-1")
        #expect(invocation.deadlineMs == 1_700_000_000_123)
        #expect(invocation.invokedFunctionArn == "arn:aws:lambda:eu-west-1:1:function:f")
        #expect(invocation.traceId == "Root=1-abc")
        #expect(invocation.clientContext == #"{"custom":{"k":"v"}}"#)
        #expect(invocation.cognitoIdentity == #"{"cognitoIdentityId":"id"}"#)
    }

    @Test func aMissingRequestIdIsMalformed() {
        #expect {
            try Invocation(lowercasedHeaders: ["lambda-runtime-deadline-ms": "1"], event: Data())
        } throws: { error in
            (error as? RuntimeError)?.isFatal == true && "\(error)".contains("Lambda-Runtime-Aws-Request-Id")
        }
    }

    @Test func aNonNumericDeadlineIsMalformed() {
        #expect {
            try Invocation(
                lowercasedHeaders: ["lambda-runtime-aws-request-id": "r", "lambda-runtime-deadline-ms": "soon"],
                event: Data()
            )
        } throws: { error in
            "\(error)".contains("Lambda-Runtime-Deadline-Ms")
        }
    }
}
