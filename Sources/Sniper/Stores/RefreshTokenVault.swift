package import AWS

/// Seals and opens users' eBay refresh tokens with the stack's KMS key.
///
/// Each ciphertext is bound to its user by the KMS encryption context `{"userId": <sub>}`: a ciphertext
/// copied to another user's row does not decrypt.
package struct RefreshTokenVault: Sendable {
    private let kms: KMS
    /// The key new tokens are sealed with; opening needs none (the ciphertext names its key).
    private let keyId: String?

    package init(kms: KMS, keyId: String?) {
        self.kms = kms
        self.keyId = keyId
    }

    /// The token encrypted for `userId`.
    package func seal(_ refreshToken: String, for userId: String) async throws -> [UInt8] {
        guard let keyId = self.keyId else { throw MissingKey() }
        return try await self.kms.encrypt(Array(refreshToken.utf8), keyId: keyId, context: Self.context(userId))
    }

    /// The token sealed for `userId`.
    package func open(_ ciphertext: [UInt8], for userId: String) async throws -> String {
        String(decoding: try await self.kms.decrypt(ciphertext, context: Self.context(userId)), as: UTF8.self)
    }

    private static func context(_ userId: String) -> [String: String] { ["userId": userId] }

    private struct MissingKey: Error, CustomStringConvertible {
        var description: String { "no KMS key is configured to seal refresh tokens with (KMS_KEY_ID)" }
    }
}
