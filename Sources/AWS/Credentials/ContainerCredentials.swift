import JSON
import Synchronization

/// Credentials from a container credentials endpoint (Lambda SnapStart, ECS, EKS Pod Identity), cached and
/// fetched again five minutes before they expire.
///
/// Environment (read by `init`):
/// - `AWS_CONTAINER_CREDENTIALS_FULL_URI`: the endpoint, e.g. `http://127.0.0.1:9001/2021-11-01/credentials`.
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: a path on `http://169.254.170.2` (ECS); used when no full URI.
/// - `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`: a file holding the `Authorization` header value; read on every
///   fetch because the agent rotates it. Beats `AWS_CONTAINER_AUTHORIZATION_TOKEN`, the value itself.
///
/// As the AWS SDKs do, a full URI must be https or plain http to a host that cannot be someone else's: a
/// loopback address, ECS's 169.254.170.2, or EKS Pod Identity's 169.254.170.23 and fd00:ec2::23. Anything
/// else is refused before a request (the token would go in clear text to whoever answers).
package final class ContainerCredentials: CredentialsProvider {
    /// The variables this provider looks at, for the missing-credentials error.
    package static let variables = [
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ]
    /// Credentials are fetched again when fewer than this many seconds of validity remain.
    package static let refreshMargin: Int64 = 300

    private let url: String
    private let token: String?
    private let tokenFile: String?
    private let transport: any HTTPTransport
    private let unixTime: @Sendable () -> Int64
    private let cached = Mutex<(credentials: Credentials, expiresAt: Int64)?>(nil)

    /// Nil when neither URI variable is set.
    package init?(
        environment: [String: String],
        transport: any HTTPTransport,
        unixTime: @escaping @Sendable () -> Int64 = AWSClient.Environment.live.unixTime
    ) {
        if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            self.url = full
        } else if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            self.url = "http://169.254.170.2" + relative
        } else {
            return nil
        }
        self.token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        self.transport = transport
        self.unixTime = unixTime
    }

    package func credentials() async throws(AWSError) -> Credentials {
        let now = self.unixTime()
        if let cached = self.cached.withLock({ $0 }), cached.expiresAt - now > Self.refreshMargin {
            return cached.credentials
        }
        // Two concurrent callers may both fetch near expiry; both answers are valid, and the later one is kept.
        let fetched = try await self.fetch()
        self.cached.withLock { $0 = fetched }
        return fetched.credentials
    }

    private struct Answer: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    /// Whether the SDKs' rules let credentials (and the token) be fetched from `url`.
    package static func isAllowedEndpoint(_ url: String) -> Bool {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return true }
        guard lowered.hasPrefix("http://") else { return false }
        var authority = lowered.dropFirst(7).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.dropFirst().prefix { $0 != "]" }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        if ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(String(host)) {
            return true
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private func fetch() async throws(AWSError) -> (credentials: Credentials, expiresAt: Int64) {
        let context = AWSError.Context(service: "credentials", operation: "container")
        guard Self.isAllowedEndpoint(self.url) else {
            throw .credentials(
                context,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI \(self.url) must be https, or http to a loopback address or to ECS's or EKS's link-local address"
            )
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let authorization = try self.authorization(context) { headers.append(("Authorization", authorization)) }
        let response: TransportResponse
        do throws(TransportError) {
            response = try await self.transport.send(
                TransportRequest(method: "GET", url: self.url, headers: headers, timeout: .seconds(2))
            )
        } catch {
            throw .credentials(context, "the container credentials endpoint \(self.url) did not answer: \(error)")
        }
        guard response.status == 200 else {
            throw .credentials(
                context,
                "the container credentials endpoint \(self.url) answered HTTP \(response.status)"
            )
        }
        guard let answer = try? JSONCoder.decode(Answer.self, from: response.body) else {
            throw .credentials(
                context,
                "the container credentials endpoint \(self.url) sent no AccessKeyId/SecretAccessKey"
            )
        }
        // No expiration means long-lived credentials; check again in an hour anyway.
        let expiresAt =
            answer.Expiration.flatMap(ISO8601.unixMs).map { $0 / 1000 }
            ?? self.unixTime() + 3600
        let credentials = Credentials(
            accessKeyId: answer.AccessKeyId,
            secretAccessKey: answer.SecretAccessKey,
            sessionToken: answer.Token
        )
        return (credentials, expiresAt)
    }

    private func authorization(_ context: AWSError.Context) throws(AWSError) -> String? {
        guard let tokenFile = self.tokenFile else { return self.token }
        guard let data = LocalFile.contents(atPath: tokenFile) else {
            throw .credentials(context, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile) cannot be read")
        }
        var token = String(decoding: data, as: UTF8.self)
        while token.last?.isWhitespace == true { token.removeLast() }
        return token
    }
}
