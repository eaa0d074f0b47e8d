/// A Cognito user pool trigger event (version 1), in both directions: the api function decodes the
/// post-confirmation trigger, `gavel-local` encodes it for a user it signs up locally.
///
/// Cognito waits for the function and expects the event back (with `response` filled in for triggers that
/// have one; post-confirmation has none). A trigger that fails or takes over 5 s fails the confirmation, and
/// Cognito retries it up to three times, so the handler's write must be safe to repeat.
package struct CognitoTriggerEvent: Codable, Sendable, Equatable {
    package struct CallerContext: Codable, Sendable, Equatable {
        package var awsSdkVersion: String?
        package var clientId: String?

        package init(awsSdkVersion: String? = nil, clientId: String? = nil) {
            self.awsSdkVersion = awsSdkVersion
            self.clientId = clientId
        }
    }

    package struct Request: Codable, Sendable, Equatable {
        /// The user's attributes, every value a string (`"email_verified": "true"`).
        package var userAttributes: [String: String]

        package init(userAttributes: [String: String]) { self.userAttributes = userAttributes }
    }

    package var version: String
    package var region: String?
    package var userPoolId: String?
    package var userName: String?
    package var callerContext: CallerContext?
    /// `PostConfirmation_ConfirmSignUp` or `PostConfirmation_ConfirmForgotPassword` for this trigger.
    package var triggerSource: String
    package var request: Request

    package init(
        version: String = "1",
        region: String? = nil,
        userPoolId: String? = nil,
        userName: String? = nil,
        callerContext: CallerContext? = nil,
        triggerSource: String,
        request: Request
    ) {
        self.version = version
        self.region = region
        self.userPoolId = userPoolId
        self.userName = userName
        self.callerContext = callerContext
        self.triggerSource = triggerSource
        self.request = request
    }

    /// The trigger sent when a user confirms their sign-up.
    package static let confirmSignUp = "PostConfirmation_ConfirmSignUp"
}
