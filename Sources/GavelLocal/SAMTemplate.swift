import FoundationEssentials
import Yams

/// The parts of template.yaml that gavel-local reads.
///
/// CloudFormation's short tags (`!Ref`, `!Sub`, `!GetAtt`) stay tagged nodes here: a value that needs
/// one is not a plain string, so it is left out of `FunctionSettings.environment`.
package struct SAMTemplate {
    private let root: Node

    /// Parses the template text.
    /// - Throws: `LocalError.template` when the text is not YAML or has no `Resources`.
    package init(yaml: String) throws {
        do {
            guard let root = try Yams.compose(yaml: yaml), root["Resources"]?.mapping != nil else {
                throw LocalError.template("no Resources section")
            }
            self.root = root
        } catch let error as LocalError {
            throw error
        } catch {
            throw LocalError.template("not valid YAML: \(error)")
        }
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

    /// The names of every `AWS::Serverless::Function` whose logical id follows the `<Name>Function` rule.
    package var functionNames: [String] {
        (self.root["Resources"]?.mapping ?? [:]).compactMap { key, resource in
            guard resource["Type"]?.string == "AWS::Serverless::Function", let logicalId = key.string else {
                return nil
            }
            return FunctionSettings.name(forLogicalId: logicalId)
        }.sorted()
    }

    /// The settings of one function, its own properties over `Globals.Function`.
    /// - Throws: `LocalError.unknownFunction` when the template has no such function.
    package func settings(for name: String) throws -> FunctionSettings {
        let logicalId = FunctionSettings.logicalId(for: name)
        guard let resource = self.root["Resources"]?[logicalId], let properties = resource["Properties"] else {
            throw LocalError.unknownFunction(name, known: self.functionNames)
        }
        var settings = FunctionSettings(name: name)
        for source in [self.root["Globals"]?["Function"], properties].compactMap({ $0 }) {
            try self.apply(source, to: &settings, logicalId: logicalId)
        }
        return settings
    }

    private func apply(_ properties: Node, to settings: inout FunctionSettings, logicalId: String) throws {
        if let timeout = properties["Timeout"] {
            guard let seconds = timeout.float else { throw LocalError.template("\(logicalId) Timeout is not a number") }
            settings.timeoutSeconds = seconds
        }
        if let memory = properties["MemorySize"] {
            guard let megabytes = memory.int else {
                throw LocalError.template("\(logicalId) MemorySize is not an integer")
            }
            settings.memoryMB = megabytes
        }
        if let handler = properties["Handler"]?.string { settings.handler = handler }
        if let format = properties["LoggingConfig"]?["LogFormat"]?.string { settings.logFormat = format }
        for (key, value) in properties["Environment"]?["Variables"]?.mapping ?? [:] {
            // A custom tag (`!Ref`, `!Sub`, ...) names a value only CloudFormation can resolve.
            guard let key = key.string, case .scalar(let scalar) = value, !scalar.tag.rawValue.hasPrefix("!") else {
                continue
            }
            settings.environment[key] = scalar.string
        }
    }
}
