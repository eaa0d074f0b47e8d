import CCurl

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, which every bootstrap links for TLS anyway (DESIGN 3).
///
/// The low-level `SHA256_*` calls are used, not EVP: EVP looks its algorithm up in a provider on every call,
/// which made a SigV4 signature cost 71 µs. HMAC is built here on SHA-256 (RFC 2104) for the same reason.
package enum Digest {
    /// The SHA-256 of `bytes`.
    package static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        self.update(&context, bytes)
        return self.finish(&context)
    }

    /// HMAC-SHA256 of `data` under `key` (RFC 2104).
    package static func hmacSHA256(key: [UInt8], _ data: some Collection<UInt8>) -> [UInt8] {
        HMACKey(key).authenticate(data)
    }

    /// The hex SHA-256 of `bytes`, the digest never leaving the stack.
    package static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        self.update(&context, bytes)
        return self.finish(&context) { self.hex($0) }
    }

    /// Appends the hex SHA-256 of `bytes` to `output`, with no string in between (the canonical request's
    /// hash goes straight into the string to sign).
    package static func appendSHA256Hex(of bytes: some Collection<UInt8>, to output: inout [UInt8]) {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        self.update(&context, bytes)
        self.finish(&context) { digest in
            for byte in digest {
                output.append(self.hexDigits.utf8Start[Int(byte >> 4)])
                output.append(self.hexDigits.utf8Start[Int(byte & 0x0F)])
            }
        }
    }

    /// Lower-case hexadecimal, as SigV4 writes hashes and signatures.
    package static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { self.hex($0) }
    }

    static func hex(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = self.hexDigits.utf8Start[Int(byte >> 4)]
                buffer[2 * index + 1] = self.hexDigits.utf8Start[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// A static table, for `hex` and `appendSHA256Hex`: an array of the digits would be allocated on every
    /// call (three per signature).
    private static let hexDigits: StaticString = "0123456789abcdef"

    /// The hex SHA-256 of an empty payload, which SigV4 uses for every body-less request.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    fileprivate static func update(_ context: inout SHA256_CTX, _ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            _ = SHA256_Update(&context, buffer.baseAddress, buffer.count)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        }
    }

    fileprivate static func finish(_ context: inout SHA256_CTX) -> [UInt8] {
        self.finish(&context) { Array($0) }
    }

    /// Hands the digest to `body` in a stack buffer: a signature makes four digests, and an array for each
    /// was a tenth of its cost.
    fileprivate static func finish<Result>(
        _ context: inout SHA256_CTX,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            _ = SHA256_Final(buffer.baseAddress, &context)
            return body(UnsafeBufferPointer(buffer))
        }
    }
}

/// An HMAC-SHA256 key with its padded inner and outer hash states computed once, so each use hashes only
/// the message: the signing key of a day is used for every request of that day.
package struct HMACKey: @unchecked Sendable {
    // SHA256_CTX is plain C data, copied by value on every use: no reference is shared.
    private let inner: SHA256_CTX
    private let outer: SHA256_CTX

    package init(_ key: [UInt8]) {
        var block = key.count > 64 ? Digest.sha256(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256_CTX()
        SHA256_Init(&inner)
        Digest.update(&inner, block.map { $0 ^ 0x36 })
        var outer = SHA256_CTX()
        SHA256_Init(&outer)
        Digest.update(&outer, block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// The HMAC of `data`.
    package func authenticate(_ data: some Collection<UInt8>) -> [UInt8] {
        self.authenticate(data) { Array($0) }
    }

    /// The HMAC of `data` in lower-case hex, as a signature is written.
    package func authenticateHex(_ data: some Collection<UInt8>) -> String {
        self.authenticate(data) { Digest.hex($0) }
    }

    private func authenticate<Result>(
        _ data: some Collection<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        var inner = self.inner
        Digest.update(&inner, data)
        var outer = self.outer
        Digest.finish(&inner) { _ = SHA256_Update(&outer, $0.baseAddress, $0.count) }
        return Digest.finish(&outer, body)
    }
}
