import GavelLocal
import Testing
import Yams

/// Intrinsic functions and Conditions, resolved as CloudFormation resolves them.
@Suite struct StackResolverTests {
    static let template = """
        Parameters:
          Environment: { Type: String, Default: dev }
          AlarmEmail: { Type: String, Default: '' }
        Mappings:
          EnvironmentSettings:
            dev: { LogLevel: DEBUG }
            prod: { LogLevel: INFO }
        Conditions:
          IsDev: !Equals [!Ref Environment, dev]
          HasAlarmEmail: !Not [!Equals [!Ref AlarmEmail, '']]
          Either: !Or [!Condition IsDev, !Condition HasAlarmEmail]
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Sub gavel-${Environment}-Bids
              Stream: !If [HasAlarmEmail, streamed, !Ref AWS::NoValue]
              Arn: !GetAtt Queue.Arn
              Url: !Sub '${Queue.QueueUrl}/${AWS::Region}/${!Literal}'
              Joined: !Join [',', [a, !Ref Environment, 3]]
              Picked: !Select [1, [x, y, z]]
              Level: !FindInMap [EnvironmentSettings, !Ref Environment, LogLevel]
              Timeout: 300
              Enabled: true
        """

    static func resolver(_ overrides: [String: String] = [:]) throws -> (StackResolver, TemplateValue) {
        let root = try TemplateValue(try #require(try Yams.compose(yaml: Self.template)))
        var resolver = try StackResolver(template: root, overrides: overrides)
        resolver.attributes["Queue.Arn"] = "arn:aws:sqs:us-east-1:123456789012:q"
        resolver.attributes["Queue.QueueUrl"] = "http://moto/q"
        return (resolver, root)
    }

    @Test func conditionsFollowTheParameters() throws {
        let (dev, _) = try Self.resolver()
        #expect(dev.conditions == ["IsDev": true, "HasAlarmEmail": false, "Either": true])
        let (prod, _) = try Self.resolver(["Environment": "prod", "AlarmEmail": "ops@example.com", "Unknown": "x"])
        #expect(prod.conditions == ["IsDev": false, "HasAlarmEmail": true, "Either": true])
        #expect(prod.parameters["Unknown"] == nil)
    }

    @Test func everyIntrinsicResolves() throws {
        let (resolver, root) = try Self.resolver()
        let properties = try resolver.resolve(try #require(root["Resources"]?["Table"]?["Properties"]))
        #expect(properties["TableName"] == .string("gavel-dev-Bids"))
        #expect(properties["Stream"] == nil)  // AWS::NoValue removes the entry
        #expect(properties["Arn"] == .string("arn:aws:sqs:us-east-1:123456789012:q"))
        #expect(properties["Url"] == .string("http://moto/q/us-east-1/${Literal}"))
        #expect(properties["Joined"] == .string("a,dev,3"))
        #expect(properties["Picked"] == .string("y"))
        #expect(properties["Level"] == .string("DEBUG"))
        #expect(properties["Timeout"] == .number("300"))
        #expect(properties["Enabled"] == .bool(true))
        let (withEmail, _) = try Self.resolver(["AlarmEmail": "ops@example.com"])
        #expect(try withEmail.resolve(root["Resources"]!["Table"]!["Properties"]!)["Stream"] == .string("streamed"))
    }

    @Test func aReferenceToAResourceNotYetCreatedWaits() throws {
        let (resolver, _) = try Self.resolver()
        #expect(throws: StackResolver.Unresolved.self) { try resolver.resolve(.map([("Ref", .string("Later"))])) }
        #expect(throws: StackResolver.Unresolved.self) {
            try resolver.resolve(.map([("Fn::GetAtt", .list([.string("Later"), .string("Arn")]))]))
        }
    }
}
