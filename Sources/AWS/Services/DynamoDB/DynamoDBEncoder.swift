/// Encodes `Encodable` values as DynamoDB items.
///
/// Mapping: `String` → S; integers and floating point → N (exact decimal text); `Bool` → BOOL; `[UInt8]` → B (so a
/// byte array is binary, never a list of numbers); `Set` of strings, numbers or byte arrays → SS, NS or BS;
/// times are stored as the integers they are kept in (epoch seconds for a TTL attribute); arrays → L; structs and dictionaries → M; a nil optional is left out, a nil inside a list is NULL.
/// DynamoDB cannot store an empty set, so encoding one is an error that names its path.
package struct DynamoDBEncoder: Sendable {
    package init() {}

    /// The item's attributes.
    /// - Throws: `EncodingError` naming the attribute path, when a value cannot be stored or `value` is not a map.
    package func encode<T: Encodable>(_ value: T) throws -> [String: AttributeValue] {
        guard case .m(let attributes) = try self.encodeValue(value) else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: [], debugDescription: "an item must encode as a map (a struct or a dictionary)")
            )
        }
        return attributes
    }

    /// One attribute value (a key, an expression value).
    package func encodeValue<T: Encodable>(_ value: T) throws -> AttributeValue {
        let slot = Slot()
        try ItemEncoder(slot: slot, codingPath: []).store(value)
        return slot.resolved() ?? .null
    }
}

/// Where an encoded value goes: filled once with a value, a map or a list, resolved after encoding.
private final class Slot {
    enum Content {
        case empty
        case value(AttributeValue)
        case map([String: Member])
        case list([Member])
    }

    /// A map's member or a list's element: a scalar stored as it is (no slot of its own), or a slot a
    /// nested container fills later.
    enum Member {
        case value(AttributeValue)
        case slot(Slot)

        var resolved: AttributeValue? {
            switch self {
            case .value(let value): value
            case .slot(let slot): slot.resolved()
            }
        }
    }

    var content = Content.empty

    func resolved() -> AttributeValue? {
        switch self.content {
        case .empty: nil
        case .value(let value): value
        case .map(let members): .m(members.compactMapValues(\.resolved))
        case .list(let members): .l(members.map { $0.resolved ?? .null })
        }
    }

    // Each takes the collection out of `content` before adding to it, so the collection is uniquely held and
    // grows in place: left in `content`, every member added copied the whole map (quadratic in its size).
    func set(_ key: String, _ member: Member) {
        var members: [String: Member] = [:]
        if case .map(let existing) = self.content {
            members = existing
            self.content = .empty
        }
        members[key] = member
        self.content = .map(members)
    }

    func append(_ member: Member) {
        var members: [Member] = []
        if case .list(let existing) = self.content {
            members = existing
            self.content = .empty
        }
        members.append(member)
        self.content = .list(members)
    }

    func mapSlot(_ key: String) -> Slot {
        let slot = Slot()
        self.set(key, .slot(slot))
        return slot
    }

    func appendSlot() -> Slot {
        let slot = Slot()
        self.append(.slot(slot))
        return slot
    }
}

private struct ItemEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .map = self.slot.content {} else { self.slot.content = .map([:]) }
        return KeyedEncodingContainer(MapContainer<Key>(slot: self.slot, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .list = self.slot.content {} else { self.slot.content = .list([]) }
        return ListContainer(slot: self.slot, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    /// Stores `value`, taking the types DynamoDB has its own shapes for before asking `value` to encode itself.
    func store<T: Encodable>(_ value: T) throws {
        if let special = try self.special(value) {
            self.slot.content = .value(special)
        } else {
            try value.encode(to: self)
        }
    }

    private func special<T: Encodable>(_ value: T) throws -> AttributeValue? {
        // By type, not by cast: an empty array of any element type casts to `[UInt8]`.
        if T.self == [UInt8].self { return .b(value as! [UInt8]) }
        if T.self == Set<[UInt8]>.self { return try self.set(Array(value as! Set<[UInt8]>), AttributeValue.bs) }
        // The common types by identity first: each failed cast below costs a runtime lookup, for every value.
        if T.self == String.self { return .s(value as! String) }
        if T.self == Int.self { return .n(String(value as! Int)) }
        if T.self == Int64.self { return .n(String(value as! Int64)) }
        switch value {
        case let value as String: return .s(value)
        case let value as Bool: return .bool(value)
        case let value as Double: return .n(try self.number(value))
        case let value as Float: return .n(try self.number(Double(value)))
        case let value as any BinaryInteger: return .n(String(describing: value))
        case let value as Set<String>: return try self.set(value.sorted(), AttributeValue.ss)
        case let value as any NumberSet: return try self.set(value.numberStrings, AttributeValue.ns)
        default: return nil
        }
    }

    private func number(_ value: Double) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: self.codingPath, debugDescription: "\(self.path): DynamoDB numbers must be finite")
            )
        }
        // Whole numbers without ".0", so epoch seconds read as integers (TTL needs that).
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(describing: value)
    }

    private func set<Element>(_ elements: [Element], _ make: ([Element]) -> AttributeValue) throws -> AttributeValue {
        guard !elements.isEmpty else {
            throw EncodingError.invalidValue(
                elements,
                .init(
                    codingPath: self.codingPath,
                    debugDescription: "\(self.path): DynamoDB cannot store an empty set; make it optional and nil"
                )
            )
        }
        return make(elements)
    }

    var path: String { AttributePath.describe(self.codingPath) }
}

/// Sets of numbers, which DynamoDB stores as NS.
private protocol NumberSet {
    var numberStrings: [String] { get }
}

extension Set: NumberSet where Element: BinaryInteger {
    var numberStrings: [String] { self.sorted().map { String(describing: $0) } }
}

private struct MapContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    private func encoder(for key: any CodingKey) -> ItemEncoder {
        ItemEncoder(slot: self.slot.mapSlot(key.stringValue), codingPath: self.codingPath + [key])
    }

    // A nil optional is left out of the item rather than stored as NULL.
    mutating func encodeNil(forKey key: Key) throws {}

    // Strings, flags and integers go straight into the map: no encoder, slot or coding path for each.
    mutating func encode(_ value: String, forKey key: Key) throws { self.slot.set(key.stringValue, .value(.s(value))) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.slot.set(key.stringValue, .value(.bool(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.number(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.number(value, key) }

    private func number(_ value: some BinaryInteger, _ key: Key) {
        self.slot.set(key.stringValue, .value(.n(String(value))))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try self.encoder(for: key).store(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        self.encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.encoder(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { self.encoder(for: DynamicKey(stringValue: "super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { self.encoder(for: key) }
}

private struct ListContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int {
        if case .list(let members) = self.slot.content { return members.count }
        return 0
    }

    private func nextEncoder() -> ItemEncoder {
        let key = DynamicKey(intValue: self.count)
        return ItemEncoder(slot: self.slot.appendSlot(), codingPath: self.codingPath + [key])
    }

    mutating func encodeNil() throws { self.slot.append(.value(.null)) }

    // As in a map: strings and integers are appended as they are.
    mutating func encode(_ value: String) throws { self.slot.append(.value(.s(value))) }
    mutating func encode(_ value: Int) throws { self.slot.append(.value(.n(String(value)))) }
    mutating func encode(_ value: Int64) throws { self.slot.append(.value(.n(String(value)))) }

    mutating func encode<T: Encodable>(_ value: T) throws { try self.nextEncoder().store(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<
        NestedKey
    > {
        self.nextEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self.nextEncoder().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { self.nextEncoder() }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ItemEncoder
    var codingPath: [any CodingKey] { self.encoder.codingPath }

    mutating func encodeNil() throws { self.encoder.slot.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws { try self.encoder.store(value) }
}
