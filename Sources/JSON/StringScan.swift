/// The scan both directions of JSON make over a string's bytes: how far they run before a byte that needs
/// escaping (a quote, a backslash, a control character), and whether they are all ASCII.
///
/// Eight bytes at a time, with the word tests of "Bit Twiddling Hacks" (`haszero`, `hasless`), which are
/// exact as a yes or no for a whole word. Strings are most of the bytes of a DynamoDB item; a byte at a time
/// through an array's bounds checks, the scan was a fifth of reading an item.
enum StringScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first quote, backslash or control character in `bytes` at or after `start` (or the
    /// end), and whether every byte before it is ASCII.
    static func plainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, ascii: Bool) {
        var index = start
        var seen: UInt64 = 0
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if Self.hasZero(word ^ (Self.ones &* 0x22)) || Self.hasZero(word ^ (Self.ones &* 0x5C))
                    || Self.hasLess(word, 0x20)
                {
                    break
                }
                seen |= word
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            seen |= UInt64(byte)
            index += 1
        }
        return (index, seen & Self.highs == 0)
    }

    /// Whether some byte of `word` is zero.
    private static func hasZero(_ word: UInt64) -> Bool {
        (word &- Self.ones) & ~word & Self.highs != 0
    }

    /// Whether some byte of `word` is below `limit` (at most 128).
    private static func hasLess(_ word: UInt64, _ limit: UInt64) -> Bool {
        (word &- Self.ones &* limit) & ~word & Self.highs != 0
    }
}
