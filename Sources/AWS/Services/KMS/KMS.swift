package import FoundationEssentials

/// KMS Encrypt and Decrypt (JSON 1.1, `TrentService.<Operation>`), for small secrets such as an eBay
/// refresh token stored in DynamoDB. The encryption context binds a ciphertext to its owner: decrypting
/// with another context fails.
package struct KMS: Sendable {
    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    private struct EncryptInput: Encodable {
        var KeyId: String
        var Plaintext: Data
        var EncryptionContext: [String: String]?
    }

    private struct EncryptOutput: Decodable {
        var CiphertextBlob: Data
    }

    /// `plaintext` (at most 4 KB) encrypted under `keyId`.
    package func encrypt(
        _ plaintext: Data,
        keyId: String,
        context: [String: String] = [:]
    ) async throws(AWSError) -> Data {
        let input = EncryptInput(KeyId: keyId, Plaintext: plaintext, EncryptionContext: context.isEmpty ? nil : context)
        return try await self.client.json("Encrypt", input, as: EncryptOutput.self).CiphertextBlob
    }

    private struct DecryptInput: Encodable {
        var CiphertextBlob: Data
        var KeyId: String?
        var EncryptionContext: [String: String]?
    }

    private struct DecryptOutput: Decodable {
        var Plaintext: Data
    }

    /// The plaintext of `ciphertext`; `context` must be the one it was encrypted with.
    package func decrypt(
        _ ciphertext: Data,
        keyId: String? = nil,
        context: [String: String] = [:]
    ) async throws(AWSError) -> Data {
        let input = DecryptInput(
            CiphertextBlob: ciphertext,
            KeyId: keyId,
            EncryptionContext: context.isEmpty ? nil : context
        )
        return try await self.client.json("Decrypt", input, as: DecryptOutput.self).Plaintext
    }
}
