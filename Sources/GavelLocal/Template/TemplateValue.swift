import FoundationEssentials
package import Yams

/// A value of template.yaml as CloudFormation sees it: JSON's kinds, with each short-form intrinsic
/// (`!Ref X`, `!GetAtt A.B`, `!Sub`, `!If`, `!Equals`, …) turned into its long form (`{"Ref": "X"}`,
/// `{"Fn::GetAtt": ["A", "B"]}`), so one resolver handles both spellings.
package indirect enum TemplateValue: Sendable, Equatable, Encodable {
    case string(String)
    /// Kept as written (`300`, `0.5`) and encoded as a JSON number.
    case number(String)
    case bool(Bool)
    case null
    case list([TemplateValue])
    /// In the template's order.
    case map([(String, TemplateValue)])

    package static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The template node, short-form tags expanded.
    package init(_ node: Node) throws {
        let tag = node.tag.rawValue
        let value: TemplateValue
        switch node {
        case .scalar(let scalar):
            switch tag {
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: value = .number(scalar.string)
            case Tag.Name.bool.rawValue: value = .bool(node.bool ?? false)
            case Tag.Name.null.rawValue: value = .null
            default: value = .string(scalar.string)
            }
        case .sequence(let sequence):
            value = .list(try sequence.map(TemplateValue.init))
        case .mapping(let mapping):
            value = .map(
                try mapping.map { key, value in
                    guard let name = key.string else { throw LocalError.template("a mapping key is not a string") }
                    return (name, try TemplateValue(value))
                }
            )
        case .alias:
            throw LocalError.template("YAML aliases are not used in CloudFormation templates")
        }
        guard tag.hasPrefix("!") else {
            self = value
            return
        }
        let function = String(tag.dropFirst())
        switch (function, value) {
        case ("Ref", _): self = .map([("Ref", value)])
        case ("Condition", _): self = .map([("Condition", value)])
        case ("GetAtt", .string(let dotted)):
            let parts = dotted.split(separator: ".", maxSplits: 1).map { TemplateValue.string(String($0)) }
            self = .map([("Fn::GetAtt", .list(parts))])
        default: self = .map([("Fn::" + function, value)])
        }
    }

    package subscript(key: String) -> TemplateValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.0 == key }?.1
    }

    package var string: String? { if case .string(let text) = self { text } else { nil } }
    package var list: [TemplateValue]? { if case .list(let items) = self { items } else { nil } }
    package var entries: [(String, TemplateValue)] { if case .map(let entries) = self { entries } else { [] } }

    /// The value as an environment variable or an attribute string holds it (booleans in lower case).
    package var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }

    /// The map without the keys not in `keys`.
    package func only(_ keys: Set<String>) -> TemplateValue { .map(self.entries.filter { keys.contains($0.0) }) }

    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int64(text) {
                try container.encode(integer)
            } else {
                try container.encode(Double(text) ?? 0)
            }
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .list(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .map(let entries):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in entries { try container.encode(value, forKey: Key(key)) }
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
