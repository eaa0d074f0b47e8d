/// An AWS access key, with the session token temporary credentials carry.
///
/// `description` never shows the secret or the token, so credentials can be logged by mistake safely.
package struct Credentials: Sendable, Equatable, CustomStringConvertible {
    package var accessKeyId: String
    package var secretAccessKey: String
    package var sessionToken: String?

    package init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    package var description: String {
        "Credentials(accessKeyId: \(self.accessKeyId), secretAccessKey: <redacted>\(self.sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }
}
