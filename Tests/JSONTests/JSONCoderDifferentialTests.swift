import Foundation
import GavelTesting
import JSON
import Testing

/// `JSONCoder` against Foundation's `JSONDecoder` and `JSONEncoder`, the reference, over generated
/// documents: the same texts accepted, the same values read, the same errors (kind and coding path) for the
/// ones refused; and values written by either read back equal by the other.
///
/// Differences expected, each checked for and counted (see `Tally`): Foundation on Linux accepts a trailing
/// comma (`[1,]`), which RFC 8259 does not allow, and a bad string or number in a member no one reads; both
/// are refused here, whose decoding checks the whole text first. A syntax error is judged against
/// `JSONSerialization`, which reads every value. A number out of range names its field here, not in
/// Foundation; and Foundation alone calls a null Bool in an array a type mismatch.
@Suite struct JSONCoderDifferentialTests {
    /// A record with a field of every kind the coder treats differently, nested through arrays and maps.
    struct Record: Codable, Equatable {
        enum Kind: String, Codable { case plain, fancy }

        var id: String
        var count: Int
        var small: Int8?
        var big: UInt64?
        var ratio: Double?
        var single: Float?
        var flags: [Bool]?
        var tags: [String: Int]?
        var kind: Kind?
        var children: [Record]?
        var note: String?
    }

    /// Any JSON value, read through the containers a dynamic reader uses (single value tried kind by kind,
    /// keyed with `allKeys`, unkeyed to its end).
    indirect enum Value: Decodable, Equatable {
        case null, bool(Bool), integer(Int64), number(Double), string(String), array([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer() {
                if single.decodeNil() {
                    self = .null
                    return
                }
                if let value = try? single.decode(Bool.self) {
                    self = .bool(value)
                    return
                }
                if let value = try? single.decode(Int64.self) {
                    self = .integer(value)
                    return
                }
                if let value = try? single.decode(Double.self) {
                    self = .number(value)
                    return
                }
                if let value = try? single.decode(String.self) {
                    self = .string(value)
                    return
                }
            }
            if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
                var members: [String: Value] = [:]
                for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(Value.self, forKey: key) }
                self = .object(members)
                return
            }
            var unkeyed = try decoder.unkeyedContainer()
            var elements: [Value] = []
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(Value.self)) }
            self = .array(elements)
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The documents: `DIFFERENTIAL_DOCUMENTS` in the environment, else 10,000. `scripts/test` runs it alone
    /// with 100,000 (issue 18's floor): 45 s of a core, too much beside the timing-bound tests.
    static let documents = ProcessInfo.processInfo.environment["DIFFERENTIAL_DOCUMENTS"].flatMap { Int($0) } ?? 10_000

    @Test func bothDecodersAgreeOnGeneratedDocuments() throws {
        var generator = DocumentGenerator(seed: 0x6761_7665_6c00_0018)
        var tally = Tally()
        for index in 0..<Self.documents {
            let text: [UInt8]
            switch index % 4 {
            case 0: text = generator.record(depth: 0, faithful: true)
            case 1: text = generator.record(depth: 0, faithful: false)
            case 2: text = generator.value(depth: 0)
            default: text = generator.mutate(generator.record(depth: 0, faithful: index % 8 == 3))
            }
            try self.compare(Record.self, text, &tally)
            try self.compare(Value.self, text, &tally)
        }
        print("JSONCoderDifferentialTests: \(Self.documents) documents: \(tally)")
        #expect(tally.differences.count == 0, "\(tally.differences.prefix(5))")
        // The generator must reach both outcomes often, or agreement proves little.
        #expect(tally.bothRead > Self.documents / 2 && tally.bothRefused > Self.documents / 4, "\(tally)")
    }

    @Test func valuesWrittenByEitherAreReadBackEqualByTheOther() throws {
        var generator = DocumentGenerator(seed: 18)
        for _ in 0..<2_000 {
            let text = generator.record(depth: 0, faithful: true)
            guard let record = try? JSONDecoder().decode(Record.self, from: Data(text)) else { continue }
            let ours = try JSONCoder.encode(record)
            #expect(
                try JSONDecoder().decode(Record.self, from: Data(ours)) == record,
                "\(String(decoding: ours, as: UTF8.self))"
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let theirs = try encoder.encode(record)
            #expect(try JSONCoder.decode(Record.self, from: Array(theirs)) == record)
        }
    }

    @Test func numbersAreWrittenAsJSONEncoderWritesThem() throws {
        struct Numbers: Encodable {
            var whole = 1.0, fraction = 0.25, tiny = 1e-7, huge = 1e300, negative = -2.5, float: Float = 0.1
        }
        #expect(
            String(decoding: try JSONCoder.encode(Numbers()), as: UTF8.self)
                == #"{"whole":1,"fraction":0.25,"tiny":1e-07,"huge":1e+300,"negative":-2.5,"float":0.1}"#
        )
        #expect(throws: EncodingError.self) { try JSONCoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONCoder.encode(["x": Double.infinity]) }
    }

    @Test func aSyntaxErrorNamesItsByteOffset() throws {
        do {
            _ = try JSONCoder.decode(Record.self, from: Array(#"{"id": "a", "count": 1,}"#.utf8))
            Issue.record("a trailing comma was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            let failure = try #require(context.underlyingError as? JSONReader.Failure)
            #expect(failure.offset == 23, "\(failure)")
        }
    }

    // MARK: Comparing

    struct Tally: CustomStringConvertible {
        var bothRead = 0, bothRefused = 0
        /// Texts only Foundation accepts, each a fault of the text: a trailing comma, or a bad string or
        /// number in a member nobody asked for (Foundation reads those only on demand).
        var trailingCommas = 0, unreadFaults = 0
        /// Refused by both, Foundation calling it a type mismatch (`isNullBoolInArray`).
        var nullBools = 0
        var differences: [String] = []
        var description: String {
            "both read \(bothRead), both refused \(bothRefused), only Foundation accepted: trailing commas "
                + "\(trailingCommas), faults in unread members \(unreadFaults); null Bools in arrays \(nullBools); "
                + "differences \(differences.count)"
        }
    }

    func compare<T: Decodable & Equatable>(_ type: T.Type, _ text: [UInt8], _ tally: inout Tally) throws {
        let theirs = Result { try JSONDecoder().decode(type, from: Data(text)) }
        let ours = Result { try JSONCoder.decode(type, from: text) }
        let shown = String(decoding: text, as: UTF8.self)
        switch (theirs, ours) {
        case (.success(let expected), .success(let actual)):
            tally.bothRead += 1
            if expected != actual { tally.differences.append("\(T.self) read differently: \(shown)") }
        case (.failure(let expected), .failure(let actual)):
            tally.bothRefused += 1
            if let syntax = Self.syntaxError(actual) {
                // Foundation reads strings and numbers only when asked, so its error for a bad one may be
                // another field's; JSONSerialization, which reads everything, is the referee of the syntax.
                if Self.serializationAccepts(text) && !Self.hasTrailingComma(text) {
                    tally.differences.append("\(T.self) refused by us only for its syntax (\(syntax)): \(shown)")
                }
            } else if Self.isNullBoolInArray(expected, actual) {
                tally.nullBools += 1
            } else if T.self == Value.self, case DecodingError.typeMismatch = expected,
                case DecodingError.typeMismatch = actual
            {
                // A `Value` fails only on a number no type holds (1e400); of two such members in one object
                // Foundation meets them in hash order, so only the kind is compared.
            } else if Self.summary(expected) != Self.summary(actual)
                // Foundation's error for a number out of range names no field; ours names it.
                && Self.summary(expected) != "dataCorrupted at "
            {
                tally.differences.append(
                    "\(T.self): \(Self.summary(expected)) vs ours \(Self.summary(actual)): \(shown)"
                )
            }
        case (.success, .failure(let error)):
            if Self.hasTrailingComma(text) {
                tally.trailingCommas += 1
            } else if Self.syntaxError(error) != nil && !Self.serializationAccepts(text) {
                tally.unreadFaults += 1
            } else {
                tally.differences.append("\(T.self) refused only by us (\(error)): \(shown)")
            }
        case (.failure(let error), .success):
            tally.differences.append("\(T.self) refused only by Foundation (\(error)): \(shown)")
        }
    }

    /// Foundation's one inconsistency about nulls: in an array, a null where a Bool belongs is a type
    /// mismatch, where every other type (and a Bool in an object) gets `valueNotFound`, as ours does.
    static func isNullBoolInArray(_ expected: any Error, _ actual: any Error) -> Bool {
        guard case DecodingError.typeMismatch(let type, let theirs) = expected, type == Bool.self,
            case DecodingError.valueNotFound(_, let ours) = actual
        else { return false }
        return theirs.codingPath.last?.intValue != nil
            && Self.summary(expected).dropFirst(12) == Self.summary(actual).dropFirst(13)
    }

    /// The reader's failure when `error` is a syntax error of ours.
    static func syntaxError(_ error: any Error) -> JSONReader.Failure? {
        guard case DecodingError.dataCorrupted(let context) = error else { return nil }
        return context.underlyingError as? JSONReader.Failure
    }

    static func serializationAccepts(_ text: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text), options: .fragmentsAllowed)) != nil
    }

    /// An error's kind and coding path: what a caller's message is made of.
    static func summary(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.typeMismatch(_, let context): return "typeMismatch at \(path(context.codingPath))"
        case DecodingError.valueNotFound(_, let context): return "valueNotFound at \(path(context.codingPath))"
        case DecodingError.keyNotFound(let key, let context):
            return "keyNotFound \(key.stringValue) at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            // A syntax error is at the root for both; past that the path counts.
            return "dataCorrupted at \(path(context.codingPath))"
        default: return "\(type(of: error))"
        }
    }

    /// Whether the text has a comma followed, past whitespace, by `]` or `}` outside strings.
    static func hasTrailingComma(_ text: [UInt8]) -> Bool {
        var inString = false, escaped = false, lastSignificant: UInt8 = 0
        for byte in text {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                lastSignificant = byte
            case UInt8(ascii: " "), 0x0A, 0x0D, 0x09: continue
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if lastSignificant == UInt8(ascii: ",") { return true }
                lastSignificant = byte
            default: lastSignificant = byte
            }
        }
        return false
    }
}

/// Random JSON texts from a fixed seed: records as `Record` expects them (`faithful`) or with fields of the
/// wrong kind, out of range, missing, null or unknown; any values; and byte-level mutations.
struct DocumentGenerator {
    private var random: SplitMix64

    init(seed: UInt64) { self.random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { self.random.next() }

    mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { self.below(100) < percent }

    mutating func record(depth: Int, faithful: Bool) -> [UInt8] {
        var members: [(String, String)] = []
        func field(_ name: String, _ percent: Int, _ value: () -> String) {
            if self.chance(percent) { members.append((name, value())) }
        }
        let wild = !faithful
        field("id", faithful ? 100 : 90) { wild && self.chance(10) ? self.anyScalar() : self.string() }
        field("count", faithful ? 100 : 90) {
            wild && self.chance(15) ? self.anyNumberOrScalar() : self.integer(Int64.min...Int64.max)
        }
        field("small", 50) { wild && self.chance(20) ? self.anyNumberOrScalar() : self.integer(-128...127) }
        field("big", 40) { wild && self.chance(20) ? self.anyNumberOrScalar() : "\(self.next())" }
        field("ratio", 50) { wild && self.chance(15) ? self.anyScalar() : self.double() }
        field("single", 30) { wild && self.chance(15) ? self.anyNumberOrScalar() : self.float() }
        field("flags", 30) {
            "["
                + (0..<self.below(4)).map { _ in
                    wild && self.chance(10) ? self.anyScalar() : (self.chance(50) ? "true" : "false")
                }.joined(separator: ",") + "]"
        }
        field("tags", 30) {
            // At most one bad member: Foundation reads a map's members in hash order, so of two bad ones which
            // it reports is chance.
            let count = self.below(20), bad = wild && self.chance(30) ? self.below(count + 1) : -1
            return "{"
                + (0..<count).map { index in
                    "\"t\(index)\":" + (index == bad ? self.anyScalar() : self.integer(-1000...1000))
                }.joined(separator: ",") + "}"
        }
        field("kind", 30) { wild && self.chance(20) ? "\"other\"" : (self.chance(50) ? "\"plain\"" : "\"fancy\"") }
        if depth < 3 {
            field("children", 25) {
                "["
                    + (0..<self.below(3)).map { _ in
                        String(
                            decoding: self.record(depth: depth + 1, faithful: faithful || self.chance(70)),
                            as: UTF8.self
                        )
                    }.joined(separator: ",") + "]"
            }
        }
        field("note", 30) { self.chance(30) ? "null" : self.string() }
        if wild { field("unknown", 20) { self.anyScalar() } }
        if !faithful && self.chance(5) { return Array(self.anyScalar().utf8) }
        return Array(
            ("{"
                + self.shuffled(members).map { "\"\($0.0)\"" + self.space() + ":" + self.space() + $0.1 }.joined(
                    separator: "," + self.space()
                ) + "}").utf8
        )
    }

    mutating func value(depth: Int) -> [UInt8] {
        Array(self.valueText(depth: depth).utf8)
    }

    private mutating func valueText(depth: Int) -> String {
        switch depth < 4 ? self.below(8) : self.below(5) {
        case 0..<5: return self.anyScalar()
        case 5, 6:
            let keys = (0..<self.below(5)).map { "k\($0)_\(self.below(1000))" }
            return "{" + Set(keys).map { "\"\($0)\":" + self.valueText(depth: depth + 1) }.joined(separator: ",") + "}"
        default:
            return "["
                + (0..<self.below(5)).map { _ in self.valueText(depth: depth + 1) }.joined(
                    separator: self.space() + "," + self.space()
                ) + "]"
        }
    }

    /// One byte inserted, deleted or replaced, from the characters JSON's grammar turns on.
    mutating func mutate(_ text: [UInt8]) -> [UInt8] {
        var text = text
        let alphabet = Array(#"{}[],:"\ 0123456789-+.eEtfnul"#.utf8) + [0x00, 0x1F, 0xC3, 0xFF]
        let position = self.below(text.count + 1)
        switch self.below(3) {
        case 0: text.insert(alphabet[self.below(alphabet.count)], at: position)
        case 1 where position < text.count: text.remove(at: position)
        default:
            if position < text.count { text[position] = alphabet[self.below(alphabet.count)] }
        }
        return text
    }

    private mutating func anyScalar() -> String {
        switch self.below(7) {
        case 0: return "null"
        case 1: return self.chance(50) ? "true" : "false"
        case 2: return self.string()
        case 3: return self.double()
        default: return self.anyNumber()
        }
    }

    private mutating func anyNumberOrScalar() -> String { self.chance(70) ? self.anyNumber() : self.anyScalar() }

    /// Numbers at and past the edges: integers of every width, written with fractions and exponents.
    private mutating func anyNumber() -> String {
        switch self.below(10) {
        case 0: return self.integer(-200...300)
        case 1: return "\(self.next())"
        case 2: return "-\(self.next())"
        case 3:
            return [
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "18446744073709551615", "18446744073709551616", "-0", "0",
            ][self.below(8)]
        case 4: return "\(self.below(200))" + [".0", ".5", "e0", "e2", "E-1", ".00", "e+1"][self.below(7)]
        case 5:
            return ["1e400", "-1e400", "1e-400", "3.4028235e38", "3.5e38", "1e39", "1.7976931348623157e308"][
                self.below(7)
            ]
        default: return self.double()
        }
    }

    private mutating func integer(_ range: ClosedRange<Int64>) -> String {
        "\(Int64.random(in: range, using: &self))"
    }

    private mutating func double() -> String {
        let value = Double(bitPattern: self.next())
        return value.isFinite ? "\(value)" : "\(Double(self.below(1_000_000)) / 1000)"
    }

    private mutating func float() -> String {
        let value = Float(bitPattern: UInt32(truncatingIfNeeded: self.next()))
        return value.isFinite ? "\(value)" : "0.5"
    }

    private mutating func string() -> String {
        let pieces = [
            "a", "Z", "é", "漢", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", " ", "\\t", "\\u0000",
        ]
        return "\"" + (0..<self.below(8)).map { _ in pieces[self.below(pieces.count)] }.joined() + "\""
    }

    private mutating func space() -> String { [" ", "", "", "\n", "\t "][self.below(5)] }

    private mutating func shuffled<T>(_ array: [T]) -> [T] {
        var array = array
        array.shuffle(using: &self)
        return array
    }
}

extension DocumentGenerator: RandomNumberGenerator {}
