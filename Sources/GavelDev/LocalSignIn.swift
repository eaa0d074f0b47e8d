import AWS
import FoundationEssentials
import GavelLocal

/// Signs a user in to the local user pool (creating the user when new), as the web front end would through
/// Cognito: the ID token it returns is what the local API gateway's JWT authorizer accepts.
package struct LocalSignIn: Sendable {
    package let stack: LocalStack
    private let aws: AWSClients
    private let cognito: AWSClient

    package init(stack: LocalStack) throws {
        self.stack = stack
        self.aws = try AWSClients.local(endpoint: stack.endpoint)
        self.cognito = self.aws.client(.cognitoIdentityProvider)
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
        try await self.createIfNew(email: email)
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
        try await self.createIfNew(email: email)
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

    /// A helper of its own: a typed catch followed by more work in one async function crashes Swift 6.3.1.
    private func createIfNew(email: String) async throws(AWSError) {
        do throws(AWSError) {
            let attributes = [Attribute(Name: "email", Value: email), Attribute(Name: "email_verified", Value: "true")]
            let _: AWSJSON.NoOutput = try await self.cognito.json(
                "AdminCreateUser",
                CreateUser(UserPoolId: self.stack.userPool.id, Username: email, UserAttributes: attributes)
            )
        } catch  where error.context.code == "UsernameExistsException" {
            return  // known already
        }
    }
}
