import AWS
import FoundationEssentials
import GavelLocal

/// Creating each kind of resource on moto, with the properties CloudFormation would pass.
extension LocalProvisioner {
    /// The table properties that shape it (the rest, encryption and backups, moto ignores).
    static let tableShape: Set<String> = [
        "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode", "TimeToLiveSpecification",
    ]

    func create(
        _ name: String,
        type: String,
        _ p: TemplateValue,
        secrets: [String: String],
        into stack: inout StackResolver
    ) async throws {
        func arn(_ service: String, _ rest: String) -> String {
            "arn:aws:\(service):\(StackResolver.region):\(StackResolver.account):\(rest)"
        }
        func required(_ key: String) throws -> String {
            guard let value = p[key]?.text else { throw LocalError.template("\(name) has no \(key)") }
            return value
        }
        switch type {
        case "AWS::DynamoDB::Table":
            let table = try required("TableName")
            try await self.createTable(p)
            stack.refs[name] = table
            stack.attributes[name + ".Arn"] = arn("dynamodb", "table/\(table)")
        case "AWS::SQS::Queue":
            let queue = try required("QueueName")
            var attributes: [String: String] = [:]
            for key in [
                "FifoQueue", "ContentBasedDeduplication", "MessageRetentionPeriod", "VisibilityTimeout", "DelaySeconds",
            ] {
                attributes[key] = p[key]?.text
            }
            if let redrive = p["RedrivePolicy"] {
                attributes["RedrivePolicy"] = String(decoding: try JSONEncoder().encode(redrive), as: UTF8.self)
            }
            struct Input: Encodable {
                var QueueName: String
                var Attributes: [String: String]
            }
            struct Output: Decodable { var QueueUrl: String }
            let url = try await self.aws.client(.sqs).json(
                "CreateQueue",
                Input(QueueName: queue, Attributes: attributes),
                as: Output.self
            ).QueueUrl
            stack.refs[name] = url
            stack.attributes[name + ".Arn"] = arn("sqs", queue)
            stack.attributes[name + ".QueueName"] = queue
            stack.attributes[name + ".QueueUrl"] = url
        case "AWS::SecretsManager::Secret":
            struct Input: Encodable {
                var Name: String
                var SecretString: String
            }
            struct Output: Decodable { var ARN: String }
            let value =
                try secrets[name] ?? p["SecretString"]?.string ?? Self.generatedSecret(p["GenerateSecretString"])
            let secret = try await self.aws.client(.secretsManager).json(
                "CreateSecret",
                Input(Name: try required("Name"), SecretString: value),
                as: Output.self
            )
            stack.refs[name] = secret.ARN
        case "AWS::KMS::Key":
            struct Input: Encodable { var Description: String }
            struct Output: Decodable {
                struct Metadata: Decodable {
                    var KeyId: String
                    var Arn: String
                }
                var KeyMetadata: Metadata
            }
            let key = try await self.aws.client(.kms).json(
                "CreateKey",
                Input(Description: p["Description"]?.string ?? name),
                as: Output.self
            ).KeyMetadata
            stack.refs[name] = key.KeyId
            stack.attributes[name + ".Arn"] = key.Arn
        case "AWS::KMS::Alias":
            let _: AWSJSON.NoOutput = try await self.aws.client(.kms).json(
                "CreateAlias",
                p.only(["AliasName", "TargetKeyId"])
            )
            stack.refs[name] = try required("AliasName")
        case "AWS::Cognito::UserPool":
            struct Output: Decodable {
                struct Pool: Decodable {
                    var Id: String
                    var Arn: String
                }
                var UserPool: Pool
            }
            let options = p.only([
                "UsernameAttributes", "AutoVerifiedAttributes", "Policies", "Schema", "MfaConfiguration",
            ])
            let input = TemplateValue.map([("PoolName", .string(try required("UserPoolName")))] + options.entries)
            let pool = try await self.aws.client(.cognitoIdentityProvider).json(
                "CreateUserPool",
                input,
                as: Output.self
            ).UserPool
            stack.refs[name] = pool.Id
            stack.attributes[name + ".Arn"] = pool.Arn
            stack.attributes[name + ".ProviderURL"] = "cognito-idp.\(StackResolver.region).amazonaws.com/\(pool.Id)"
        case "AWS::Cognito::UserPoolClient":
            struct Output: Decodable {
                struct Client: Decodable { var ClientId: String }
                var UserPoolClient: Client
            }
            // ReadAttributes decide which attributes moto's ID tokens carry, as Cognito's do.
            let input = p.only([
                "UserPoolId", "ClientName", "ExplicitAuthFlows", "GenerateSecret", "ReadAttributes", "WriteAttributes",
            ])
            stack.refs[name] = try await self.aws.client(.cognitoIdentityProvider).json(
                "CreateUserPoolClient",
                input,
                as: Output.self
            ).UserPoolClient.ClientId
        case "AWS::Cognito::UserPoolGroup":
            let group = try required("GroupName")
            let _: AWSJSON.NoOutput = try await self.aws.client(.cognitoIdentityProvider).json(
                "CreateGroup",
                p.only(["UserPoolId", "GroupName", "Description", "Precedence"])
            )
            stack.refs[name] = group
        case "AWS::Scheduler::ScheduleGroup":
            struct Output: Decodable { var ScheduleGroupArn: String }
            let group = try required("Name")
            let output = try await self.aws.client(.scheduler).restJSON(
                "CreateScheduleGroup",
                method: "POST",
                path: "/schedule-groups/\(URIEncoding.encode(group))",
                input: TemplateValue.map([]),
                as: Output.self
            )
            stack.refs[name] = group
            stack.attributes[name + ".Arn"] = output.ScheduleGroupArn
        case "AWS::S3::Bucket":
            let bucket = try required("BucketName")
            _ = try await self.aws.client(.s3).send(
                ServiceRequest(operation: "CreateBucket", method: "PUT", path: "/\(bucket)")
            )
            if let rules = p["CorsConfiguration"]?["CorsRules"]?.list {
                try await self.putBucketCORS(bucket, rules: rules)
            }
            stack.refs[name] = bucket
            stack.attributes[name + ".Arn"] = "arn:aws:s3:::\(bucket)"
            stack.attributes[name + ".RegionalDomainName"] = "\(bucket).s3.\(StackResolver.region).amazonaws.com"
        case "AWS::SES::EmailIdentity":
            let _: AWSJSON.NoOutput = try await self.aws.client(.sesV2).restJSON(
                "CreateEmailIdentity",
                method: "POST",
                path: "/v2/email/identities",
                input: p.only(["EmailIdentity"])
            )
            stack.refs[name] = try required("EmailIdentity")
        case "AWS::SES::ConfigurationSet":
            // Only with EmailProvider=ses. moto keeps the set but publishes no events for it: the console
            // injects bounce and complaint reports into the feedback queue instead.
            let set = try required("Name")
            let _: AWSJSON.NoOutput = try await self.aws.client(.sesV2).restJSON(
                "CreateConfigurationSet",
                method: "POST",
                path: "/v2/email/configuration-sets",
                input: TemplateValue.map([("ConfigurationSetName", .string(set))])
            )
            stack.refs[name] = set
        case "AWS::Serverless::Function":
            let function = FunctionSettings.name(forLogicalId: name) ?? name
            stack.refs[name] = function
            stack.attributes[name + ".Arn"] = arn("lambda", "function:\(function)")
        case "AWS::CloudFront::OriginAccessControl", "AWS::CloudFront::Distribution":
            // Nothing on moto: `gavel-local dev` serves the distribution's paths on its CDN port and gives the
            // functions that URL instead of this domain.
            stack.refs[name] = name
            stack.attributes[name + ".Id"] = name
            stack.attributes[name + ".DomainName"] = "\(name.lowercased()).cloudfront.local"
        case "AWS::IAM::Role":
            stack.refs[name] = name
            stack.attributes[name + ".Arn"] = "arn:aws:iam::\(StackResolver.account):role/\(name)"
        default:
            // Alarms, topics, subscriptions, policies, log groups, the HTTP API: nothing to create on moto.
            let service = type.split(separator: "::").dropFirst().first.map { $0.lowercased() } ?? "local"
            stack.refs[name] = arn(service, name)
            stack.attributes[name + ".Arn"] = arn(service, name)
        }
    }

    /// CreateTable from the template's properties, then its TTL when enabled.
    func createTable(_ p: TemplateValue) async throws {
        var input = p.only(["TableName", "AttributeDefinitions", "KeySchema", "BillingMode"])
        if p["BillingMode"] == nil { input = .map(input.entries + [("BillingMode", .string("PAY_PER_REQUEST"))]) }
        if let indexes = p["GlobalSecondaryIndexes"]?.list {
            input = .map(
                input.entries + [
                    (
                        "GlobalSecondaryIndexes",
                        .list(indexes.map { $0.only(["IndexName", "KeySchema", "Projection"]) })
                    )
                ]
            )
        }
        let dynamo = self.aws.client(.dynamoDB)
        try await dynamo.createTable(input)
        if let ttl = p["TimeToLiveSpecification"], ttl["Enabled"] == .bool(true) {
            let _: AWSJSON.NoOutput = try await dynamo.json(
                "UpdateTimeToLive",
                TemplateValue.map([("TableName", p["TableName"] ?? .null), ("TimeToLiveSpecification", ttl)])
            )
        }
    }

    /// PutBucketCors: the template's `CorsRules` in S3's XML names.
    private func putBucketCORS(_ bucket: String, rules: [TemplateValue]) async throws {
        var xml = "<CORSConfiguration>"
        for rule in rules {
            xml += "<CORSRule>"
            for (key, element) in [
                ("Id", "ID"), ("AllowedOrigins", "AllowedOrigin"), ("AllowedMethods", "AllowedMethod"),
                ("AllowedHeaders", "AllowedHeader"), ("ExposedHeaders", "ExposeHeader"), ("MaxAge", "MaxAgeSeconds"),
            ] {
                let values = rule[key].map { $0.list ?? [$0] } ?? []
                for value in values.compactMap(\.text) { xml += "<\(element)>\(Self.escaped(value))</\(element)>" }
            }
            xml += "</CORSRule>"
        }
        xml += "</CORSConfiguration>"
        try await self.putBucketSubresource(bucket, "cors", operation: "PutBucketCors", xml: xml)
    }

    /// S3 notifies an internal queue of every event the function's S3 event names (moto delivers bucket
    /// notifications to SQS), which `gavel-local dev` polls: one queue per function and event.
    /// - Returns: the queue's URL.
    func wireBucket(
        _ bucket: String,
        function: String,
        event: String,
        events: [String],
        rules: [TemplateValue]
    ) async throws -> String {
        let queue = "gavel-local-\(function)-\(event)".lowercased()
        struct Input: Encodable { var QueueName: String }
        struct Output: Decodable { var QueueUrl: String }
        let url = try await self.aws.client(.sqs).json("CreateQueue", Input(QueueName: queue), as: Output.self).QueueUrl
        var xml = "<NotificationConfiguration><QueueConfiguration>"
        xml += "<Queue>arn:aws:sqs:\(StackResolver.region):\(StackResolver.account):\(queue)</Queue>"
        for name in events { xml += "<Event>\(Self.escaped(name))</Event>" }
        if !rules.isEmpty {
            xml += "<Filter><S3Key>"
            for rule in rules {
                xml += "<FilterRule><Name>\(Self.escaped(rule["Name"]?.text ?? ""))</Name>"
                xml += "<Value>\(Self.escaped(rule["Value"]?.text ?? ""))</Value></FilterRule>"
            }
            xml += "</S3Key></Filter>"
        }
        xml += "</QueueConfiguration></NotificationConfiguration>"
        try await self.putBucketSubresource(
            bucket,
            "notification",
            operation: "PutBucketNotificationConfiguration",
            xml: xml
        )
        return url
    }

    private func putBucketSubresource(
        _ bucket: String,
        _ subresource: String,
        operation: String,
        xml: String
    ) async throws {
        _ = try await self.aws.client(.s3).send(
            ServiceRequest(
                operation: operation,
                method: "PUT",
                path: "/\(bucket)",
                query: [.init(subresource, "")],
                headers: [.init("Content-Type", "application/xml")],
                body: Array(xml.utf8)
            )
        )
    }

    private static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    /// What Secrets Manager's `GenerateSecretString` would hold: the template, and the generated key set.
    private static func generatedSecret(_ generate: TemplateValue?) throws -> String {
        var value: [String: String] = [:]
        if let text = generate?["SecretStringTemplate"]?.string {
            value = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
        }
        if let key = generate?["GenerateStringKey"]?.string { value[key] = "local-generated" }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
