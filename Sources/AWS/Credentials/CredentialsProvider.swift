/// Where a client gets its credentials for each attempt.
///
/// Contract: `credentials()` returns credentials valid for at least the next few minutes, refreshing as
/// needed, and is safe to call concurrently. A failure is an `AWSError` naming where it looked.
package protocol CredentialsProvider: Sendable {
    /// Credentials to sign the next attempt with.
    func credentials() async throws(AWSError) -> Credentials
}

/// Fixed credentials: the environment's (what Lambda sets), or a test's.
package struct StaticCredentials: CredentialsProvider {
    private let value: Credentials

    package init(_ value: Credentials) {
        self.value = value
    }

    package func credentials() async throws(AWSError) -> Credentials {
        self.value
    }
}
