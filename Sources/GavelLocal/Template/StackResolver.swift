/// Resolves template values as CloudFormation would for one local stack: parameters (defaults, or the values
/// given), pseudo parameters, the template's Conditions, and `Ref`/`Fn::GetAtt` of the resources created so
/// far; `Fn::Sub`, `Fn::If`, `Fn::Join`, `Fn::Select` and `Fn::FindInMap` on top.
package struct StackResolver {
    package static let account = "123456789012"
    package static let region = "us-east-1"

    /// A value names a resource not created yet: resolve it on a later pass.
    package struct Unresolved: Error {
        package var name: String
    }

    package var parameters: [String: String]
    package var conditions: [String: Bool] = [:]
    /// What `Ref` of a resource gives.
    package var refs: [String: String] = [:]
    /// What `Fn::GetAtt` gives, by `Resource.Attribute`.
    package var attributes: [String: String] = [:]
    /// The template's `Mappings`, for `Fn::FindInMap`.
    private var mappings: TemplateValue = .null

    private static let pseudo: [String: String] = [
        "AWS::AccountId": account, "AWS::Region": region, "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "gavel-local",
    ]

    /// - Parameter overrides: parameter values that replace the defaults (names the template declares).
    package init(template: TemplateValue, overrides: [String: String]) throws {
        var parameters: [String: String] = [:]
        for (name, declaration) in template["Parameters"]?.entries ?? [] {
            parameters[name] = declaration["Default"]?.text ?? ""
        }
        for (name, value) in overrides where parameters[name] != nil { parameters[name] = value }
        self.parameters = parameters
        self.mappings = template["Mappings"] ?? .null
        for (name, condition) in template["Conditions"]?.entries ?? [] {
            self.conditions[name] = try self.truth(condition)
        }
    }

    /// Whether a resource with this `Condition` (or none) exists in the stack.
    package func includes(_ resource: TemplateValue) -> Bool {
        resource["Condition"]?.string.map { self.conditions[$0] ?? false } ?? true
    }

    func truth(_ condition: TemplateValue) throws -> Bool {
        guard case .map(let entries) = condition, entries.count == 1 else {
            throw LocalError.template("a condition is not one function")
        }
        let (function, argument) = entries[0]
        let items = argument.list ?? []
        switch function {
        case "Fn::Equals":
            guard items.count == 2 else { throw LocalError.template("Fn::Equals takes two values") }
            return try self.resolve(items[0]) == self.resolve(items[1])
        case "Fn::Not": return try !self.truth(items.first ?? .null)
        case "Fn::And": return try items.allSatisfy(self.truth)
        case "Fn::Or": return try items.contains(where: self.truth)
        case "Condition":
            guard let name = argument.string, let value = self.conditions[name] else {
                throw LocalError.template("unknown condition \(argument)")
            }
            return value
        default: throw LocalError.template("unsupported condition function \(function)")
        }
    }

    /// `value` with every intrinsic function replaced by its result; `AWS::NoValue` removes its entry.
    package func resolve(_ value: TemplateValue) throws -> TemplateValue {
        switch value {
        case .list(let items):
            return .list(try items.map(self.resolve).filter { $0 != Self.noValue })
        case .map(let entries) where entries.count == 1:
            let (key, argument) = entries[0]
            switch key {
            case "Ref":
                guard let name = argument.string else { throw LocalError.template("Ref of \(argument)") }
                return name == "AWS::NoValue" ? Self.noValue : .string(try self.lookup(name))
            case "Fn::GetAtt":
                let parts = try self.resolve(argument).list?.compactMap(\.string) ?? []
                guard parts.count == 2 else { throw LocalError.template("Fn::GetAtt of \(argument)") }
                return .string(try self.attribute(parts[0] + "." + parts[1]))
            case "Fn::Sub":
                return .string(try self.substitute(argument))
            case "Fn::If":
                let items = argument.list ?? []
                guard items.count == 3, let name = items[0].string, let condition = self.conditions[name] else {
                    throw LocalError.template("Fn::If of \(argument)")
                }
                return try self.resolve(condition ? items[1] : items[2])
            case "Fn::Join":
                let items = argument.list ?? []
                guard items.count == 2, let separator = items[0].string, let parts = try self.resolve(items[1]).list
                else {
                    throw LocalError.template("Fn::Join of \(argument)")
                }
                return .string(parts.compactMap(\.text).joined(separator: separator))
            case "Fn::FindInMap":
                let keys = try (argument.list ?? []).map { try self.resolve($0).text ?? "" }
                guard keys.count == 3, let value = self.mappings[keys[0]]?[keys[1]]?[keys[2]] else {
                    throw LocalError.template("Fn::FindInMap of \(argument)")
                }
                return try self.resolve(value)
            case "Fn::Select":
                let items = argument.list ?? []
                guard items.count == 2, let index = items[0].text.flatMap({ Int($0) }),
                    let list = try self.resolve(items[1]).list, list.indices.contains(index)
                else { throw LocalError.template("Fn::Select of \(argument)") }
                return list[index]
            default:
                return .map([(key, try self.resolve(argument))]).droppingNoValue
            }
        case .map(let entries):
            return .map(try entries.map { ($0.0, try self.resolve($0.1)) }).droppingNoValue
        default:
            return value
        }
    }

    private static let noValue = TemplateValue.map([("AWS::NoValue", .null)])

    func lookup(_ name: String) throws -> String {
        if let value = Self.pseudo[name] ?? self.parameters[name] ?? self.refs[name] { return value }
        if name.contains(".") { return try self.attribute(name) }
        throw Unresolved(name: name)
    }

    func attribute(_ name: String) throws -> String {
        guard let value = self.attributes[name] else { throw Unresolved(name: name) }
        return value
    }

    /// `Fn::Sub`: `${Name}` and `${Resource.Attribute}` replaced; `${!Literal}` kept as `${Literal}`.
    private func substitute(_ argument: TemplateValue) throws -> String {
        var text = argument.string ?? ""
        var variables: [String: String] = [:]
        if let items = argument.list, items.count == 2, let template = items[0].string {
            text = template
            for (name, value) in items[1].entries { variables[name] = try self.resolve(value).text }
        }
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[start.upperBound..<end])
            if name.hasPrefix("!") {
                result += "${" + name.dropFirst() + "}"
            } else {
                result += try variables[name] ?? self.lookup(name)
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

extension TemplateValue {
    /// The map without entries whose value is `AWS::NoValue`.
    fileprivate var droppingNoValue: TemplateValue {
        guard case .map(let entries) = self else { return self }
        return .map(entries.filter { $0.1 != .map([("AWS::NoValue", .null)]) })
    }
}
