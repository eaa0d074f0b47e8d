package import AWS
import CognitoEvents
package import FoundationEssentials
import GavelLocal

/// Signs a user in to the local user pool (creating the user when new), as the web front end would through
/// Cognito: the ID token it returns is what the local API gateway's JWT authorizer accepts.
///
/// moto runs no triggers, so a new user's confirmation calls the template's post-confirmation function
/// through `confirm` (the running backend's invoke, or its console), as Cognito would: the user then has a
/// Users row from sign-up on, locally too.
package struct LocalSignIn: Sendable {
    /// Invokes `function` with `event` and waits for it.
    package typealias Invoke = @Sendable (_ function: String, _ event: Data) async throws -> Void

    package let stack: LocalStack
    private let aws: AWSClients
    private let cognito: AWSClient
    /// In a box: a bare optional async closure property here crashed Swift 6.3.1 on destroying the value.
    private struct Confirmation: Sendable { var invoke: Invoke }
    private let confirm: Confirmation?

    package init(stack: LocalStack, confirm: Invoke? = nil) throws {
        // Every throwing step before the first stored property: Swift 6.3.1 crashes destroying a partly
        // initialised value of this struct when a later `try` throws.
        let aws = try AWSClients.local(endpoint: stack.endpoint)
        self.stack = stack
        self.aws = aws
        self.cognito = aws.client(.cognitoIdentityProvider)
        self.confirm = confirm.map(Confirmation.init)
    }

    /// `confirm` through a running `gavel-local dev`'s console (`POST /functions/<name>/invoke`).
    package static func console(url: String, token: String, transport: any HTTPTransport) -> Invoke {
        { function, event in
            let response = try await transport.send(
                TransportRequest(
                    method: "POST",
                    url: url + "/functions/\(function)/invoke",
                    headers: [("content-type", "application/json"), (Console.tokenHeader, token)],
                    body: Array(event),
                    timeout: .seconds(30)
                )
            )
            guard response.status == 200 else {
                throw LocalError.dev(
                    "the post-confirmation trigger (\(function)) answered \(response.status): "
                        + String(decoding: response.body, as: UTF8.self)
                )
            }
        }
    }

    /// The local password every user gets (the pool's policy: 12+ characters, all four classes).
    package var password: String { self.stack.demo?.password ?? "Gavel-local-demo-1!" }

    /// `name@gavel.example` for a bare name; an address as it is.
    package static func email(for user: String) -> String {
        user.contains("@") ? user : "\(user)@gavel.example"
    }

    private struct Attribute: Codable {
        var Name: String
        var Value: String
    }
    private struct CreateUser: Encodable {
        var UserPoolId: String
        var Username: String
        var MessageAction = "SUPPRESS"
        var UserAttributes: [Attribute]
    }
    private struct SetPassword: Encodable {
        var UserPoolId: String
        var Username: String
        var Password: String
        var Permanent = true
    }
    private struct InitiateAuth: Encodable {
        var UserPoolId: String
        var ClientId: String
        var AuthFlow = "ADMIN_USER_PASSWORD_AUTH"
        var AuthParameters: [String: String]
    }
    private struct AuthOutput: Decodable {
        struct Result: Decodable { var IdToken: String }
        var AuthenticationResult: Result?
    }

    /// An ID token for `user`, created in the pool first when it is not there, and a member of `groups`
    /// (the pool's `customer`, `vendor`, `admin`) from now on.
    package func idToken(user: String, groups: [String] = []) async throws -> String {
        let email = Self.email(for: user)
        let pool = self.stack.userPool
        if try await self.createIfNew(email: email) { try await self.confirmSignUp(email: email) }
        struct AddToGroup: Encodable {
            var UserPoolId: String
            var Username: String
            var GroupName: String
        }
        for group in groups {
            let _: AWSJSON.NoOutput = try await self.cognito.json(
                "AdminAddUserToGroup",
                AddToGroup(UserPoolId: pool.id, Username: email, GroupName: group)
            )
        }
        let _: AWSJSON.NoOutput = try await self.cognito.json(
            "AdminSetUserPassword",
            SetPassword(UserPoolId: pool.id, Username: email, Password: self.password)
        )
        let output: AuthOutput = try await self.cognito.json(
            "AdminInitiateAuth",
            InitiateAuth(
                UserPoolId: pool.id,
                ClientId: pool.clientId,
                AuthParameters: ["USERNAME": email, "PASSWORD": self.password]
            )
        )
        guard let token = output.AuthenticationResult?.IdToken else {
            throw LocalError.dev("the local user pool asked \(email) for a challenge instead of signing in")
        }
        return token
    }

    /// The `sub` of `user`, created in the pool first when it is not there, with the local password.
    package func userId(user: String) async throws -> String {
        let email = Self.email(for: user)
        if try await self.createIfNew(email: email) { try await self.confirmSignUp(email: email) }
        let _: AWSJSON.NoOutput = try await self.cognito.json(
            "AdminSetUserPassword",
            SetPassword(UserPoolId: self.stack.userPool.id, Username: email, Password: self.password)
        )
        struct GetUser: Encodable {
            var UserPoolId: String
            var Username: String
        }
        struct User: Decodable { var UserAttributes: [Attribute] }
        let user: User = try await self.cognito.json(
            "AdminGetUser",
            GetUser(UserPoolId: self.stack.userPool.id, Username: email)
        )
        guard let sub = user.UserAttributes.first(where: { $0.Name == "sub" })?.Value else {
            throw LocalError.dev("the local user pool gave \(email) no sub")
        }
        return sub
    }

    /// A client of `service` on the stack's endpoint.
    func client(_ service: Service) -> AWSClient { self.aws.client(service) }

    /// Calls the post-confirmation function, when there is one and a way to invoke it, with the event
    /// Cognito would send for this user.
    private func confirmSignUp(email: String) async throws {
        guard let confirm = self.confirm, let function = self.stack.postConfirmationFunction else { return }
        struct GetUser: Encodable {
            var UserPoolId: String
            var Username: String
        }
        struct User: Decodable {
            var Username: String
            var UserAttributes: [Attribute]
        }
        let user: User = try await self.cognito.json(
            "AdminGetUser",
            GetUser(UserPoolId: self.stack.userPool.id, Username: email)
        )
        var attributes = Dictionary(user.UserAttributes.map { ($0.Name, $0.Value) }) { $1 }
        attributes["cognito:user_status"] = "CONFIRMED"
        let event = CognitoTriggerEvent(
            region: self.stack.region,
            userPoolId: self.stack.userPool.id,
            userName: user.Username,
            callerContext: .init(awsSdkVersion: "gavel-local", clientId: self.stack.userPool.clientId),
            triggerSource: CognitoTriggerEvent.confirmSignUp,
            request: .init(userAttributes: attributes)
        )
        try await confirm.invoke(function, try JSONEncoder().encode(event))
    }

    /// True when the user was created now, false when it existed.
    /// (A helper of its own: a typed catch followed by more work in one async function crashes Swift 6.3.1.)
    private func createIfNew(email: String) async throws(AWSError) -> Bool {
        do throws(AWSError) {
            let attributes = [Attribute(Name: "email", Value: email), Attribute(Name: "email_verified", Value: "true")]
            let _: AWSJSON.NoOutput = try await self.cognito.json(
                "AdminCreateUser",
                CreateUser(UserPoolId: self.stack.userPool.id, Username: email, UserAttributes: attributes)
            )
            return true
        } catch  where error.context.code == "UsernameExistsException" {
            return false  // known already
        }
    }
}
