import FoundationEssentials
import Yams

/// template.yaml, read once and whole: what `gavel-local invoke` runs a function with, and what
/// `LocalProvisioner` creates on moto. The one reader of the template in the project.
package struct SAMTemplate: Sendable {
    /// The whole template, short-form intrinsics in their long form.
    package let root: TemplateValue

    /// Parses the template text.
    /// - Throws: `LocalError.template` when the text is not YAML or has no `Resources`.
    package init(yaml: String) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw LocalError.template("not valid YAML: \(error)")
        }
        guard let node else { throw LocalError.template("no Resources section") }
        self.root = try TemplateValue(node)
        guard case .map = self.root["Resources"] else { throw LocalError.template("no Resources section") }
    }

    /// Reads and parses the template at `path`.
    package init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw LocalError.unreadable(path, reason: "\(error)")
        }
        try self.init(yaml: String(decoding: data, as: UTF8.self))
    }

    /// Every resource, by logical id, in the template's order.
    package var resources: [(String, TemplateValue)] { self.root["Resources"]?.entries ?? [] }

    /// The properties of resource `logicalId`, unresolved.
    /// - Throws: `LocalError.template` when there is no such resource.
    package func properties(of logicalId: String) throws -> TemplateValue {
        guard let resource = self.resources.first(where: { $0.0 == logicalId })?.1 else {
            throw LocalError.template("the template has no resource \(logicalId)")
        }
        return resource["Properties"] ?? .map([])
    }

    /// The names of every `AWS::Serverless::Function` whose logical id follows the `<Name>Function` rule.
    package var functionNames: [String] {
        self.resources.compactMap { logicalId, resource in
            guard resource["Type"]?.string == "AWS::Serverless::Function" else { return nil }
            return FunctionSettings.name(forLogicalId: logicalId)
        }.sorted()
    }

    /// The settings of one function, its own properties over `Globals.Function`.
    /// - Throws: `LocalError.unknownFunction` when the template has no such function.
    package func settings(for name: String) throws -> FunctionSettings {
        let logicalId = FunctionSettings.logicalId(for: name)
        guard let resource = self.resources.first(where: { $0.0 == logicalId })?.1,
            let properties = resource["Properties"]
        else {
            throw LocalError.unknownFunction(name, known: self.functionNames)
        }
        var settings = FunctionSettings(name: name)
        for source in [self.root["Globals"]?["Function"], properties].compactMap({ $0 }) {
            try Self.apply(source, to: &settings, logicalId: logicalId)
        }
        return settings
    }

    private static func apply(
        _ properties: TemplateValue,
        to settings: inout FunctionSettings,
        logicalId: String
    ) throws {
        if let timeout = properties["Timeout"] {
            guard case .number(let text) = timeout, let seconds = Double(text) else {
                throw LocalError.template("\(logicalId) Timeout is not a number")
            }
            settings.timeoutSeconds = seconds
        }
        if let memory = properties["MemorySize"] {
            guard case .number(let text) = memory, let megabytes = Int(text) else {
                throw LocalError.template("\(logicalId) MemorySize is not an integer")
            }
            settings.memoryMB = megabytes
        }
        if let handler = properties["Handler"]?.string { settings.handler = handler }
        if let format = properties["LoggingConfig"]?["LogFormat"]?.string { settings.logFormat = format }
        if let tracing = properties["Tracing"]?.string { settings.tracing = tracing == "Active" }
        for (key, value) in properties["Environment"]?["Variables"]?.entries ?? [] {
            // An intrinsic (`!Ref`, `!Sub`, ...) names a value only the stack can resolve (`gavel-local dev`).
            guard let text = value.string else { continue }
            settings.environment[key] = text
        }
    }
}
