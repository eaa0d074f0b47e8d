import JSON

/// KMS Encrypt and Decrypt (JSON 1.1, `TrentService.<Operation>`), for small secrets such as an eBay
/// refresh token stored in DynamoDB. The encryption context binds a ciphertext to its owner: decrypting
/// with another context fails. Blobs travel as base64 strings, as the JSON protocol writes them.
package struct KMS: Sendable {
    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    private struct EncryptInput: Encodable {
        var KeyId: String
        var Plaintext: String
        var EncryptionContext: [String: String]?
    }

    private struct EncryptOutput: Decodable {
        var CiphertextBlob: String
    }

    /// `plaintext` (at most 4 KB) encrypted under `keyId`.
    package func encrypt(
        _ plaintext: [UInt8],
        keyId: String,
        context: [String: String] = [:]
    ) async throws(AWSError) -> [UInt8] {
        let input = EncryptInput(
            KeyId: keyId,
            Plaintext: Base64.encode(plaintext),
            EncryptionContext: context.isEmpty ? nil : context
        )
        let output = try await self.client.json("Encrypt", input, as: EncryptOutput.self)
        return try Self.blob(output.CiphertextBlob, "CiphertextBlob", operation: "Encrypt")
    }

    private struct DecryptInput: Encodable {
        var CiphertextBlob: String
        var KeyId: String?
        var EncryptionContext: [String: String]?
    }

    private struct DecryptOutput: Decodable {
        var Plaintext: String
    }

    /// The plaintext of `ciphertext`; `context` must be the one it was encrypted with.
    package func decrypt(
        _ ciphertext: [UInt8],
        keyId: String? = nil,
        context: [String: String] = [:]
    ) async throws(AWSError) -> [UInt8] {
        let input = DecryptInput(
            CiphertextBlob: Base64.encode(ciphertext),
            KeyId: keyId,
            EncryptionContext: context.isEmpty ? nil : context
        )
        let output = try await self.client.json("Decrypt", input, as: DecryptOutput.self)
        return try Self.blob(output.Plaintext, "Plaintext", operation: "Decrypt")
    }

    private static func blob(_ text: String, _ field: String, operation: String) throws(AWSError) -> [UInt8] {
        guard let bytes = Base64.decode(text) else {
            throw .invalidResponse(.init(service: "kms", operation: operation), "\(field) is not base64")
        }
        return bytes
    }
}
