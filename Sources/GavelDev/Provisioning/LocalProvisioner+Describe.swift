import FoundationEssentials
import GavelLocal

/// What `gavel-local dev` runs, read off the template once its resources exist.
extension LocalProvisioner {
    func describe(_ template: SAMTemplate, resolver: StackResolver) async throws -> LocalStack {
        let included = template.resources.filter { resolver.includes($0.1) }
        func refs(of type: String) -> [String] {
            included.filter { $0.1["Type"]?.string == type }.compactMap { resolver.refs[$0.0] }
        }
        var deadLetterQueues: [String: String] = [:]
        for (name, resource) in included where resource["Type"]?.string == "AWS::SQS::Queue" {
            guard resource["Properties"]?["RedrivePolicy"] == nil, let queue = resolver.attributes[name + ".QueueName"]
            else {
                continue
            }
            deadLetterQueues[queue] = resolver.refs[name]
        }
        // Each queue with a redrive policy is its dead-letter queue's source: the console moves messages back.
        var deadLetterSources: [String: String] = [:]
        for (name, resource) in included where resource["Type"]?.string == "AWS::SQS::Queue" {
            guard let policy = resource["Properties"]?["RedrivePolicy"],
                let target = try resolver.resolve(policy)["deadLetterTargetArn"]?.text,
                let dead = included.first(where: { resolver.attributes[$0.0 + ".Arn"] == target })?.0,
                let deadName = resolver.attributes[dead + ".QueueName"], let source = resolver.refs[name]
            else { continue }
            deadLetterSources[deadName] = source
        }
        guard let pool = included.first(where: { $0.1["Type"]?.string == "AWS::Cognito::UserPool" })?.0,
            let client = included.first(where: { $0.1["Type"]?.string == "AWS::Cognito::UserPoolClient" })?.0,
            let poolId = resolver.refs[pool], let clientId = resolver.refs[client]
        else { throw LocalError.template("the template has no Cognito user pool and client") }
        return LocalStack(
            region: StackResolver.region,
            endpoint: self.endpoint,
            functions: try await self.functions(template, included: included, resolver: resolver),
            httpApi: try self.httpAPI(included, resolver: resolver),
            userPool: .init(id: poolId, clientId: clientId),
            scheduleGroups: refs(of: "AWS::Scheduler::ScheduleGroup"),
            buckets: refs(of: "AWS::S3::Bucket"),
            deadLetterQueues: deadLetterQueues,
            deadLetterSources: deadLetterSources,
            demo: nil,
            cdnBucket: try self.cdnBucket(included, resolver: resolver)
        )
    }

    /// The bucket behind the template's CloudFront distribution: its first origin's regional domain
    /// (`<bucket>.s3.<region>.amazonaws.com`, as the provisioner records `RegionalDomainName`).
    private func cdnBucket(_ included: [(String, TemplateValue)], resolver: StackResolver) throws -> String? {
        guard let cdn = included.first(where: { $0.1["Type"]?.string == "AWS::CloudFront::Distribution" })?.1 else {
            return nil
        }
        let p = try resolver.resolve(cdn["Properties"] ?? .map([]))
        guard let domain = p["DistributionConfig"]?["Origins"]?.list?.first?["DomainName"]?.text else { return nil }
        return domain.split(separator: ".s3.", maxSplits: 1).first.map(String.init)
    }

    /// Each function's environment (its own variables over `Globals.Function`'s) and event sources.
    private func functions(
        _ template: SAMTemplate,
        included: [(String, TemplateValue)],
        resolver: StackResolver
    ) async throws -> [String: LocalStack.Function] {
        let globals = try resolver.resolve(
            template.root["Globals"]?["Function"]?["Environment"]?["Variables"] ?? .map([])
        )
        var queueURLs: [String: String] = [:]
        for (name, _) in included {
            if let arn = resolver.attributes[name + ".Arn"], let url = resolver.attributes[name + ".QueueUrl"] {
                queueURLs[arn] = url
            }
        }
        var functions: [String: LocalStack.Function] = [:]
        for (logicalId, resource) in included where resource["Type"]?.string == "AWS::Serverless::Function" {
            guard let name = FunctionSettings.name(forLogicalId: logicalId) else { continue }
            let properties = resource["Properties"] ?? .map([])
            var environment: [String: String] = [:]
            let own = try resolver.resolve(properties["Environment"]?["Variables"] ?? .map([]))
            for (key, value) in globals.entries + own.entries { environment[key] = value.text }
            var events: [LocalStack.EventSource] = []
            for (event, declaration) in properties["Events"]?.entries ?? [] {
                let p = try resolver.resolve(declaration["Properties"] ?? .map([]))
                var source = LocalStack.EventSource(type: "", name: event)
                switch declaration["Type"]?.string {
                case "SQS":
                    let arn = p["Queue"]?.text ?? ""
                    source.type = "sqs"
                    source.queueArn = arn
                    source.queueUrl = queueURLs[arn]
                    source.batchSize = p["BatchSize"]?.text.flatMap { Int($0) } ?? 10
                    source.reportBatchItemFailures =
                        p["FunctionResponseTypes"]?.list?.contains(.string("ReportBatchItemFailures")) ?? false
                case "S3":
                    let bucket = p["Bucket"]?.text ?? ""
                    let names = p["Events"].map { $0.list ?? [$0] }?.compactMap(\.text) ?? []
                    source.type = "s3"
                    source.bucket = bucket
                    source.queueUrl = try await self.wireBucket(
                        bucket,
                        function: name,
                        event: event,
                        events: names,
                        rules: p["Filter"]?["S3Key"]?["Rules"]?.list ?? []
                    )
                case "ScheduleV2":
                    source.type = "schedule"
                    source.expression = p["ScheduleExpression"]?.text
                    source.input = p["Input"]?.text
                case "Cognito":
                    // Cognito calls it while confirming a sign-up; LocalSignIn does the same locally.
                    source.type = "cognito"
                    source.trigger = p["Trigger"]?.text
                case "HttpApi":
                    source.type = "http"
                    source.path = p["Path"]?.text
                    source.method = p["Method"]?.text
                    source.authorized = p["Auth"]?["Authorizer"]?.text != "NONE"
                default:
                    continue
                }
                events.append(source)
            }
            let url = try properties["FunctionUrlConfig"].map { try resolver.resolve($0) }.map { config in
                LocalStack.FunctionURL(
                    authType: config["AuthType"]?.text ?? "NONE",
                    streams: config["InvokeMode"]?.text == "RESPONSE_STREAM",
                    cors: config["Cors"].map(Self.cors)
                )
            }
            functions[name] = LocalStack.Function(
                logicalId: logicalId,
                environment: environment,
                events: events,
                url: url
            )
        }
        return functions
    }

    /// The HTTP API's CORS settings and its default JWT authorizer's issuer and audience.
    private func httpAPI(_ included: [(String, TemplateValue)], resolver: StackResolver) throws -> LocalStack.HTTPAPI? {
        guard let resource = included.first(where: { $0.1["Type"]?.string == "AWS::Serverless::HttpApi" })?.1 else {
            return nil
        }
        let p = try resolver.resolve(resource["Properties"] ?? .map([]))
        let auth = p["Auth"]
        let jwt = auth?["DefaultAuthorizer"]?.text.flatMap { auth?["Authorizers"]?[$0]?["JwtConfiguration"] }
        return LocalStack.HTTPAPI(
            cors: Self.cors(p["CorsConfiguration"] ?? .map([])),
            issuer: jwt?["issuer"]?.text,
            audience: Self.texts(jwt?["audience"])
        )
    }

    /// CORS settings, as an HTTP API's `CorsConfiguration` and a Function URL's `Cors` both spell them.
    private static func cors(_ cors: TemplateValue) -> LocalStack.HTTPAPI.CORS {
        LocalStack.HTTPAPI.CORS(
            allowOrigins: self.texts(cors["AllowOrigins"]),
            allowMethods: self.texts(cors["AllowMethods"]),
            allowHeaders: self.texts(cors["AllowHeaders"]),
            maxAge: cors["MaxAge"]?.text.flatMap { Int($0) } ?? 0
        )
    }

    private static func texts(_ value: TemplateValue?) -> [String] { value?.list?.compactMap(\.text) ?? [] }
}
