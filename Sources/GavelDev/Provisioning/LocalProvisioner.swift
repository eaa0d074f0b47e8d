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
        var resolver = try StackResolver(template: template.root, overrides: overrides)
        let secrets = overrides.filter { resolver.parameters[$0.key] == nil }
        var pending = template.resources.filter { resolver.includes($0.1) }
        while !pending.isEmpty {
            var left: [(String, TemplateValue)] = []
            for (name, resource) in pending {
                do {
                    let properties = try resolver.resolve(resource["Properties"] ?? .map([]))
                    try await self.create(
                        name,
                        type: resource["Type"]?.string ?? "",
                        properties,
                        secrets: secrets,
                        into: &resolver
                    )
                } catch is StackResolver.Unresolved {
                    left.append((name, resource))
                }
            }
            guard left.count < pending.count else {
                throw LocalError.template(
                    "cannot resolve \(left.map(\.0).sorted()): a reference cycle or an unknown name"
                )
            }
            pending = left
        }
        var stack = try await self.describe(template, resolver: resolver)
        if demo { stack.demo = try await DemoData.seed(on: stack) }
        return stack
    }

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
