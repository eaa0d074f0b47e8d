import Foundation
import JSON
import Testing

/// `JSONReader` accepts exactly RFC 8259's texts, reads them as written (Foundation's `JSONSerialization`
/// accepts every valid case here too), and names the byte where a text goes wrong. (Foundation is no
/// reference for the refusals: on Linux it accepts a trailing comma.)
@Suite struct JSONReaderTests {
    /// Any value, printed in one canonical form: keys sorted, no spaces, numbers as written.
    static func canonical(_ reader: inout JSONReader) throws(JSONReader.Failure) -> String {
        switch reader.peekValue() {
        case UInt8(ascii: "{"):
            var members: [String] = []
            try reader.readObject { (reader, key) throws(JSONReader.Failure) in
                members.append("\(key.debugDescription):\(try Self.canonical(&reader))")
            }
            return "{" + members.sorted().joined(separator: ",") + "}"
        case UInt8(ascii: "["):
            var elements: [String] = []
            try reader.readArray { reader throws(JSONReader.Failure) in elements.append(try Self.canonical(&reader)) }
            return "[" + elements.joined(separator: ",") + "]"
        case UInt8(ascii: "\""): return try reader.readString().debugDescription
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "\(try reader.readBool())"
        case UInt8(ascii: "n"):
            _ = try reader.readNull()
            return "null"
        default: return try reader.readNumber()
        }
    }

    static func read(_ text: String) throws(JSONReader.Failure) -> String {
        var reader = JSONReader(Array(text.utf8))
        let value = try Self.canonical(&reader)
        try reader.finish()
        return value
    }

    @Test(arguments: [
        (#"{"b":{},"a":[1,-2.5e3,0,true,false,null]}"#, #"{"a":[1,-2.5e3,0,true,false,null],"b":{}}"#),
        (" [ \"x\" ,\n[ ]\t] ", #"["x",[]]"#),
        (#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\u0000""#, #""\"\\/\u{08}\u{0C}\n\r\té😀\0""#),
        (#""héllo 😀""#, #""héllo 😀""#),
        ("-0", "-0"),
        ("1E+2", "1E+2"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ])
    func aValidTextReadsAsWritten(text: String, canonical: String) throws {
        #expect(try Self.read(text) == canonical)
        #expect(throws: Never.self) {
            try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
        }
    }

    @Test(arguments: [
        ("", 0, "found the end of the text"),
        ("[1,]", 3, "expected a number"),
        (#"{"a":1,}"#, 7, "expected a member name"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        ("01", 1, "expected the end of the text"),
        ("1.", 2, "a digit after '.'"),
        ("1e", 2, "a digit in the exponent"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("\"a\tb\"", 2, "control characters must be escaped"),
        (#""\x""#, 1, "an unknown escape"),
        (#""\ud800""#, 1, "a high surrogate without its low surrogate"),
        (#""\udc00""#, 1, "a low surrogate without its high surrogate"),
        (#""\u12G4""#, 5, "expected a hex digit"),
        (#""abc"#, 4, "the text ends inside a string"),
        ("tru", 0, "expected true"),
        ("nul", 0, "expected null"),
        ("{} {}", 3, "expected the end of the text"),
        ("'a'", 0, "expected a number"),
    ])
    func anInvalidTextIsRefusedAtItsByte(text: String, offset: Int, reason: String) {
        #expect {
            _ = try Self.read(text)
        } throws: { error in
            guard let failure = error as? JSONReader.Failure else { return false }
            return failure.offset == offset && failure.reason.contains(reason)
        }
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() throws {
        var reader = JSONReader([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")])
        #expect(throws: JSONReader.Failure.self) { try reader.readString() }
        #expect(throws: JSONReader.Failure.self) {
            _ = try Self.read(String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
        }
        let nested = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(try Self.read(nested) == nested)
    }

    /// The string scan runs eight bytes at a time: a byte that must be escaped, or one past ASCII, is found
    /// at every position of a word and past its end, in both directions.
    @Test func everyPositionOfAStringIsScanned() throws {
        // Each with its JSON, and its JSON in ASCII only (as an HTTP header carries it).
        let specials: [(text: String, escaped: String, ascii: String)] = [
            ("\"", #"\""#, #"\""#), ("\\", #"\\"#, #"\\"#), ("\n", #"\n"#, #"\n"#),
            ("\u{01}", #"\u0001"#, #"\u0001"#), ("\u{1F}", #"\u001f"#, #"\u001f"#), ("é", "é", #"\u00e9"#),
            ("\u{7F}", "\u{7F}", #"\u007f"#), ("€", "€", #"\u20ac"#), ("😀", "😀", #"\ud83d\ude00"#),
        ]
        for length in [1, 7, 8, 9, 16, 17, 25] {
            for position in 0..<length {
                for special in specials {
                    let before = String(repeating: "a", count: position)
                    let after = String(repeating: "b", count: length - position - 1)
                    let text = before + special.text + after
                    var writer = JSONWriter()
                    writer.string(text)
                    let written = String(decoding: writer.bytes, as: UTF8.self)
                    #expect(written == "\"" + before + special.escaped + after + "\"", "\(text.debugDescription)")
                    var asciiWriter = JSONWriter()
                    asciiWriter.string(text, asciiOnly: true)
                    #expect(
                        String(decoding: asciiWriter.bytes, as: UTF8.self) == "\"" + before + special.ascii + after
                            + "\""
                    )
                    var reader = JSONReader(writer.bytes)
                    #expect(try reader.readString() == text)
                    // The same text, escapes left raw: a control character is refused where it stands.
                    var raw = JSONReader(Array(("\"" + text + "\"").utf8))
                    if special.text == "\n" || special.text.unicodeScalars.first!.value < 0x20 {
                        let failure = #expect(throws: JSONReader.Failure.self) { try raw.readString() }
                        #expect(failure?.offset == 1 + position)
                    } else if special.text != "\"" && special.text != "\\" {
                        #expect(try raw.readString() == text)
                    }
                }
            }
        }
    }
}
