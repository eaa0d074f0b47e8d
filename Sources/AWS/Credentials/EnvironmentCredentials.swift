/// Credentials from the variables Lambda sets for the function's role.
package enum EnvironmentCredentials {
    /// The variables looked at, in the message of a missing-credentials error.
    package static let variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when set, `AWS_SESSION_TOKEN`; nil when the key pair
    /// is not both set (the container provider is tried next).
    package static func read(_ environment: [String: String]) -> Credentials? {
        guard let accessKeyId = environment["AWS_ACCESS_KEY_ID"], !accessKeyId.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token)
    }
}
