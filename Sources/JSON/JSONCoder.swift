/// `Codable` to and from JSON bytes, without Foundation: what a bootstrap that links no Foundation decodes
/// its events and encodes its responses with.
///
/// Decoding builds no tree. The text is checked whole first (one pass of `JSONReader.skipValue`, so a text
/// Foundation's `JSONDecoder` refuses is refused here too, wherever the fault is); then each container notes
/// where its members or elements start, and a value is read from its bytes only when it is asked for. Errors
/// are the `DecodingError`s `JSONDecoder` throws, with the same coding paths, so a caller's messages name the
/// field at fault as before. A syntax error is `dataCorrupted` whose underlying error is the reader's
/// `Failure` (its byte offset).
///
/// Encoding writes straight to bytes as the values arrive, members in the order encoded (a `[String: _]`
/// dictionary's in sorted key order, so its text does not change from one process to the next), slashes not
/// escaped (`JSONEncoder` with `.withoutEscapingSlashes`). Foundation's own types are not special-cased:
/// without Foundation there is no `Data`, `Date` or `Decimal` to special-case.
package enum JSONCoder {
    /// The value of `type` in `bytes`.
    /// - Throws: `DecodingError`.
    package static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        var reader = JSONReader(bytes)
        do {
            try reader.skipValue()
            try reader.finish()
        } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "The given data was not valid JSON: \(error)",
                    underlyingError: error
                )
            )
        }
        return try Value(from: ValueDecoder(bytes: bytes, offset: 0, codingPath: []))
    }

    /// `value` as JSON text.
    /// - Throws: `EncodingError.invalidValue` for a number JSON cannot hold (NaN, infinity), a value that
    ///   encodes nothing at the top level, or a container written to after a later sibling was opened.
    package static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let output = EncodingOutput()
        let encoder = ValueEncoder(output: output, position: .top, codingPath: [])
        try encoder.encodeValue(value)
        if let failure = output.failure { throw failure }
        guard encoder.started else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: [], debugDescription: "Top-level \(Value.self) did not encode any values.")
            )
        }
        output.closeAll()
        return output.writer.bytes
    }
}

/// A coding key for an element's index or a dictionary's key.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    static let `super` = IndexKey(stringValue: "super")
}

// MARK: - Decoding

/// The decoder of the one value that starts at `offset`; also its single-value container.
struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let bytes: [UInt8]
    let offset: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The first byte of the value: `{`, `[`, `"`, `t`, `f`, `n` or a number's first.
    private var kind: UInt8 {
        var reader = JSONReader(self.bytes, at: self.offset)
        return reader.peekValue() ?? 0
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try self.expect(UInt8(ascii: "{"), KeyedDecodingContainer<Key>.self, "a dictionary")
        var members: [(key: String, offset: Int)] = []
        try self.read { (reader: inout JSONReader) throws(JSONReader.Failure) in
            try reader.readObject { (reader, key) throws(JSONReader.Failure) in
                _ = reader.peekValue()
                members.append((key, reader.offset))
                try reader.skipValue()
            }
        }
        return KeyedDecodingContainer(
            KeyedContainer<Key>(bytes: self.bytes, members: members, codingPath: self.codingPath)
        )
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.expect(UInt8(ascii: "["), (any UnkeyedDecodingContainer).self, "an array")
        var elements: [Int] = []
        try self.read { (reader: inout JSONReader) throws(JSONReader.Failure) in
            try reader.readArray { reader throws(JSONReader.Failure) in
                _ = reader.peekValue()
                elements.append(reader.offset)
                try reader.skipValue()
            }
        }
        return UnkeyedContainer(bytes: self.bytes, elements: elements, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Single value

    func decodeNil() -> Bool { self.kind == UInt8(ascii: "n") }

    func decode(_ type: Bool.Type) throws -> Bool {
        let kind = self.kind
        guard kind == UInt8(ascii: "t") || kind == UInt8(ascii: "f") else { throw self.mismatch(type, "a bool") }
        return kind == UInt8(ascii: "t")
    }

    func decode(_ type: String.Type) throws -> String {
        try self.expect(UInt8(ascii: "\""), type, "a string")
        return try self.read { (reader: inout JSONReader) throws(JSONReader.Failure) in try reader.readString() }
    }

    func decode(_ type: Double.Type) throws -> Double { try self.floatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try self.floatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try self.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.integer(type) }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try Value(from: self)
    }

    // MARK: Numbers

    private func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        let text = try self.numberText(type)
        if let value = Integer(text, radix: 10) ?? Self.whole(text, as: type) { return value }
        throw DecodingError.dataCorrupted(
            .init(codingPath: self.codingPath, debugDescription: "Number \(text) is not representable in Swift.")
        )
    }

    /// An integer written with a fraction or an exponent (`1.0`, `1e3`, `25e-1`), taken as `JSONDecoder`
    /// takes it: when the number read as a Double is whole, that Double up to 2^53, where every integer is
    /// one; past it, the decimal digits truncated toward zero (`1234567890123456789e-1` is
    /// 123456789012345678, not the Double's neighbour). Nil if it does not fit.
    static func whole<Integer: FixedWidthInteger>(_ text: String, as type: Integer.Type) -> Integer? {
        guard let double = Double(text), double.isFinite, double.rounded(.towardZero) == double else { return nil }
        if double.magnitude <= 9_007_199_254_740_992 { return Integer(exactly: double) }
        let parts = text.split(whereSeparator: { $0 == "e" || $0 == "E" })
        var digits = "", fractionDigits = 0, inFraction = false
        for character in parts[0].drop(while: { $0 == "-" }) {
            if character == "." {
                inFraction = true
            } else {
                digits.append(character)
                if inFraction { fractionDigits += 1 }
            }
        }
        guard var exponent = parts.count == 2 ? Int(parts[1]) : 0 else { return nil }
        exponent -= fractionDigits
        // Past this no integer type holds a nonzero value; a zero one (`0e99`) is zero.
        guard exponent <= 40 else { return double == 0 ? 0 : nil }
        if exponent >= 0 {
            digits += String(repeating: "0", count: exponent)
        } else {
            digits = String(digits.dropLast(-exponent))
        }
        return Integer((text.hasPrefix("-") ? "-" : "") + (digits.isEmpty ? "0" : digits), radix: 10)
    }

    private func floatingPoint<Number: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: Number.Type
    ) throws -> Number {
        let text = try self.numberText(type)
        // Through Double, as `JSONDecoder` reads a Float: the same rounding, the same range. Like it, a number
        // too small for the type (not zero, read as zero) is refused rather than silently zero.
        guard let double = Double(text), case let value = Number(double), value.isFinite,
            value != 0 || !text.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { ("1"..."9").contains($0) })
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: self.codingPath, debugDescription: "Number \(text) is not representable in Swift.")
            )
        }
        return value
    }

    private func numberText(_ type: Any.Type) throws -> String {
        let kind = self.kind
        guard kind == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(kind) else {
            throw self.mismatch(type, "a number")
        }
        return try self.read { (reader: inout JSONReader) throws(JSONReader.Failure) in try reader.readNumber() }
    }

    // MARK: Errors

    /// Throws unless the value starts with `opening`: `valueNotFound` for null (as `JSONDecoder`), else
    /// `typeMismatch`.
    private func expect(_ opening: UInt8, _ type: Any.Type, _ what: String) throws {
        guard self.kind != opening else { return }
        throw self.mismatch(type, what)
    }

    private func mismatch(_ type: Any.Type, _ what: String) -> DecodingError {
        let kind = self.kind
        if kind == UInt8(ascii: "n") {
            return .valueNotFound(
                type,
                .init(codingPath: self.codingPath, debugDescription: "Cannot get \(what) -- found null value instead")
            )
        }
        return .typeMismatch(
            type,
            .init(
                codingPath: self.codingPath,
                debugDescription: "Expected to decode \(what) but found \(Self.name(kind)) instead."
            )
        )
    }

    private static func name(_ kind: UInt8) -> String {
        switch kind {
        case UInt8(ascii: "{"): "a dictionary"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "bool"
        default: "number"
        }
    }

    /// Runs `body` on a reader at the value. The text was checked whole before any value was read, so a
    /// failure here is a bug; it still surfaces as `dataCorrupted`, never a crash.
    private func read<Result>(_ body: (inout JSONReader) throws(JSONReader.Failure) -> Result) throws -> Result {
        var reader = JSONReader(self.bytes, at: self.offset)
        do {
            return try body(&reader)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: self.codingPath, debugDescription: "\(error)", underlyingError: error)
            )
        }
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let bytes: [UInt8]
    /// Each member's name and where its value starts, in the text's order.
    let members: [(key: String, offset: Int)]
    let codingPath: [any CodingKey]
    /// For objects large enough that a scan per key would count (a decoded dictionary reads every key).
    private let index: [String: Int]?

    init(bytes: [UInt8], members: [(key: String, offset: Int)], codingPath: [any CodingKey]) {
        self.bytes = bytes
        self.members = members
        self.codingPath = codingPath
        self.index =
            members.count > 16
            ? Dictionary(members.map { ($0.key, $0.offset) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    /// Each name once, in the text's order.
    var allKeys: [Key] {
        var seen = Set<String>()
        return self.members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }

    func contains(_ key: Key) -> Bool { self.offset(of: key) != nil }

    /// Where `key`'s value starts; of a repeated member, the first (as `JSONDecoder`).
    private func offset(of key: Key) -> Int? {
        if let index = self.index { return index[key.stringValue] }
        let name = key.stringValue
        return self.members.first { $0.key == name }?.offset
    }

    private func value(_ key: Key) throws -> ValueDecoder {
        guard let offset = self.offset(of: key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: self.codingPath, debugDescription: "No value associated with key \(key.stringValue).")
            )
        }
        return ValueDecoder(bytes: self.bytes, offset: offset, codingPath: self.codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { try self.value(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.value(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try self.value(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try self.value(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try self.value(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.value(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.value(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.value(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.value(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.value(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.value(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.value(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.value(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.value(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.value(key).decode(type) }
    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try Value(from: self.value(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.value(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try self.value(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try self.value(Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try self.value(key) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let bytes: [UInt8]
    /// Where each element starts.
    let elements: [Int]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(bytes: [UInt8], elements: [Int], codingPath: [any CodingKey]) {
        self.bytes = bytes
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    /// The next element, and the index moved past it.
    private mutating func next(_ type: Any.Type) throws -> ValueDecoder {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: self.codingPath + [IndexKey(intValue: self.currentIndex)],
                    debugDescription: "Unkeyed container is at end."
                )
            )
        }
        let element = ValueDecoder(
            bytes: self.bytes,
            offset: self.elements[self.currentIndex],
            codingPath: self.codingPath + [IndexKey(intValue: self.currentIndex)]
        )
        self.currentIndex += 1
        return element
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd else {
            _ = try self.next(Never.self)
            return false
        }
        let isNil = ValueDecoder(bytes: self.bytes, offset: self.elements[self.currentIndex], codingPath: [])
            .decodeNil()
        if isNil { self.currentIndex += 1 }
        return isNil
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.next(type).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try self.next(type).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.next(type).decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.next(type).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.next(type).decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.next(type).decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.next(type).decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.next(type).decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.next(type).decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.next(type).decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.next(type).decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.next(type).decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.next(type).decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.next(type).decode(type) }
    mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try Value(from: self.next(type))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.next(type).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.next((any UnkeyedDecodingContainer).self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try self.next((any Decoder).self) }
}

// MARK: - Encoding

/// What one `JSONCoder.encode` writes, shared by its encoders and containers.
///
/// Containers are written as they are used, so a value's containers must be used in order: writing to a
/// container closes the ones opened inside it since (synthesized `Encodable` conformances, and every one
/// here, work so). Writing to a container already closed that way is reported as an error, not written.
final class EncodingOutput {
    var writer = JSONWriter()
    /// The open containers, innermost last: each one's id and closing byte.
    private var open: [(id: Int, closing: UInt8)] = []
    private var lastId = 0
    /// The first misuse seen; `JSONCoder.encode` throws it at the end (`Encoder.container` cannot throw).
    private(set) var failure: EncodingError?

    /// Opens an object (`{`) or an array (`[`), inside the innermost open container.
    func open(_ opening: UInt8) -> Int {
        self.lastId += 1
        self.writer.open(opening)
        self.open.append((self.lastId, opening == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")))
        return self.lastId
    }

    /// Makes container `id` the innermost open one, closing those opened inside it since.
    func focus(_ id: Int, _ codingPath: [any CodingKey]) {
        guard let position = self.open.lastIndex(where: { $0.id == id }) else {
            self.fail(codingPath, "written to after a later sibling of it was begun")
            return
        }
        while self.open.count > position + 1 { self.writer.close(self.open.removeLast().closing) }
    }

    func closeAll() {
        while let last = self.open.popLast() { self.writer.close(last.closing) }
    }

    func fail(_ codingPath: [any CodingKey], _ reason: String) {
        guard self.failure == nil else { return }
        self.failure = .invalidValue(Never?.none as Any, .init(codingPath: codingPath, debugDescription: reason))
    }

    /// A number JSON can hold, written as `JSONEncoder` writes it (`1` for `1.0`).
    func write<Number: BinaryFloatingPoint & CustomStringConvertible>(
        _ value: Number,
        _ codingPath: [any CodingKey]
    ) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                .init(
                    codingPath: codingPath,
                    debugDescription: "Unable to encode \(Number.self).\(value) directly in JSON."
                )
            )
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        self.writer.number(text)
    }
}

/// A dictionary with string keys, written in sorted key order: the same value always gives the same text
/// (its own order changes with every process's hash seed), as `JSONEncoder` gives with `.sortedKeys`.
protocol SortedMembers {
    func encodeSorted(to encoder: ValueEncoder) throws
}

extension Dictionary: SortedMembers where Key == String, Value: Encodable {
    func encodeSorted(to encoder: ValueEncoder) throws {
        var container = encoder.container(keyedBy: IndexKey.self)
        for (key, value) in self.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: IndexKey(stringValue: key))
        }
    }
}

/// Where a value goes: the whole text, a member of an object, or the next element of an array.
enum EncodingPosition {
    case top
    case member(container: Int, key: String)
    case element(container: Int)
}

/// The encoder of one value; also its single-value container.
final class ValueEncoder: Encoder, SingleValueEncodingContainer {
    let output: EncodingOutput
    let position: EncodingPosition
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Whether anything of the value was written (its key, its separator).
    private(set) var started = false
    /// The container the value is, once asked for: asking again returns it (a subclass encoding after its
    /// superclass).
    private var container: Int?

    init(output: EncodingOutput, position: EncodingPosition, codingPath: [any CodingKey]) {
        self.output = output
        self.position = position
        self.codingPath = codingPath
    }

    /// Writes what comes before the value (its key, or the comma before it), once.
    private func start() {
        guard !self.started else {
            self.output.fail(self.codingPath, "more than one value encoded in one place")
            return
        }
        self.started = true
        switch self.position {
        case .top: break
        case .member(let container, let key):
            self.output.focus(container, self.codingPath)
            self.output.writer.key(key)
        case .element(let container):
            self.output.focus(container, self.codingPath)
            self.output.writer.separate()
        }
    }

    /// The value's container, begun with `opening` the first time.
    private func open(_ opening: UInt8) -> Int {
        if let container = self.container { return container }
        self.start()
        let container = self.output.open(opening)
        self.container = container
        return container
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(
            KeyedEncoder<Key>(output: self.output, id: self.open(UInt8(ascii: "{")), codingPath: self.codingPath)
        )
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedEncoder(output: self.output, id: self.open(UInt8(ascii: "[")), codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// Encodes `value` here: a value that writes nothing is `{}`, as in `JSONEncoder`.
    func encodeNested<Value: Encodable>(_ value: Value) throws {
        try self.encodeValue(value)
        if !self.started { _ = self.open(UInt8(ascii: "{")) }
    }

    /// Encodes `value`; a dictionary with string keys in sorted key order (`SortedMembers`).
    func encodeValue<Value: Encodable>(_ value: Value) throws {
        if let dictionary = value as? any SortedMembers {
            try dictionary.encodeSorted(to: self)
        } else {
            try value.encode(to: self)
        }
    }

    // MARK: Single value

    private func write(_ text: String) {
        self.start()
        self.output.writer.number(text)
    }

    func encodeNil() { self.write("null") }
    func encode(_ value: Bool) { self.write(value ? "true" : "false") }
    func encode(_ value: String) {
        self.start()
        self.output.writer.string(value)
    }
    func encode(_ value: Double) throws {
        self.start()
        try self.output.write(value, self.codingPath)
    }
    func encode(_ value: Float) throws {
        self.start()
        try self.output.write(value, self.codingPath)
    }
    func encode(_ value: Int) { self.write(String(value)) }
    func encode(_ value: Int8) { self.write(String(value)) }
    func encode(_ value: Int16) { self.write(String(value)) }
    func encode(_ value: Int32) { self.write(String(value)) }
    func encode(_ value: Int64) { self.write(String(value)) }
    func encode(_ value: UInt) { self.write(String(value)) }
    func encode(_ value: UInt8) { self.write(String(value)) }
    func encode(_ value: UInt16) { self.write(String(value)) }
    func encode(_ value: UInt32) { self.write(String(value)) }
    func encode(_ value: UInt64) { self.write(String(value)) }
    func encode<Value: Encodable>(_ value: Value) throws {
        guard !self.started else {
            self.output.fail(self.codingPath, "more than one value encoded in one place")
            return
        }
        try value.encode(to: self)
    }
}

struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let output: EncodingOutput
    let id: Int
    let codingPath: [any CodingKey]

    /// The encoder of `key`'s value.
    private func member(_ key: Key) -> ValueEncoder {
        ValueEncoder(
            output: self.output,
            position: .member(container: self.id, key: key.stringValue),
            codingPath: self.codingPath + [key]
        )
    }

    mutating func encodeNil(forKey key: Key) { self.member(key).encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try self.member(key).encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try self.member(key).encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) { self.member(key).encode(value) }
    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        try self.member(key).encodeNested(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        self.member(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.member(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(
            output: self.output,
            position: .member(container: self.id, key: "super"),
            codingPath: self.codingPath + [IndexKey.super]
        )
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { self.member(key) }
}

struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let output: EncodingOutput
    let id: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(output: EncodingOutput, id: Int, codingPath: [any CodingKey]) {
        self.output = output
        self.id = id
        self.codingPath = codingPath
    }

    /// The encoder of the next element.
    private mutating func next() -> ValueEncoder {
        defer { self.count += 1 }
        return ValueEncoder(
            output: self.output,
            position: .element(container: self.id),
            codingPath: self.codingPath + [IndexKey(intValue: self.count)]
        )
    }

    mutating func encodeNil() { self.next().encodeNil() }
    mutating func encode(_ value: Bool) { self.next().encode(value) }
    mutating func encode(_ value: String) { self.next().encode(value) }
    mutating func encode(_ value: Double) throws { try self.next().encode(value) }
    mutating func encode(_ value: Float) throws { try self.next().encode(value) }
    mutating func encode(_ value: Int) { self.next().encode(value) }
    mutating func encode(_ value: Int8) { self.next().encode(value) }
    mutating func encode(_ value: Int16) { self.next().encode(value) }
    mutating func encode(_ value: Int32) { self.next().encode(value) }
    mutating func encode(_ value: Int64) { self.next().encode(value) }
    mutating func encode(_ value: UInt) { self.next().encode(value) }
    mutating func encode(_ value: UInt8) { self.next().encode(value) }
    mutating func encode(_ value: UInt16) { self.next().encode(value) }
    mutating func encode(_ value: UInt32) { self.next().encode(value) }
    mutating func encode(_ value: UInt64) { self.next().encode(value) }
    mutating func encode<Value: Encodable>(_ value: Value) throws { try self.next().encodeNested(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        self.next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self.next().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { self.next() }
}
