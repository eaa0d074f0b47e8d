/// Decodes DynamoDB items into `Decodable` values: the inverse of `DynamoDBEncoder`.
///
/// A missing attribute or NULL decodes as nil; SS, NS and BS decode as sets or arrays; N decodes into any
/// integer or floating-point type it fits exactly; B into `[UInt8]`. Every error names the
/// attribute path and what was found (`bids[2].amount: expected N, found S`).
package struct DynamoDBDecoder: Sendable {
    package init() {}

    /// - Throws: `DecodingError` whose description names the attribute path.
    package func decode<T: Decodable>(_ type: T.Type, from item: [String: AttributeValue]) throws -> T {
        try self.decode(type, fromValue: .m(item))
    }

    /// Decodes one attribute value.
    package func decode<T: Decodable>(_ type: T.Type, fromValue value: AttributeValue) throws -> T {
        try ItemDecoder(value: value, parentPath: [], step: nil).load(type)
    }
}

private struct ItemDecoder: Decoder {
    /// The last step of a value's path: a map key or a list index.
    enum Step {
        case key(any CodingKey)
        case index(Int)
    }

    let value: AttributeValue
    // The path is made when asked for (a nested container, an error), not for every value read: most values
    // are scalars that never need it.
    let parentPath: [any CodingKey]
    let step: Step?
    var codingPath: [any CodingKey] {
        switch self.step {
        case nil: self.parentPath
        case .key(let key)?: self.parentPath + [key]
        case .index(let index)?: self.parentPath + [DynamicKey(intValue: index)]
        }
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .m(let attributes) = self.value else { throw self.mismatch(type, expected: "M") }
        return KeyedDecodingContainer(MapReader<Key>(attributes: attributes, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let elements: [AttributeValue]
        switch self.value {
        case .l(let values): elements = values
        case .ss(let values): elements = values.map(AttributeValue.s)
        case .ns(let values): elements = values.map(AttributeValue.n)
        case .bs(let values): elements = values.map(AttributeValue.b)
        default: throw self.mismatch([Any].self, expected: "L, SS, NS or BS")
        }
        return ListReader(elements: elements, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// Decodes `type`, handling the types DynamoDB has its own shapes for before asking `type` itself.
    func load<T: Decodable>(_ type: T.Type) throws -> T {
        // Identity before casts: a failed `as any FixedWidthInteger.Type` is a runtime lookup per value.
        if T.self == String.self {
            guard case .s(let text) = self.value else { throw self.mismatch(type, expected: "S") }
            return text as! T
        }
        if T.self == Int.self { return try self.integer(Int.self) as! T }
        if T.self == Int64.self { return try self.integer(Int64.self) as! T }
        if T.self == Bool.self {
            guard case .bool(let flag) = self.value else { throw self.mismatch(type, expected: "BOOL") }
            return flag as! T
        }
        if T.self == [UInt8].self {
            guard case .b(let data) = self.value else { throw self.mismatch(type, expected: "B") }
            return data as! T
        }
        // Lists and sets of strings and lists of integers straight from the value: through `Array`'s and
        // `Set`'s own `init(from:)` each element costs an unspecialised decode. Anything else about them
        // (another type, a number that does not fit) takes that way, which names the error.
        if T.self == [String].self, case .l(let values) = self.value, let texts = Self.strings(values) {
            return texts as! T
        }
        if T.self == Set<String>.self, case .ss(let texts) = self.value { return Set(texts) as! T }
        if T.self == [Int].self, case .l(let values) = self.value, let numbers = Self.integers(values) {
            return numbers as! T
        }
        if T.self == Double.self { return try self.number(Double.self) { Double($0) } as! T }
        if T.self == Float.self { return try self.number(Float.self) { Float($0) } as! T }
        switch type {
        case let integer as any FixedWidthInteger.Type:
            return try self.integer(integer) as! T
        default:
            return try T(from: self)
        }
    }

    private static func strings(_ values: [AttributeValue]) -> [String]? {
        var texts: [String] = []
        texts.reserveCapacity(values.count)
        for value in values {
            guard case .s(let text) = value else { return nil }
            texts.append(text)
        }
        return texts
    }

    private static func integers(_ values: [AttributeValue]) -> [Int]? {
        var numbers: [Int] = []
        numbers.reserveCapacity(values.count)
        for value in values {
            guard case .n(let text) = value, let number = Int(text) else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        try self.number(type) { I($0) }
    }

    private func number<N>(_ type: N.Type, _ parse: (String) -> N?) throws -> N {
        guard case .n(let text) = self.value else { throw self.mismatch(type, expected: "N") }
        guard let number = parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: self.codingPath, debugDescription: "\(self.path): \(text) does not fit \(type)")
            )
        }
        return number
    }

    func mismatch(_ type: Any.Type, expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(
                codingPath: self.codingPath,
                debugDescription: "\(self.path): expected \(expected), found \(self.value.typeName)"
            )
        )
    }

    var path: String { AttributePath.describe(self.codingPath) }
}

extension ItemDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { self.value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.load(type) }
}

private struct MapReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let attributes: [String: AttributeValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { self.attributes.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { self.attributes[key.stringValue] != nil }

    private func decoder(for key: any CodingKey) throws -> ItemDecoder {
        guard let value = self.attributes[key.stringValue] else {
            let path = AttributePath.describe(self.codingPath + [key])
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: self.codingPath, debugDescription: "\(path): the item has no such attribute")
            )
        }
        return ItemDecoder(value: value, parentPath: self.codingPath, step: .key(key))
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        (self.attributes[key.stringValue] ?? .null) == .null
    }

    // Strings and whole numbers read straight from the map; anything off the common path (a missing
    // attribute, another type, a number that does not fit) goes through `load`, which names the error.
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        if case .s(let text)? = self.attributes[key.stringValue] { return text }
        return try self.decoder(for: key).load(type)
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.integer(type, key) }

    private func integer<I: FixedWidthInteger & Decodable>(_ type: I.Type, _ key: Key) throws -> I {
        if case .n(let text)? = self.attributes[key.stringValue], let number = I(text) { return number }
        return try self.decoder(for: key).load(type)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.decoder(for: key).load(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try self.decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try self.decoder(for: DynamicKey(stringValue: "super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try self.decoder(for: key) }
}

private struct ListReader: UnkeyedDecodingContainer {
    let elements: [AttributeValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    init(elements: [AttributeValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    private mutating func next() throws -> ItemDecoder {
        guard !self.isAtEnd else {
            let key = DynamicKey(intValue: self.currentIndex)
            throw DecodingError.valueNotFound(
                Any.self,
                .init(
                    codingPath: self.codingPath + [key],
                    debugDescription: "\(AttributePath.describe(self.codingPath + [key])): past the end of the list"
                )
            )
        }
        defer { self.currentIndex += 1 }
        return ItemDecoder(
            value: self.elements[self.currentIndex],
            parentPath: self.codingPath,
            step: .index(self.currentIndex)
        )
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd, self.elements[self.currentIndex] == .null else { return false }
        self.currentIndex += 1
        return true
    }

    mutating func decode(_ type: String.Type) throws -> String {
        if !self.isAtEnd, case .s(let text) = self.elements[self.currentIndex] {
            self.currentIndex += 1
            return text
        }
        return try self.next().load(type)
    }

    mutating func decode(_ type: Int.Type) throws -> Int {
        if !self.isAtEnd, case .n(let text) = self.elements[self.currentIndex], let number = Int(text) {
            self.currentIndex += 1
            return number
        }
        return try self.next().load(type)
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.next().load(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try self.next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try self.next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try self.next() }
}
