/// Base64 (RFC 4648 §4, with padding): how JSON carries bytes (DynamoDB's B, KMS blobs, an S3 POST policy, a
/// streamed response's error trailer). Foundation's `Data` is not linked into a bootstrap.
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's value in the alphabet, 0xFF for a byte outside it.
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in Self.alphabet.enumerated() { values[Int(byte)] = UInt8(index) }
        return values
    }()

    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                output.append(
                    position <= count
                        ? Self.alphabet[Int(group >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "=")
                )
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of padded base64 text; nil for any other text (a length not a multiple of 4, a byte outside
    /// the alphabet, padding anywhere but the end), as `Data(base64Encoded:)` refuses it. Like it, bits left
    /// over after the last byte are ignored.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let last = index + 4 == input.count
            var padding = 0
            if last, input[index + 3] == UInt8(ascii: "=") { padding = input[index + 2] == UInt8(ascii: "=") ? 2 : 1 }
            var group: UInt32 = 0
            for position in 0..<4 {
                let value: UInt8 = position >= 4 - padding ? 0 : Self.values[Int(input[index + position])]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: group)) }
            index += 4
        }
        return output
    }
}
