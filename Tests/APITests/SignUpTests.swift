import API
import APIGatewayEvents
import AWS
import CognitoEvents
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Testing

/// Users rows from sign-up on (the post-confirmation trigger), and only verified addresses stored.
@Suite struct SignUpTests {
    static func trigger(sub: String, email: String, verified: Bool) throws -> [UInt8] {
        Array(
            try JSONEncoder().encode(
                CognitoTriggerEvent(
                    region: "us-east-1",
                    userPoolId: "us-east-1_pool",
                    userName: sub,
                    callerContext: .init(awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "client"),
                    triggerSource: CognitoTriggerEvent.confirmSignUp,
                    request: .init(userAttributes: [
                        "sub": sub, "email": email, "email_verified": verified ? "true" : "false",
                        "cognito:user_status": "CONFIRMED",
                    ])
                )
            )
        )
    }

    @Test func aConfirmedSignUpGetsAUsersRowWithItsVerifiedAddressAndTheEventBack() async throws {
        let api = try await StorefrontAPI.make()
        let function = APIFunction(api.handler)
        let users = UserStore(dynamo: try api.fixture.dynamo(), table: api.fixture.usersTable)
        let context = TestContext.make(function: "api")
        let event = try Self.trigger(sub: "u-new", email: "new@example.com", verified: true)
        let answer = try await function.serve(event, context: context)
        #expect(answer == event, "Cognito expects its event back")
        #expect(try await users.profile("u-new")?.email == "new@example.com")
        // Cognito retries a trigger that timed out: the second delivery changes nothing.
        _ = try await function.serve(event, context: context)
        #expect(try await users.profile("u-new")?.email == "new@example.com")

        let unverified = try Self.trigger(sub: "u-unverified", email: "maybe@example.com", verified: false)
        _ = try await function.serve(unverified, context: context)
        let row = try await users.profile("u-unverified")
        #expect(row != nil && row?.email == nil, "a row, but no address that Cognito did not verify")

        await #expect(throws: RuntimeError.self) {
            _ = try await function.serve(Array(#"{"hello":"world"}"#.utf8), context: context)
        }
    }

    @Test func theSameFunctionStillAnswersHTTPRequests() async throws {
        let api = try await StorefrontAPI.make()
        let request = APIGatewayRequest(method: "GET", path: "/health", claims: nil)
        let answer = try await APIFunction(api.handler).serve(
            Array(try JSONEncoder().encode(request)),
            context: TestContext.make(function: "api")
        )
        let response = try JSONDecoder().decode(APIGatewayResponse.self, from: Data(answer))
        #expect(response.statusCode == 200 && response.body.contains("ok"))
    }

    @Test func anUnverifiedAddressInTheTokenIsNeverStoredOrShown() async throws {
        let api = try await StorefrontAPI.make()
        var request = APIGatewayRequest(
            method: "PUT",
            path: "/me",
            body: #"{"name":"Eve"}"#,
            claims: ["sub": "u-eve", "email": "victim@example.com", "email_verified": "false"]
        )
        request.headers = ["content-type": "application/json"]
        let response = try await api.handler.handle(request, context: TestContext.make(function: "api"))
        #expect(response.statusCode == 200, "\(response.body)")
        #expect(!response.body.contains("victim@example.com"))
        let users = UserStore(dynamo: try api.fixture.dynamo(), table: api.fixture.usersTable)
        #expect(try await users.profile("u-eve")?.email == nil)
    }
}
