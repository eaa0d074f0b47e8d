/// A strict reader of one JSON text (RFC 8259) straight from its bytes, value by value, with no tree and no
/// `Codable` dispatch in between: what reading DynamoDB items costs most of all (a `JSONDecoder` builds a map
/// of every object, then `AttributeValue`'s keyed container walks it again).
///
/// Whatever the reader skips it still checks, so a text it accepts is valid JSON throughout. Errors name the
/// byte offset and what was found there.
package struct JSONReader {
    /// Why a text is not the JSON asked for, and where.
    package struct Failure: Error, CustomStringConvertible {
        /// The byte offset of the problem.
        package var offset: Int
        package var reason: String

        package init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        package var description: String { "at byte \(self.offset): \(self.reason)" }
    }

    /// Deeper than any reply we read: DynamoDB nests 32 levels at most, twice over in its JSON. It keeps a
    /// hostile reply from exhausting the stack.
    private static let maxDepth = 256

    private let bytes: [UInt8]
    /// Where the reader is: the byte after the last value read.
    package private(set) var offset = 0
    private var depth = 0

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A reader of the value that starts at `offset` of `bytes` (the array is shared, not copied).
    package init(_ bytes: [UInt8], at offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Ends the text: nothing but whitespace may follow the value read.
    package mutating func finish() throws(Failure) {
        self.skipWhitespace()
        guard self.offset == self.bytes.count else { throw self.unexpected("the end of the text") }
    }

    // MARK: Containers

    /// Reads an object, calling `member` with each key; `member` must read or skip that key's value.
    package mutating func readObject(
        _ member: (inout JSONReader, String) throws(Failure) -> Void
    ) throws(Failure) {
        try self.readObject(names: { (reader, name) throws(Failure) in try member(&reader, reader.string(of: name)) })
    }

    /// A member name where the reader found it: `name(_:is:)` compares it with a literal without making a
    /// string, for objects whose names come from a small fixed set (DynamoDB's `S`, `N`, `BOOL`...).
    package struct Name {
        /// The offsets of its opening and closing quotes.
        fileprivate let start: Int
        fileprivate let end: Int
        /// ASCII with no escape: its bytes are the name.
        fileprivate let isPlain: Bool
    }

    /// Reads an object as `readObject(_:)` does, handing `member` each name unmade.
    package mutating func readObject(names member: (inout JSONReader, Name) throws(Failure) -> Void) throws(Failure) {
        try self.enter(UInt8(ascii: "{"), "an object")
        defer { self.depth -= 1 }
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "}")) { return }
        repeat {
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: "\"") else { throw self.unexpected("a member name") }
            let name = try self.readName()
            self.skipWhitespace()
            guard self.consume(UInt8(ascii: ":")) else { throw self.unexpected("':' after a member name") }
            try member(&self, name)
            self.skipWhitespace()
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "}")) else { throw self.unexpected("',' or '}' in an object") }
    }

    /// The name `name` is, as a string (checked when it was read).
    package func string(of name: Name) -> String {
        if name.isPlain {
            return self.bytes[name.start + 1..<name.end].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        }
        var reader = JSONReader(self.bytes, at: name.start)
        return (try? reader.readString()) ?? ""  // it was read once already: it cannot fail
    }

    /// Whether `name` is `literal`.
    package func name(_ name: Name, is literal: StaticString) -> Bool {
        guard name.isPlain else { return self.string(of: name) == literal.description }
        // Byte by byte through the array: a slice of it per comparison is a retain and a release.
        return literal.withUTF8Buffer { literal in
            guard literal.count == name.end - name.start - 1 else { return false }
            for index in 0..<literal.count where self.bytes[name.start + 1 + index] != literal[index] { return false }
            return true
        }
    }

    /// Reads a member name at its opening quote: a plain one is only scanned, any other read as a string.
    private mutating func readName() throws(Failure) -> Name {
        let start = self.offset
        let (end, ascii) = self.bytes.withUnsafeBufferPointer { StringScan.plainRun($0, from: start + 1) }
        if ascii, end < self.bytes.count, self.bytes[end] == UInt8(ascii: "\"") {
            self.offset = end + 1
            return Name(start: start, end: end, isPlain: true)
        }
        _ = try self.readString()
        return Name(start: start, end: self.offset - 1, isPlain: false)
    }

    /// Reads an array, calling `element` once per element; `element` must read or skip it.
    package mutating func readArray(_ element: (inout JSONReader) throws(Failure) -> Void) throws(Failure) {
        try self.enter(UInt8(ascii: "["), "an array")
        defer { self.depth -= 1 }
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "]")) { return }
        repeat {
            try element(&self)
            self.skipWhitespace()
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "]")) else { throw self.unexpected("',' or ']' in an array") }
    }

    private mutating func enter(_ opening: UInt8, _ what: String) throws(Failure) {
        self.skipWhitespace()
        guard self.consume(opening) else { throw self.unexpected(what) }
        self.depth += 1
        guard self.depth <= Self.maxDepth else {
            throw Failure(offset: self.offset - 1, reason: "nested deeper than \(Self.maxDepth) levels")
        }
    }

    /// The first byte of the next value, whitespace skipped, without reading it; nil at the end of the text.
    package mutating func peekValue() -> UInt8? {
        self.skipWhitespace()
        return self.peek()
    }

    // MARK: Scalars

    /// Whether the next value is `null`, consuming it if so.
    package mutating func readNull() throws(Failure) -> Bool {
        self.skipWhitespace()
        guard self.peek() == UInt8(ascii: "n") else { return false }
        try self.literal("null")
        return true
    }

    package mutating func readBool() throws(Failure) -> Bool {
        self.skipWhitespace()
        switch self.peek() {
        case UInt8(ascii: "t"):
            try self.literal("true")
            return true
        case UInt8(ascii: "f"):
            try self.literal("false")
            return false
        default: throw self.unexpected("true or false")
        }
    }

    /// A number's text exactly as written (checked against JSON's grammar), so no digit is lost to a
    /// binary type before the caller chooses one.
    package mutating func readNumber() throws(Failure) -> String {
        self.skipWhitespace()
        let start = self.offset
        _ = self.consume(UInt8(ascii: "-"))
        if !self.consume(UInt8(ascii: "0")) {
            guard self.skipDigits() else { throw self.unexpected("a number") }
        }
        if self.consume(UInt8(ascii: ".")) {
            guard self.skipDigits() else { throw self.unexpected("a digit after '.'") }
        }
        if self.consume(UInt8(ascii: "e")) || self.consume(UInt8(ascii: "E")) {
            _ = self.consume(UInt8(ascii: "+")) || self.consume(UInt8(ascii: "-"))
            guard self.skipDigits() else { throw self.unexpected("a digit in the exponent") }
        }
        return String(decoding: self.bytes[start..<self.offset], as: UTF8.self)
    }

    /// Reads a string, escapes resolved; invalid UTF-8, a raw control character or a lone surrogate is an
    /// error.
    package mutating func readString() throws(Failure) -> String {
        self.skipWhitespace()
        guard self.consume(UInt8(ascii: "\"")) else { throw self.unexpected("a string") }
        let start = self.offset
        // The common case, no escapes: one scan, one copy; validated only when a byte is not ASCII.
        let (end, ascii) = self.bytes.withUnsafeBufferPointer { StringScan.plainRun($0, from: start) }
        self.offset = end
        if end < self.bytes.count, self.bytes[end] == UInt8(ascii: "\"") {
            let text =
                ascii
                ? self.bytes[start..<end].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
                : try self.text(self.bytes[start..<end], at: start)
            self.offset += 1
            return text
        }
        // An escape or a control character (an error, below) stopped the scan.
        var unescaped = Array(self.bytes[start..<self.offset])
        while self.offset < self.bytes.count {
            let byte = self.bytes[self.offset]
            switch byte {
            case UInt8(ascii: "\""):
                let text = try self.text(unescaped[...], at: start)
                self.offset += 1
                return text
            case UInt8(ascii: "\\"):
                try self.escape(into: &unescaped)
            case ..<0x20:
                throw self.unexpected("a character (control characters must be escaped)")
            default:
                unescaped.append(byte)
                self.offset += 1
            }
        }
        throw Failure(offset: self.offset, reason: "the text ends inside a string")
    }

    /// Checks a string as `readString` does without making it: an ASCII string with no escapes (keys, ids,
    /// most values) is only scanned; anything else is read and dropped.
    private mutating func skipString() throws(Failure) {
        _ = try self.readName()
    }

    private func text(_ utf8: ArraySlice<UInt8>, at start: Int) throws(Failure) -> String {
        // Through the buffer: over the slice itself the stdlib validates one generic code unit at a time.
        guard let text = utf8.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw Failure(offset: start, reason: "the string is not valid UTF-8")
        }
        return text
    }

    /// One escape sequence at the reader's `\`, appended as UTF-8.
    private mutating func escape(into output: inout [UInt8]) throws(Failure) {
        let at = self.offset
        self.offset += 1
        guard let byte = self.peek() else { throw self.unexpected("an escape") }
        self.offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try self.hex4())
            if (0xD800..<0xDC00).contains(scalar) {
                guard self.consume(UInt8(ascii: "\\")), self.consume(UInt8(ascii: "u")) else {
                    throw Failure(offset: at, reason: "a high surrogate without its low surrogate")
                }
                let low = UInt32(try self.hex4())
                guard (0xDC00..<0xE000).contains(low) else {
                    throw Failure(offset: at, reason: "a high surrogate without its low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw Failure(offset: at, reason: "a low surrogate without its high surrogate")
            }
            UTF8.encode(unicode) { output.append($0) }
        default:
            throw Failure(offset: at, reason: "an unknown escape")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = self.peek() else { throw self.unexpected("a hex digit") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.unexpected("a hex digit")
            }
            value = value << 4 | UInt16(digit)
            self.offset += 1
        }
        return value
    }

    /// Skips one value of any kind, checking it as it goes.
    package mutating func skipValue() throws(Failure) {
        self.skipWhitespace()
        switch self.peek() {
        case UInt8(ascii: "{"): try self.readObject(names: { (reader, _) throws(Failure) in try reader.skipValue() })
        case UInt8(ascii: "["): try self.readArray { reader throws(Failure) in try reader.skipValue() }
        case UInt8(ascii: "\""): try self.skipString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try self.readBool()
        case UInt8(ascii: "n"): _ = try self.readNull()
        default: _ = try self.readNumber()
        }
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard self.peek() == byte else { return false }
        self.offset += 1
        return true
    }

    private mutating func skipDigits() -> Bool {
        let start = self.offset
        while let byte = self.peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { self.offset += 1 }
        return self.offset > start
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek(),
            byte == UInt8(ascii: " ") || byte == 0x0A || byte == 0x0D || byte == 0x09
        {
            self.offset += 1
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            self.offset + count <= self.bytes.count
                && self.bytes[self.offset..<self.offset + count].elementsEqual(expected)
        }
        guard matches else { throw self.unexpected("\(word)") }
        self.offset += count
    }

    private func unexpected(_ expected: String) -> Failure {
        guard let byte = self.peek() else {
            return Failure(offset: self.offset, reason: "expected \(expected), found the end of the text")
        }
        let found = (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return Failure(offset: self.offset, reason: "expected \(expected), found \(found)")
    }
}

/// A value read straight from the bytes rather than through `Codable`, for texts large enough for the
/// difference to count (DynamoDB's items). A reader of AWS replies must skip unknown members, not refuse
/// them: AWS adds output fields without notice.
package protocol JSONReadable {
    init(reading reader: inout JSONReader) throws(JSONReader.Failure)
}

/// A value whose members are all ignored, read (and so checked) without `Codable`.
package struct IgnoredOutput: JSONReadable {
    package init(reading reader: inout JSONReader) throws(JSONReader.Failure) {
        try reader.skipValue()
    }
}
