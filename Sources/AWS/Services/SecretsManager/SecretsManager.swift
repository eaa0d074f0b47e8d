import JSON
import Synchronization

/// Secrets Manager's GetSecretValue with an in-process cache, so a warm function reads each secret once
/// per `cacheTTL` instead of once per invocation (a call costs latency and $0.05 per 10,000).
package final class SecretsManager: Sendable {
    /// A secret's value: its string, or its binary form.
    package struct Secret: Sendable, Equatable {
        package var string: String?
        package var binary: [UInt8]?
        package var versionId: String?
    }

    /// How long a fetched secret is served from memory: 5 minutes unless configured.
    package let cacheTTL: Int64
    package let client: AWSClient
    private let cache = Mutex<[String: (secret: Secret, fetchedAt: Int64)]>([:])

    package init(client: AWSClient, cacheTTL: Duration = .seconds(300)) {
        self.client = client
        self.cacheTTL = cacheTTL.components.seconds
    }

    private struct Input: Encodable {
        var SecretId: String
    }

    private struct Output: Decodable {
        var SecretString: String?
        var SecretBinary: String?  // base64
        var VersionId: String?
    }

    /// The current value of the secret named or ARN'd `id`, from the cache when fresh.
    package func secret(_ id: String) async throws(AWSError) -> Secret {
        let now = self.client.environment.unixTime()
        if let cached = self.cache.withLock({ $0[id] }), now - cached.fetchedAt < self.cacheTTL {
            return cached.secret
        }
        let output = try await self.client.json("GetSecretValue", Input(SecretId: id), as: Output.self)
        let secret = Secret(
            string: output.SecretString,
            binary: output.SecretBinary.flatMap(Base64.decode),
            versionId: output.VersionId
        )
        self.cache.withLock { $0[id] = (secret, now) }
        return secret
    }

    /// Forgets the cached value of `id`, e.g. after the credentials it held were refused.
    package func invalidate(_ id: String) {
        _ = self.cache.withLock { $0.removeValue(forKey: id) }
    }
}
