package import AWS
import GavelDev
import GavelTesting

/// Control-plane calls the tests need and the functions never make (tables, queues, buckets…), sent through
/// the same signed client as everything else.
extension Moto.Account {
    /// A name no other test uses: `prefix-<random>`.
    package func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Reads moto's record of what it holds (`/moto-api/data.json`), e.g. the emails SES "sent".
    package func modelData() async throws -> String {
        // moto builds this dump by walking every backend's dictionaries; a test changing them at that moment
        // makes it fail with a 500 ("dictionary changed size during iteration"), so a 500 is asked again.
        for _ in 0..<10 {
            let response = try await Moto.transport.send(
                TransportRequest(method: "GET", url: self.endpoint + "/moto-api/data.json")
            )
            if response.status == 200 { return String(decoding: response.body, as: UTF8.self) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MissingPrerequisite("moto's /moto-api/data.json kept answering 500")
    }

    /// Receives and deletes the messages on `queueURL` until `count` have arrived or five long polls of a
    /// second came back short; returns what arrived.
    package func drain(_ queueURL: String, expecting count: Int) async throws -> [SQS.Message] {
        let sqs = SQS(client: try self.client(.sqs))
        var messages: [SQS.Message] = []
        for _ in 0..<5 where messages.count < count {
            let batch = try await sqs.receive(from: queueURL, maxMessages: 10, waitSeconds: 1)
            messages += batch
            for message in batch { try await sqs.delete(receiptHandle: message.receiptHandle, from: queueURL) }
        }
        return messages
    }

    /// Creates template.yaml's table `logicalId` (keys, indexes, TTL as the template declares them) under the
    /// name `name`, so no test repeats a key schema the template states.
    package func createTable(_ logicalId: String, named name: String) async throws {
        let provisioner = LocalProvisioner(
            endpoint: self.endpoint,
            aws: try AWSClients(environment: self.environment, transport: Moto.transport)
        )
        try await provisioner.createTable(logicalId, of: Moto.template, named: name)
    }

    /// A global secondary index to create with a table (projecting all attributes).
    package struct Index: Sendable {
        package var name: String
        package var hash: (name: String, type: String)
        package var range: (name: String, type: String)?

        package init(_ name: String, hash: (String, String), range: (String, String)? = nil) {
            self.name = name
            self.hash = hash
            self.range = range
        }
    }

    /// Creates an on-demand table keyed by string `hash` (and `range`, of `rangeType` S or N), with `indexes`.
    package func createTable(
        _ name: String,
        hash: String,
        range: String? = nil,
        rangeType: String = "S",
        indexes: [Index] = []
    ) async throws {
        struct Attribute: Encodable, Hashable {
            var AttributeName: String
            var AttributeType: String
        }
        struct Key: Encodable {
            var AttributeName: String
            var KeyType: String
        }
        struct IndexProjection: Encodable { var ProjectionType = "ALL" }
        struct GSI: Encodable {
            var IndexName: String
            var KeySchema: [Key]
            var Projection = IndexProjection()
        }
        struct Input: Encodable {
            var TableName: String
            var AttributeDefinitions: [Attribute]
            var KeySchema: [Key]
            var GlobalSecondaryIndexes: [GSI]?
            var BillingMode = "PAY_PER_REQUEST"
        }
        var attributes = [Attribute(AttributeName: hash, AttributeType: "S")]
        var keys = [Key(AttributeName: hash, KeyType: "HASH")]
        if let range {
            attributes.append(Attribute(AttributeName: range, AttributeType: rangeType))
            keys.append(Key(AttributeName: range, KeyType: "RANGE"))
        }
        var globalIndexes: [GSI] = []
        for index in indexes {
            var schema = [Key(AttributeName: index.hash.name, KeyType: "HASH")]
            attributes.append(Attribute(AttributeName: index.hash.name, AttributeType: index.hash.type))
            if let range = index.range {
                schema.append(Key(AttributeName: range.name, KeyType: "RANGE"))
                attributes.append(Attribute(AttributeName: range.name, AttributeType: range.type))
            }
            globalIndexes.append(GSI(IndexName: index.name, KeySchema: schema))
        }
        var seen: Set<String> = []
        attributes = attributes.filter { seen.insert($0.AttributeName).inserted }
        try await self.client(.dynamoDB).createTable(
            Input(
                TableName: name,
                AttributeDefinitions: attributes,
                KeySchema: keys,
                GlobalSecondaryIndexes: globalIndexes.isEmpty ? nil : globalIndexes
            )
        )
    }

    /// Creates a queue (FIFO with content-based deduplication when `name` ends in `.fifo`); returns its URL.
    package func createQueue(_ name: String) async throws -> String {
        struct Input: Encodable {
            var QueueName: String
            var Attributes: [String: String]
        }
        struct Output: Decodable { var QueueUrl: String }
        let fifo = name.hasSuffix(".fifo")
        let attributes = fifo ? ["FifoQueue": "true", "ContentBasedDeduplication": "true"] : [:]
        return try await self.client(.sqs).json(
            "CreateQueue",
            Input(QueueName: name, Attributes: attributes),
            as: Output.self
        ).QueueUrl
    }

    /// Creates a secret holding `value`.
    package func createSecret(_ name: String, value: String) async throws {
        struct Input: Encodable {
            var Name: String
            var SecretString: String
        }
        _ = try await self.client(.secretsManager).json(
            "CreateSecret",
            Input(Name: name, SecretString: value),
            as: AWSJSON.NoOutput.self
        )
    }

    /// Changes a secret's value.
    package func putSecretValue(_ name: String, value: String) async throws {
        struct Input: Encodable {
            var SecretId: String
            var SecretString: String
        }
        _ = try await self.client(.secretsManager).json(
            "PutSecretValue",
            Input(SecretId: name, SecretString: value),
            as: AWSJSON.NoOutput.self
        )
    }

    /// Creates a symmetric KMS key; returns its id.
    package func createKey() async throws -> String {
        struct Input: Encodable { var Description = "gavel tests" }
        struct Output: Decodable {
            struct Metadata: Decodable { var KeyId: String }
            var KeyMetadata: Metadata
        }
        return try await self.client(.kms).json("CreateKey", Input(), as: Output.self).KeyMetadata.KeyId
    }

    /// Creates a bucket (path-style, as the client addresses moto).
    package func createBucket(_ name: String) async throws {
        _ = try await self.client(.s3).send(ServiceRequest(operation: "CreateBucket", method: "PUT", path: "/\(name)"))
    }

    /// Creates a Scheduler schedule group.
    package func createScheduleGroup(_ name: String) async throws {
        struct Input: Encodable {}
        _ = try await self.client(.scheduler).restJSON(
            "CreateScheduleGroup",
            method: "POST",
            path: "/schedule-groups/\(name)",
            input: Input(),
            as: AWSJSON.NoOutput.self
        )
    }

    /// The names of the schedules in `group` (on the server without signature checks: see `SniperFixture`).
    package func scheduleNames(group: String) async throws -> [String] {
        struct Output: Decodable {
            struct Summary: Decodable { var Name: String }
            var Schedules: [Summary]
        }
        return try await self.client(.scheduler).restJSON(
            "ListSchedules",
            method: "GET",
            path: "/schedules",
            query: [.init("ScheduleGroup", group)],
            as: Output.self
        ).Schedules.map(\.Name)
    }

    /// Verifies an SES sender address (moto verifies at once).
    package func verifyEmailIdentity(_ address: String) async throws {
        struct Input: Encodable { var EmailIdentity: String }
        _ = try await self.client(.sesV2).restJSON(
            "CreateEmailIdentity",
            method: "POST",
            path: "/v2/email/identities",
            input: Input(EmailIdentity: address),
            as: AWSJSON.NoOutput.self
        )
    }
}
