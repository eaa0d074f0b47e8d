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
///
/// A value encoded through `encode(_:forKey:)` or `encode(_:)` is complete when that call returns, so it is
/// stored resolved. Only a nested container (`nestedContainer`, `superEncoder`) may be filled after the
/// call that made it: its slot stays open until the whole value resolves.
private final class Slot {
    enum Content {
        case empty
        case value(AttributeValue)
        case map([String: AttributeValue], open: [(key: String, slot: Slot)])
        case list([AttributeValue], open: [(index: Int, slot: Slot)])
    }

    var content = Content.empty

    func resolved() -> AttributeValue? {
        switch self.content {
        case .empty: return nil
        case .value(let value): return value
        case .map(var members, let open):
            // An open slot left empty (a nil optional) leaves its key out.
            for (key, slot) in open { members[key] = slot.resolved() }
            return .m(members)
        case .list(var elements, let open):
            for (index, slot) in open { elements[index] = slot.resolved() ?? .null }
            return .l(elements)
        }
    }

    // Each takes the collection out of `content` before adding to it, so the collection is uniquely held and
    // grows in place: left in `content`, every member added copied the whole map (quadratic in its size).
    /// Sets `key` to `value`, or, with `slot`, to what that nested container resolves to later.
    func set(_ key: String, _ value: AttributeValue?, opening slot: Slot? = nil) {
        var members: [String: AttributeValue] = [:]
        var open: [(key: String, slot: Slot)] = []
        if case .map(let existing, let existingOpen) = self.content {
            (members, open) = (existing, existingOpen)
            self.content = .empty
        }
        members[key] = value
        if !open.isEmpty { open.removeAll { $0.key == key } }  // the last write of a key wins
        if let slot { open.append((key, slot)) }
        self.content = .map(members, open: open)
    }

    /// Appends `value`, or, with `slot`, a place for what that nested container resolves to later.
    func append(_ value: AttributeValue, opening slot: Slot? = nil) {
        var elements: [AttributeValue] = []
        var open: [(index: Int, slot: Slot)] = []
        if case .list(let existing, let existingOpen) = self.content {
            (elements, open) = (existing, existingOpen)
            self.content = .empty
        }
        if let slot { open.append((elements.count, slot)) }
        elements.append(value)
        self.content = .list(elements, open: open)
    }

    func mapSlot(_ key: String) -> Slot {
        let slot = Slot()
        self.set(key, nil, opening: slot)
        return slot
    }

    func appendSlot() -> Slot {
        let slot = Slot()
        self.append(.null, opening: slot)
        return slot
    }

    var count: Int {
        if case .list(let elements, _) = self.content { return elements.count }
        return 0
    }
}

private struct ItemEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .map = self.slot.content {} else { self.slot.content = .map([:], open: []) }
        return KeyedEncodingContainer(MapContainer<Key>(slot: self.slot, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .list = self.slot.content {} else { self.slot.content = .list([], open: []) }
        return ListContainer(slot: self.slot, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    /// Stores `value`, taking the types DynamoDB has its own shapes for before asking `value` to encode itself.
    func store<T: Encodable>(_ value: T) throws {
        if let special = try Self.special(value, at: self.codingPath) {
            self.slot.content = .value(special)
        } else {
            try value.encode(to: self)
        }
    }

    /// The attribute `value` encodes as, nil when it encodes as nothing (an empty single-value container).
    /// The path is made only for a value that encodes itself or fails: a scalar or a set needs none.
    static func attribute<T: Encodable>(
        _ value: T,
        at path: @autoclosure () -> [any CodingKey]
    ) throws -> AttributeValue? {
        if let special = try Self.special(value, at: path()) { return special }
        let slot = Slot()
        try value.encode(to: ItemEncoder(slot: slot, codingPath: path()))
        return slot.resolved()
    }

    private static func special<T: Encodable>(
        _ value: T,
        at path: @autoclosure () -> [any CodingKey]
    ) throws -> AttributeValue? {
        // By type, not by cast: an empty array of any element type casts to `[UInt8]`.
        if T.self == [UInt8].self { return .b(value as! [UInt8]) }
        // The common types by identity first: a cast that fails is a runtime lookup, for every value.
        if T.self == String.self { return .s(value as! String) }
        if T.self == Int.self { return .n(String(value as! Int)) }
        if T.self == Int64.self { return .n(String(value as! Int64)) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        if T.self == Set<String>.self { return try String.attribute(of: value as! Set<String>, at: path()) }
        // Lists of strings and of integers, as `Array`'s own `encode(to:)` would make them, without its
        // unspecialised walk through an unkeyed container (a third of encoding an item that has two).
        if T.self == [String].self { return .l((value as! [String]).map(AttributeValue.s)) }
        if T.self == [Int].self { return .l((value as! [Int]).map { .n(String($0)) }) }
        // Every other type with a shape of its own, in one conformance check. The cast looks through an
        // Optional; a nil one fails it and encodes itself as nil.
        if let stored = value as? any StoredAttribute { return try stored.attribute(at: path()) }
        return nil
    }

    fileprivate static func number(_ value: Double, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard value.isFinite else {
            let path = path()
            throw EncodingError.invalidValue(
                value,
                .init(
                    codingPath: path,
                    debugDescription: "\(AttributePath.describe(path)): DynamoDB numbers must be finite"
                )
            )
        }
        // Whole numbers without ".0", so epoch seconds read as integers (TTL needs that).
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(describing: value)
    }

    fileprivate static func set<Element>(
        _ elements: [Element],
        _ make: ([Element]) -> AttributeValue,
        _ path: @autoclosure () -> [any CodingKey]
    ) throws -> AttributeValue {
        guard !elements.isEmpty else {
            let path = path()
            throw EncodingError.invalidValue(
                elements,
                .init(
                    codingPath: path,
                    debugDescription:
                        "\(AttributePath.describe(path)): DynamoDB cannot store an empty set; make it optional and nil"
                )
            )
        }
        return make(elements)
    }
}

/// A type DynamoDB stores in a shape of its own: a number as N, a set as SS, NS or BS.
private protocol StoredAttribute {
    func attribute(at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue
}

extension String: StoredAttribute {
    func attribute(at path: @autoclosure () -> [any CodingKey]) -> AttributeValue { .s(self) }
}

extension Bool: StoredAttribute {
    func attribute(at path: @autoclosure () -> [any CodingKey]) -> AttributeValue { .bool(self) }
}

extension Double: StoredAttribute {
    func attribute(at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        .n(try ItemEncoder.number(self, path()))
    }
}

extension Float: StoredAttribute {
    func attribute(at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        .n(try ItemEncoder.number(Double(self), path()))
    }
}

extension StoredAttribute where Self: BinaryInteger {
    func attribute(at path: @autoclosure () -> [any CodingKey]) -> AttributeValue { .n(String(self)) }
}

extension Int: StoredAttribute {}
extension Int8: StoredAttribute {}
extension Int16: StoredAttribute {}
extension Int32: StoredAttribute {}
extension Int64: StoredAttribute {}
extension UInt: StoredAttribute {}
extension UInt8: StoredAttribute {}
extension UInt16: StoredAttribute {}
extension UInt32: StoredAttribute {}
extension UInt64: StoredAttribute {}

/// An element type DynamoDB has a set of: strings (SS), numbers (NS), byte arrays (BS).
private protocol SetMember: Hashable {
    static func attribute(of set: Set<Self>, at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue
}

extension Set: StoredAttribute where Element: SetMember {
    func attribute(at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        try Element.attribute(of: self, at: path())
    }
}

extension String: SetMember {
    static func attribute(of set: Set<String>, at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        try ItemEncoder.set(set.sorted(), AttributeValue.ss, path())
    }
}

extension SetMember where Self: BinaryInteger {
    static func attribute(of set: Set<Self>, at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        try ItemEncoder.set(set.sorted().map { String($0) }, AttributeValue.ns, path())
    }
}

extension Int: SetMember {}
extension Int8: SetMember {}
extension Int16: SetMember {}
extension Int32: SetMember {}
extension Int64: SetMember {}
extension UInt: SetMember {}
extension UInt8: SetMember {}
extension UInt16: SetMember {}
extension UInt32: SetMember {}
extension UInt64: SetMember {}

extension Array: SetMember where Element == UInt8 {
    static func attribute(of set: Set<[UInt8]>, at path: @autoclosure () -> [any CodingKey]) throws -> AttributeValue {
        try ItemEncoder.set(Array<[UInt8]>(set), AttributeValue.bs, path())
    }
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
    mutating func encode(_ value: String, forKey key: Key) throws { self.slot.set(key.stringValue, .s(value)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.slot.set(key.stringValue, .bool(value)) }
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
        self.slot.set(key.stringValue, .n(String(value)))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.slot.set(key.stringValue, try ItemEncoder.attribute(value, at: self.codingPath + [key]))
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
    var count: Int { self.slot.count }

    private func nextEncoder() -> ItemEncoder {
        let key = DynamicKey(intValue: self.count)
        return ItemEncoder(slot: self.slot.appendSlot(), codingPath: self.codingPath + [key])
    }

    mutating func encodeNil() throws { self.slot.append(.null) }

    // As in a map: strings and integers are appended as they are.
    mutating func encode(_ value: String) throws { self.slot.append(.s(value)) }
    mutating func encode(_ value: Int) throws { self.slot.append(.n(String(value))) }
    mutating func encode(_ value: Int64) throws { self.slot.append(.n(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = self.count
        self.slot.append(try ItemEncoder.attribute(value, at: self.codingPath + [DynamicKey(intValue: index)]) ?? .null)
    }

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
