package import JSON

/// DynamoDB's JSON for attribute values read straight from a reply's bytes (`JSONReader`): about ten times
/// less work than `JSONDecoder` through `AttributeValue`'s `Decodable` conformance, which stays for tests.
extension AttributeValue {
    /// Reads one value (`{"S":"text"}`, `{"M":{…}}`) at the reader's position.
    package static func read(from reader: inout JSONReader) throws(JSONReader.Failure) -> AttributeValue {
        let start = reader.offset
        var value: AttributeValue?
        // The type key unmade: it is one of ten, and one per attribute.
        try reader.readObject(names: { (reader, type) throws(JSONReader.Failure) in
            guard value == nil else {
                throw JSONReader.Failure(offset: start, reason: "an attribute value has more than one type key")
            }
            value = try Self.read(type, from: &reader)
        })
        guard let value else {
            throw JSONReader.Failure(offset: start, reason: "an attribute value has no type key")
        }
        return value
    }

    /// Reads an item: an object of attribute names and values.
    package static func readItem(from reader: inout JSONReader) throws(JSONReader.Failure) -> [String: AttributeValue] {
        // Members first, then a map made at its size: grown one insert at a time it rehashed every key at
        // each doubling.
        var members: [(String, AttributeValue)] = []
        try reader.readObject { (reader, name) throws(JSONReader.Failure) in
            members.append((name, try Self.read(from: &reader)))
        }
        return Dictionary(members) { _, last in last }
    }

    /// Reads an array of items (a Query's `Items`).
    package static func readItems(
        from reader: inout JSONReader
    ) throws(JSONReader.Failure) -> [[String: AttributeValue]] {
        var items: [[String: AttributeValue]] = []
        try reader.readArray { reader throws(JSONReader.Failure) in items.append(try Self.readItem(from: &reader)) }
        return items
    }

    private static func read(
        _ type: JSONReader.Name,
        from reader: inout JSONReader
    ) throws(JSONReader.Failure) -> AttributeValue {
        if reader.name(type, is: "S") { return .s(try reader.readString()) }
        if reader.name(type, is: "N") { return .n(try reader.readString()) }
        if reader.name(type, is: "M") { return .m(try Self.readItem(from: &reader)) }
        if reader.name(type, is: "L") {
            var values: [AttributeValue] = []
            try reader.readArray { reader throws(JSONReader.Failure) in values.append(try Self.read(from: &reader)) }
            return .l(values)
        }
        if reader.name(type, is: "BOOL") { return .bool(try reader.readBool()) }
        if reader.name(type, is: "NULL") {
            _ = try reader.readBool()
            return .null
        }
        if reader.name(type, is: "SS") { return .ss(try Self.strings(&reader)) }
        if reader.name(type, is: "NS") { return .ns(try Self.strings(&reader)) }
        if reader.name(type, is: "B") { return .b(try Self.base64(&reader)) }
        if reader.name(type, is: "BS") {
            var values: [[UInt8]] = []
            try reader.readArray { reader throws(JSONReader.Failure) in values.append(try Self.base64(&reader)) }
            return .bs(values)
        }
        throw JSONReader.Failure(
            offset: reader.offset,
            reason: "unknown attribute value type \(reader.string(of: type))"
        )
    }

    private static func strings(_ reader: inout JSONReader) throws(JSONReader.Failure) -> [String] {
        var values: [String] = []
        try reader.readArray { reader throws(JSONReader.Failure) in values.append(try reader.readString()) }
        return values
    }

    private static func base64(_ reader: inout JSONReader) throws(JSONReader.Failure) -> [UInt8] {
        let start = reader.offset
        guard let data = Base64.decode(try reader.readString()) else {
            throw JSONReader.Failure(offset: start, reason: "a binary value is not base64")
        }
        return data
    }
}

/// DynamoDB's JSON for attribute values written straight to bytes (`JSONWriter`).
extension AttributeValue {
    /// Writes the value (`{"S":"text"}`). The one-member object around the value is written as text, not
    /// opened and closed member by member: there is one per attribute, and it was a fifth of writing an item.
    package func write(to writer: inout JSONWriter) {
        switch self {
        case .s(let text):
            writer.raw(#"{"S":"#)
            writer.string(text)
        case .n(let text):
            writer.raw(#"{"N":"#)
            writer.string(text)
        case .b(let data):
            writer.raw(#"{"B":"#)
            writer.string(Base64.encode(data))
        case .bool(let flag):
            writer.raw(#"{"BOOL":"#)
            writer.bool(flag)
        case .null:
            writer.raw(#"{"NULL":true"#)
        case .m(let item):
            writer.raw(#"{"M":"#)
            Self.write(item, to: &writer)
        case .l(let values):
            writer.raw(#"{"L":"#)
            writer.array { writer in
                for value in values { writer.element { value.write(to: &$0) } }
            }
        case .ss(let texts):
            writer.raw(#"{"SS":"#)
            Self.write(texts, to: &writer)
        case .ns(let texts):
            writer.raw(#"{"NS":"#)
            Self.write(texts, to: &writer)
        case .bs(let values):
            writer.raw(#"{"BS":"#)
            Self.write(values.map { Base64.encode($0) }, to: &writer)
        }
        writer.raw("}")
    }

    private static func write(_ texts: [String], to writer: inout JSONWriter) {
        writer.array { writer in
            for text in texts { writer.element { $0.string(text) } }
        }
    }

    /// Writes an item: an object of attribute names and values.
    package static func write(_ item: [String: AttributeValue], to writer: inout JSONWriter) {
        writer.object { writer in
            for (name, value) in item { writer.member(name) { value.write(to: &$0) } }
        }
    }
}

extension JSONWriter {
    /// A member whose value is an item (`Key`, `Item`, `ExpressionAttributeValues`), left out when nil.
    package mutating func member(_ key: String, item: [String: AttributeValue]?) {
        guard let item else { return }
        self.member(key) { AttributeValue.write(item, to: &$0) }
    }
}
