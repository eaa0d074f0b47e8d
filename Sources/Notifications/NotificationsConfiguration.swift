package import GavelCore

/// The notifications function's settings.
///
/// Environment:
/// - `USERS_TABLE` (string, required): recipients' addresses and preferences.
/// - `NOTIFICATIONS_SENT_TABLE` (string, required): the sent-notification ledger (key `notificationId`, TTL `expiresAt`).
/// - `DEAD_LETTER_QUEUE_URL` (string, required): where unusable messages go.
/// - `EMAIL_FROM` (string, required): the sender address (a Postmark sender signature or an SES identity).
/// - `EMAIL_PROVIDER` (`postmark` or `ses`, default `postmark`).
/// - `POSTMARK_TOKEN_SECRET_ID` (string, required for Postmark): the secret holding the server token.
/// - `POSTMARK_URL` (default `https://api.postmarkapp.com`), `POSTMARK_MESSAGE_STREAM` (default `outbound`).
/// - `TEMPLATES_DIR` (default `$LAMBDA_TASK_ROOT/templates/notifications`, the directory in the zip).
/// - `SES_CONFIGURATION_SET` (string, optional): the configuration set SES sends with, whose bounce and
///   complaint events reach the feedback queue.
/// - `EMAIL_FEEDBACK_QUEUE_ARN` (string, optional): records from this queue are SES reports, not notifications;
///   `EMAIL_FEEDBACK_DEAD_LETTER_QUEUE_URL` (required with it) is where unreadable reports go.
package struct NotificationsConfiguration: Sendable, Equatable {
    package enum Provider: String, Sendable { case postmark, ses }

    package var usersTable: String
    package var sentTable: String
    package var deadLetterQueueURL: String
    package var from: String
    package var provider: Provider
    package var postmarkTokenSecretId: String?
    package var postmarkURL: String
    package var postmarkMessageStream: String
    package var templatesDirectory: String
    package var sesConfigurationSet: String?
    package var feedbackQueueARN: String?
    package var feedbackDeadLetterQueueURL: String?

    /// - Throws: `ValidationError` naming the variable that is missing or wrong.
    package init(environment: [String: String]) throws(ValidationError) {
        self.usersTable = try environment.required("USERS_TABLE")
        self.sentTable = try environment.required("NOTIFICATIONS_SENT_TABLE")
        self.deadLetterQueueURL = try environment.required("DEAD_LETTER_QUEUE_URL")
        self.from = try environment.required("EMAIL_FROM")
        guard let provider = Provider(rawValue: environment["EMAIL_PROVIDER"] ?? "postmark") else {
            throw ValidationError(field: "EMAIL_PROVIDER", "must be postmark or ses")
        }
        self.provider = provider
        self.postmarkTokenSecretId = environment["POSTMARK_TOKEN_SECRET_ID"].flatMap { $0.isEmpty ? nil : $0 }
        if provider == .postmark, self.postmarkTokenSecretId == nil {
            throw ValidationError(field: "POSTMARK_TOKEN_SECRET_ID", "is required when EMAIL_PROVIDER is postmark")
        }
        self.postmarkURL = environment["POSTMARK_URL"] ?? "https://api.postmarkapp.com"
        self.postmarkMessageStream = environment["POSTMARK_MESSAGE_STREAM"] ?? "outbound"
        self.templatesDirectory =
            environment["TEMPLATES_DIR"] ?? (environment["LAMBDA_TASK_ROOT"] ?? "/var/task")
            + "/templates/notifications"
        self.sesConfigurationSet = environment["SES_CONFIGURATION_SET"].flatMap { $0.isEmpty ? nil : $0 }
        self.feedbackQueueARN = environment["EMAIL_FEEDBACK_QUEUE_ARN"].flatMap { $0.isEmpty ? nil : $0 }
        if self.feedbackQueueARN != nil {
            self.feedbackDeadLetterQueueURL = try environment.required("EMAIL_FEEDBACK_DEAD_LETTER_QUEUE_URL")
        }
    }
}
