/// JSON text written straight to bytes, the counterpart of `JSONReader`: for inputs whose encoding through
/// `JSONEncoder` (a tree of every value, then the text) costs more than the call around it, DynamoDB's
/// items above all, and the runtime's log lines. Members and elements are written in order, commas where they
/// belong.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Per open container, whether anything was written in it yet (the next member needs a comma).
    private var written: [Bool] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)

    package init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    package mutating func object(_ members: (inout JSONWriter) -> Void) {
        self.open(UInt8(ascii: "{"))
        members(&self)
        self.close(UInt8(ascii: "}"))
    }

    package mutating func array(_ elements: (inout JSONWriter) -> Void) {
        self.open(UInt8(ascii: "["))
        elements(&self)
        self.close(UInt8(ascii: "]"))
    }

    /// One member of the open object: `"key":` and the value `value` writes.
    package mutating func member(_ key: String, _ value: (inout JSONWriter) -> Void) {
        self.separate()
        self.string(key)
        self.bytes.append(UInt8(ascii: ":"))
        value(&self)
    }

    /// One element of the open array.
    package mutating func element(_ value: (inout JSONWriter) -> Void) {
        self.separate()
        value(&self)
    }

    /// A member whose value is a string, left out when nil (as `JSONEncoder` leaves out a nil optional).
    package mutating func member(_ key: String, string value: String?) {
        guard let value else { return }
        self.member(key) { $0.string(value) }
    }

    package mutating func member(_ key: String, bool value: Bool?) {
        guard let value else { return }
        self.member(key) { $0.bool(value) }
    }

    package mutating func member(_ key: String, integer value: Int?) {
        guard let value else { return }
        self.member(key) { $0.bytes.append(contentsOf: String(value).utf8) }
    }

    /// A member whose value is an object of strings (`ExpressionAttributeNames`), left out when nil.
    package mutating func member(_ key: String, strings value: [String: String]?) {
        guard let value else { return }
        self.member(key) { writer in
            writer.object { writer in
                for (name, text) in value { writer.member(name, string: text) }
            }
        }
    }

    package mutating func bool(_ value: Bool) {
        self.bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// `value` quoted and escaped: `"`, `\` and control characters; everything else as its UTF-8.
    /// - Parameter asciiOnly: escape every character past `~` too (`\u00e9`), for JSON in an HTTP header.
    package mutating func string(_ value: String, asciiOnly: Bool = false) {
        self.bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // The common case, nothing to escape: one scan, one copy. (DEL, 0x7F, is ASCII but escaped in
            // asciiOnly text.)
            let run = StringScan.plainRun(utf8, from: 0)
            if run.end == utf8.count, !asciiOnly || (run.ascii && !utf8.contains(0x7F)) {
                self.bytes.append(contentsOf: utf8)
                return
            }
            guard asciiOnly else {
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[..<run.end]))
                for byte in utf8[run.end...] { self.escaped(byte) }
                return
            }
            for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
                guard scalar.value > 0x7E else {
                    self.escaped(UInt8(scalar.value))
                    continue
                }
                for unit in String(scalar).utf16 {
                    self.bytes.append(contentsOf: "\\u".utf8)
                    for shift in stride(from: 12, through: 0, by: -4) {
                        self.bytes.append(Self.hexDigits[Int(unit >> UInt16(shift)) & 0x0F])
                    }
                }
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// One byte of a string's UTF-8, escaped when JSON requires it.
    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
        case 0x0A: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case ..<0x20:
            self.bytes.append(contentsOf: "\\u00".utf8)
            self.bytes.append(Self.hexDigits[Int(byte >> 4)])
            self.bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        default: self.bytes.append(byte)
        }
    }

    /// `text` as it is: JSON the caller wrote itself, a fixed fragment such as `{"S":`. The caller keeps the
    /// text valid; the writer's commas do not see inside it.
    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
    }

    /// A number's text as it is (the caller wrote it from a number type).
    package mutating func number(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    package mutating func null() {
        self.bytes.append(contentsOf: "null".utf8)
    }

    // MARK: Step by step, for writers that cannot nest closures (JSONCoder's encoder)

    /// Opens an object or an array; `close` ends the innermost open one.
    package mutating func open(_ byte: UInt8) {
        self.bytes.append(byte)
        self.written.append(false)
    }

    package mutating func close(_ byte: UInt8) {
        self.written.removeLast()
        self.bytes.append(byte)
    }

    /// Before the next member or element of the innermost open container: a comma unless it is the first.
    package mutating func separate() {
        guard let last = self.written.indices.last else { return }
        if self.written[last] { self.bytes.append(UInt8(ascii: ",")) }
        self.written[last] = true
    }

    /// `"key":` of the next member of the innermost open object.
    package mutating func key(_ key: String) {
        self.separate()
        self.string(key)
        self.bytes.append(UInt8(ascii: ":"))
    }
}

/// A value written with `JSONWriter` rather than through `Codable`. Not also `Encodable`: a type that were
/// both would make the AWS client's `json` overloads ambiguous.
package protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}
