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
                "lambda-runtime-invocation-id": "attempt-1",
                "lambda-runtime-aws-tenant-id": "tenant-blue",
            ],
            event: Array("{}".utf8)
        )
        #expect(invocation.requestId == "req-1")
        #expect(invocation.deadlineMs == 1_700_000_000_123)
        #expect(invocation.invokedFunctionArn == "arn:aws:lambda:eu-west-1:1:function:f")
        #expect(invocation.traceId == "Root=1-abc")
        #expect(invocation.clientContext == #"{"custom":{"k":"v"}}"#)
        #expect(invocation.cognitoIdentity == #"{"cognitoIdentityId":"id"}"#)
        #expect(invocation.invocationId == "attempt-1" && invocation.tenantId == "tenant-blue")
        #expect(invocation.defects.isEmpty)
    }

    @Test func absentOptionalHeadersStayAbsent() throws {
        let invocation = try Invocation(
            lowercasedHeaders: ["lambda-runtime-aws-request-id": "r", "lambda-runtime-deadline-ms": "1"],
            event: []
        )
        #expect(invocation.invocationId == nil && invocation.tenantId == nil && invocation.traceId == nil)
        #expect(invocation.defects.isEmpty)
    }

    @Test func aMissingRequestIdIsMalformed() {
        #expect {
            try Invocation(lowercasedHeaders: ["lambda-runtime-deadline-ms": "1"], event: [])
        } throws: { error in
            (error as? RuntimeError)?.isFatal == true && "\(error)".contains("Lambda-Runtime-Aws-Request-Id")
        }
    }

    /// Never a crash for a header Lambda should have sent well: a sensible default, said as a defect.
    @Test func anUnreadableDeadlineOrIdIsReplacedAndSaid() throws {
        let before = WallClock.nowMs()
        let invocation = try Invocation(
            lowercasedHeaders: [
                "lambda-runtime-aws-request-id": "r", "lambda-runtime-deadline-ms": "soon",
                "lambda-runtime-invocation-id": "two words", "lambda-runtime-aws-tenant-id": "t\u{7}",
            ],
            event: []
        )
        #expect(invocation.deadlineMs >= before + Invocation.defaultTimeoutMs)
        #expect(invocation.invocationId == nil && invocation.tenantId == nil)
        #expect(invocation.defects.count == 3)
        #expect(invocation.defects.first?.contains("Lambda-Runtime-Deadline-Ms") == true)
    }

    @Test func aRequestIdThatCannotNameAPathIsMalformed() {
        #expect(throws: RuntimeError.self) {
            try Invocation(
                lowercasedHeaders: ["lambda-runtime-aws-request-id": "../x", "lambda-runtime-deadline-ms": "1"],
                event: []
            )
        }
    }
}
