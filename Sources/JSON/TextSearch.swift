/// Substring search and replacement on UTF-8 bytes. The standard library's `firstRange(of:)`,
/// `contains(_:)` with a string and `replacing(_:with:)` live in _StringProcessing, which drags the regex
/// engine (1.2 MB) into every bootstrap that calls one; these do the same for the literal markers Gavel
/// looks for (`://`, `<Code>`, `Sampled=1`), byte for byte, without Unicode canonical equivalence.
extension StringProtocol {
    /// The first range where `text` occurs; nil when it does not (or is empty).
    package func firstRange(ofText text: some StringProtocol) -> Range<Index>? {
        let needle = Array(text.utf8)
        guard let first = needle.first else { return nil }
        let bytes = self.utf8
        var start = bytes.startIndex
        while let candidate = bytes[start...].firstIndex(of: first) {
            var end = candidate
            var matched = 0
            while matched < needle.count, end < bytes.endIndex, bytes[end] == needle[matched] {
                bytes.formIndex(after: &end)
                matched += 1
            }
            if matched == needle.count { return candidate..<end }
            start = bytes.index(after: candidate)
        }
        return nil
    }

    /// Whether `text` occurs in this string.
    package func contains(text: some StringProtocol) -> Bool {
        self.firstRange(ofText: text) != nil
    }

    /// This string with every occurrence of `text` replaced by `replacement`, left to right.
    package func replacing(text: some StringProtocol, with replacement: some StringProtocol) -> String {
        var result = ""
        var rest = self[...]
        while let found = rest.firstRange(ofText: text) {
            result += rest[..<found.lowerBound]
            result += replacement
            rest = rest[found.upperBound...]
        }
        result += rest
        return result
    }
}
