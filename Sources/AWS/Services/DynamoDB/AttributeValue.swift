import JSON

/// One DynamoDB attribute value, in the shape the wire carries it (`{"S": "text"}`, `{"N": "42"}`).
///
/// Numbers stay strings, as DynamoDB sends them, so no digit of a 38-digit number is lost on the way through.
package enum AttributeValue: Sendable, Hashable {
    case s(String)
    case n(String)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
    case ss([String])
    case ns([String])
    case bs([[UInt8]])

    /// The wire type name (`S`, `N`, `M`…), for error messages.
    package var typeName: String {
        switch self {
        case .s: "S"
        case .n: "N"
        case .b: "B"
        case .bool: "BOOL"
        case .null: "NULL"
        case .m: "M"
        case .l: "L"
        case .ss: "SS"
        case .ns: "NS"
        case .bs: "BS"
        }
    }
}

extension AttributeValue: Codable {
    private struct TypeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        let key = TypeKey(stringValue: self.typeName)
        switch self {
        case .s(let value), .n(let value): try container.encode(value, forKey: key)
        case .b(let value): try container.encode(Base64.encode(value), forKey: key)
        case .bool(let value): try container.encode(value, forKey: key)
        case .null: try container.encode(true, forKey: key)
        case .m(let value): try container.encode(value, forKey: key)
        case .l(let value): try container.encode(value, forKey: key)
        case .ss(let value), .ns(let value): try container.encode(value, forKey: key)
        case .bs(let value): try container.encode(value.map { Base64.encode($0) }, forKey: key)
        }
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "an AttributeValue has exactly one type key")
            )
        }
        switch key.stringValue {
        case "S": self = .s(try container.decode(String.self, forKey: key))
        case "N": self = .n(try container.decode(String.self, forKey: key))
        case "B": self = .b(try Self.base64(container.decode(String.self, forKey: key), decoder))
        case "BOOL": self = .bool(try container.decode(Bool.self, forKey: key))
        case "NULL": self = .null
        case "M": self = .m(try container.decode([String: AttributeValue].self, forKey: key))
        case "L": self = .l(try container.decode([AttributeValue].self, forKey: key))
        case "SS": self = .ss(try container.decode([String].self, forKey: key))
        case "NS": self = .ns(try container.decode([String].self, forKey: key))
        case "BS": self = .bs(try container.decode([String].self, forKey: key).map { try Self.base64($0, decoder) })
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown AttributeValue type \(key.stringValue)"
                )
            )
        }
    }

    private static func base64(_ text: String, _ decoder: any Decoder) throws -> [UInt8] {
        guard let data = Base64.decode(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "B is not base64")
            )
        }
        return data
    }
}
