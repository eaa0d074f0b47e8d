package import AWS
import FoundationEssentials
package import GavelLocal

/// Creates template.yaml's resources on the embedded AWS (moto) and describes the result as a `LocalStack`.
///
/// The template is the only list of resources: every table (keys, indexes, TTL), queue (FIFO settings,
/// redrive to its dead-letter queue), bucket (CORS, and for each S3 event a notification to an internal queue
/// that `gavel-local dev` polls), secret, KMS key and alias, user pool and client, schedule group and SES
/// identity is created from its properties, with the intrinsics and Conditions resolved as CloudFormation
/// would (`StackResolver`). What moto has no use for (alarms, topics, roles, policies, log groups, the HTTP
/// API) gets a name and an ARN but is not created.
package struct LocalProvisioner: Sendable {
    /// moto's `http://127.0.0.1:<port>`.
    package let endpoint: String
    let aws: AWSClients

    package init(endpoint: String) throws {
        self.init(endpoint: endpoint, aws: try AWSClients.local(endpoint: endpoint))
    }

    /// A provisioner that signs with `aws`'s credentials (a moto with signature checks, in tests).
    package init(endpoint: String, aws: AWSClients) {
        self.endpoint = endpoint
        self.aws = aws
    }

    /// Creates every resource of `template` that its Conditions include.
    /// - Parameters:
    ///   - overrides: template parameters (`EmailProvider=ses`); any other name is a secret's logical id
    ///     whose value replaces the template's (`EbayCredentials={...}`).
    ///   - demo: whether to seed a signed-up user, two products and a cart (`LocalStack.demo`).
    package func provision(
        _ template: SAMTemplate,
        overrides: [String: String] = [:],
        demo: Bool = true
    ) async throws -> LocalStack {
        var (stack, _) = try await self.make(template, overrides: overrides, over: nil)
        if demo { stack.demo = try await DemoData.seed(on: stack) }
        return stack
    }

    /// Applies a changed template to the stack already on moto, keeping its data: creates the resources the
    /// template gained, describes the functions, routes and event sources again, and leaves alone what it
    /// cannot change in place (a table's keys, a queue's attributes: listed in `notApplied`) and what the
    /// template lost (listed in `removed`, still on moto until the next fresh start).
    package func update(
        _ template: SAMTemplate,
        from stack: LocalStack,
        overrides: [String: String] = [:]
    ) async throws -> (LocalStack, TemplateChanges) {
        guard let before = stack.provisioned else {
            throw LocalError.dev("this stack was described by an older gavel-local; restart scripts/dev to apply it")
        }
        var (updated, changes) = try await self.make(template, overrides: overrides, over: before)
        updated.demo = stack.demo
        return (updated, changes)
    }

    /// What applying a template changed, by logical id.
    package struct TemplateChanges: Sendable, Equatable {
        /// New resources, now on moto.
        package var created: [String] = []
        /// Resources whose properties changed and that only name things for the functions (functions, roles,
        /// alarms, the HTTP API): applied by describing the stack again.
        package var updated: [String] = []
        /// Resources on moto whose properties changed: replacing them would lose their data, so they stay as
        /// they were until the next fresh start.
        package var notApplied: [String] = []
        /// Resources the template no longer declares: left on moto.
        package var removed: [String] = []

        package var isEmpty: Bool { self == TemplateChanges() }
    }

    /// Creates what `template` declares and `before` did not make, in dependency order, and describes the
    /// stack. Every resource `before` made keeps its names, so references to it resolve as they did.
    private func make(
        _ template: SAMTemplate,
        overrides: [String: String],
        over before: LocalStack.Provisioned?
    ) async throws -> (LocalStack, TemplateChanges) {
        var resolver = try StackResolver(template: template.root, overrides: overrides)
        let secrets = overrides.filter { resolver.parameters[$0.key] == nil }
        let included = template.resources.filter { resolver.includes($0.1) }
        var made: [String: String] = [:]
        var changes = TemplateChanges()
        // Sorted keys: a fingerprint must not depend on a dictionary's order in one process or the next.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let before {
            for (name, resource) in included where before.type(of: name) == resource["Type"]?.string {
                resolver.refs[name] = before.refs[name]
                for (key, value) in before.attributes where key.hasPrefix(name + ".") {
                    resolver.attributes[key] = value
                }
            }
            let declared = Set(included.map(\.0))
            changes.removed = before.made.keys.filter { !declared.contains($0) }.sorted()
        }
        var pending = included
        while !pending.isEmpty {
            var left: [(String, TemplateValue)] = []
            for (name, resource) in pending {
                let type = resource["Type"]?.string ?? ""
                let properties: TemplateValue
                do {
                    properties = try resolver.resolve(resource["Properties"] ?? .map([]))
                } catch is StackResolver.Unresolved {
                    left.append((name, resource))
                    continue
                }
                let fingerprint = type + "\n" + String(decoding: try encoder.encode(properties), as: UTF8.self)
                if let previous = before?.made[name], before?.type(of: name) == type {
                    if previous == fingerprint {
                        made[name] = fingerprint
                        continue
                    }
                    guard !Self.keepsData.contains(type) else {
                        // What moto holds is still what `previous` describes.
                        made[name] = previous
                        changes.notApplied.append(name)
                        continue
                    }
                    changes.updated.append(name)
                } else if before != nil {
                    changes.created.append(name)
                }
                try await self.create(name, type: type, properties, secrets: secrets, into: &resolver)
                made[name] = fingerprint
            }
            guard left.count < pending.count else {
                throw LocalError.template(
                    "cannot resolve \(left.map(\.0).sorted()): a reference cycle or an unknown name"
                )
            }
            pending = left
        }
        var stack = try await self.describe(template, resolver: resolver)
        stack.provisioned = LocalStack.Provisioned(made: made, refs: resolver.refs, attributes: resolver.attributes)
        changes.created.sort()
        changes.updated.sort()
        changes.notApplied.sort()
        return (stack, changes)
    }

    /// The resource types created on moto and holding state there (rows, messages, objects, users, keys):
    /// changing one in place is not attempted. Every other type only gives the stack names and ARNs.
    static let keepsData: Set<String> = [
        "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::KMS::Key", "AWS::KMS::Alias",
        "AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup",
        "AWS::Scheduler::ScheduleGroup", "AWS::S3::Bucket", "AWS::SES::EmailIdentity", "AWS::SES::ConfigurationSet",
    ]

    /// Creates one table as the template declares `logicalId`, under `name` (tests give each table a name of
    /// its own, so the template stays the only statement of its keys and indexes).
    package func createTable(_ logicalId: String, of template: SAMTemplate, named name: String) async throws {
        // Only what shapes the table: its encryption names the stack's key, which tests have no use for.
        let shape = try template.properties(of: logicalId).only(Self.tableShape)
        let resolved = try StackResolver(template: template.root, overrides: [:]).resolve(shape)
        try await self.createTable(.map([("TableName", .string(name))] + resolved.entries))
    }
}

extension AWSClients {
    /// Clients of the embedded AWS at `endpoint`, in the local stack's region, with its keys.
    static func local(endpoint: String) throws -> AWSClients {
        try AWSClients(environment: LocalAWS.environment([:], endpoint: endpoint))
    }
}

extension AWSClient {
    /// DynamoDB CreateTable that recognises its own effect: when a reply is lost (moto is slow under a full
    /// test run) the client sends the call again and the table made by the first attempt answers
    /// `ResourceInUseException`. Every name created here is new (a fresh moto, or a test's unique name), so an
    /// existing table is the one this call made.
    package func createTable(_ input: some Encodable) async throws {
        do {
            let _: AWSJSON.NoOutput = try await self.json("CreateTable", input)
        } catch let error where error.context.code == "ResourceInUseException" {
            return
        }
    }
}
