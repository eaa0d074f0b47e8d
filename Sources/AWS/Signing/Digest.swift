import CCurl

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, which every bootstrap links for TLS anyway (DESIGN 3).
package enum Digest {
    /// The SHA-256 of `bytes`.
    package static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let done = Array(bytes).withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, nil, EVP_sha256(), nil)
            }
        }
        precondition(done == 1, "EVP_Digest(SHA-256) failed: libcrypto is unusable")
        return output
    }

    /// HMAC-SHA256 of `data` under `key`.
    package static func hmacSHA256(key: [UInt8], _ data: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let result = key.withUnsafeBytes { keyBytes in
            Array(data).withUnsafeBytes { input in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), input.baseAddress, input.count, out.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC(SHA-256) failed: libcrypto is unusable")
        return output
    }

    /// Lower-case hexadecimal, as SigV4 writes hashes and signatures.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The hex SHA-256 of an empty payload, which SigV4 uses for every body-less request.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
