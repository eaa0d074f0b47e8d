import AWS
import Foundation
import GavelTesting
import JSON
import Testing

/// Items read by `AttributeValue.readItem` are the items `JSONDecoder` reads through `Decodable`, items
/// written by `JSONWriter` are the items `JSONDecoder` reads back, over generated items of every type and
/// nesting (strings with quotes, backslashes, control characters, non-ASCII), and malformed values are refused.
@Suite struct AttributeValueJSONTests {
    static func string(_ random: inout SplitMix64) -> String {
        let alphabet = Array("abcXYZ09 _-\"\\/\n\t\u{0}\u{1F}é€😀")
        return String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func number(_ random: inout SplitMix64) -> String {
        ["0", "-1", "42", "3.25", "-0.5", "1E+3", "12345678901234567890123456789012345678"].randomElement(
            using: &random
        )!
    }

    static func value(_ random: inout SplitMix64, depth: Int) -> AttributeValue {
        let kinds = depth < 4 ? 10 : 7
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .s(Self.string(&random))
        case 1: return .n(Self.number(&random))
        case 2:
            return .b(
                Array(
                    (0..<Int.random(in: 0...9, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                )
            )
        case 3: return .bool(Bool.random(using: &random))
        case 4: return .null
        case 5: return .ss((0..<Int.random(in: 1...3, using: &random)).map { _ in Self.string(&random) })
        case 6: return .ns((0..<Int.random(in: 1...3, using: &random)).map { _ in Self.number(&random) })
        case 7: return .m(Self.item(&random, depth: depth + 1))
        case 8:
            return .l((0..<Int.random(in: 0...4, using: &random)).map { _ in Self.value(&random, depth: depth + 1) })
        default: return .bs([[1, 2, 3], []])
        }
    }

    static func item(_ random: inout SplitMix64, depth: Int) -> [String: AttributeValue] {
        var item: [String: AttributeValue] = [:]
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            item[Self.string(&random)] = Self.value(&random, depth: depth)
        }
        return item
    }

    @Test func generatedItemsReadAsJSONDecoderReadsThem() throws {
        var random = SplitMix64(seed: 18)
        for _ in 0..<500 {
            let item = Self.item(&random, depth: 0)
            let encoder = JSONEncoder()
            encoder.outputFormatting = Bool.random(using: &random) ? [.prettyPrinted] : []
            let json = try encoder.encode(item)
            var reader = JSONReader(Array(json))
            let read = try AttributeValue.readItem(from: &reader)
            try reader.finish()
            #expect(read == item)
            #expect(try JSONDecoder().decode([String: AttributeValue].self, from: json) == read)
        }
    }

    @Test func generatedItemsWrittenByJSONWriterReadBackAsTheyWere() throws {
        var random = SplitMix64(seed: 1802)
        for _ in 0..<500 {
            let item = Self.item(&random, depth: 0)
            var writer = JSONWriter()
            AttributeValue.write(item, to: &writer)
            #expect(try JSONDecoder().decode([String: AttributeValue].self, from: Data(writer.bytes)) == item)
            var reader = JSONReader(writer.bytes)
            #expect(try AttributeValue.readItem(from: &reader) == item)
        }
    }

    @Test(arguments: [
        (#"{"a":{"S":"x","N":"1"}}"#, "more than one type key"),
        (#"{"a":{}}"#, "no type key"),
        (#"{"a":{"Q":"x"}}"#, "unknown attribute value type Q"),
        (#"{"a":{"SSS":["x"]}}"#, "unknown attribute value type SSS"),
        (#"{"a":{"\u00e9":"x"}}"#, "unknown attribute value type é"),
        (#"{"a":{"B":"not base64!"}}"#, "not base64"),
        (#"{"a":{"N":1}}"#, "expected a string"),
        (#"{"a":{"L":[{"S":1}]}}"#, "expected a string"),
        (#"{"a":"x"}"#, "expected an object"),
    ])
    func aMalformedValueIsRefused(json: String, reason: String) {
        var reader = JSONReader(Array(json.utf8))
        #expect {
            _ = try AttributeValue.readItem(from: &reader)
        } throws: { error in
            (error as? JSONReader.Failure)?.reason.contains(reason) == true
        }
    }

    /// Type keys are matched without making strings of them; one written with escapes (valid JSON, though
    /// DynamoDB never sends it) still names its type.
    @Test func anEscapedTypeKeyStillNamesItsType() throws {
        var reader = JSONReader(Array(#"{"a":{"\u0053":"x"},"b":{"BO\u004fL":true},"c":{"L":[{"N":"1"}]}}"#.utf8))
        #expect(try AttributeValue.readItem(from: &reader) == ["a": .s("x"), "b": .bool(true), "c": .l([.n("1")])])
    }
}
