import Foundation  // JSONSerialization, for the dashboard body
import GavelLocal
import GavelTesting
import Sniper
import Testing

/// Every metric an alarm or the dashboard names exists: emitted by one of our functions (EMF, namespace
/// `Gavel`, dimension `Function`) or published by AWS for a resource the template creates. A renamed metric
/// otherwise leaves an alarm that can never fire.
@Suite struct MonitoringTests {
    struct Metric: Hashable, CustomStringConvertible {
        var namespace: String
        var name: String
        var dimensions: [String: String]
        var description: String { "\(self.namespace)/\(self.name) \(self.dimensions)" }
    }

    /// What AWS publishes, by namespace, for the resource types the dimension must name.
    static let published: [String: (metrics: Set<String>, dimension: String, types: Set<String>)] = [
        "AWS/Lambda": (
            ["Errors", "Invocations", "Throttles", "Duration"], "FunctionName", ["AWS::Serverless::Function"]
        ),
        "AWS/SQS": (
            ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"], "QueueName", ["AWS::SQS::Queue"]
        ),
        "AWS/DynamoDB": (["ReadThrottleEvents", "WriteThrottleEvents"], "TableName", ["AWS::DynamoDB::Table"]),
        "AWS/ApiGateway": (["5xx", "4xx"], "ApiId", ["AWS::Serverless::HttpApi"]),
    ]

    /// The metric names our functions emit: every string literal of the sources, and the executor's
    /// `Bids<Status>` counts.
    static func emitted() throws -> Set<String> {
        var names = Set(
            BidStatus.allCases.map { "Bids" + $0.rawValue.prefix(1) + $0.rawValue.dropFirst().lowercased() }
        )
        let root = TestPaths.root + "/Sources"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") && !file.hasPrefix("gavel-bench") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for literal in text.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            where literal.offset % 2 == 1 {
                names.insert(String(literal.element))
            }
        }
        return names
    }

    /// A dimension value: a literal, `!Ref X`, `!GetAtt X.Attr` or `${X}` / `${X.Attr}`: the resource it names.
    static func resource(_ value: TemplateValue?) -> String? {
        if let ref = value?["Ref"]?.string { return ref }
        if let parts = value?["Fn::GetAtt"]?.list { return parts.first?.string }
        if let text = value?.text, text.hasPrefix("${") {
            return String(text.dropFirst(2).prefix { $0 != "}" && $0 != "." })
        }
        return nil
    }

    static func metrics(in template: SAMTemplate) throws -> [(owner: String, metric: Metric, resources: [String])] {
        var found: [(String, Metric, [String])] = []
        for (name, resource) in template.resources {
            let p = resource["Properties"]
            switch resource["Type"]?.string {
            case "AWS::CloudWatch::Alarm":
                let stats = p?["Metrics"]?.list?.compactMap { $0["MetricStat"]?["Metric"] } ?? [p].compactMap { $0 }
                for stat in stats {
                    guard let namespace = stat["Namespace"]?.text, let metric = stat["MetricName"]?.text else {
                        continue
                    }
                    var dimensions: [String: String] = [:]
                    var resources: [String] = []
                    for dimension in stat["Dimensions"]?.list ?? [] {
                        let key = dimension["Name"]?.text ?? ""
                        dimensions[key] = dimension["Value"]?.text ?? ""
                        if let named = Self.resource(dimension["Value"]) { resources.append(named) }
                    }
                    found.append((name, Metric(namespace: namespace, name: metric, dimensions: dimensions), resources))
                }
            case "AWS::CloudWatch::Dashboard":
                let body = p?["DashboardBody"]?["Fn::Sub"]?.text ?? p?["DashboardBody"]?.text ?? ""
                let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                for widget in json?["widgets"] as? [[String: Any]] ?? [] {
                    let properties = widget["properties"] as? [String: Any]
                    for line in properties?["metrics"] as? [[Any]] ?? [] {
                        let strings = line.compactMap { $0 as? String }
                        guard strings.count >= 2 else { continue }
                        var dimensions: [String: String] = [:]
                        var resources: [String] = []
                        for index in stride(from: 2, to: strings.count - 1, by: 2) {
                            dimensions[strings[index]] = strings[index + 1]
                            if let named = Self.resource(.string(strings[index + 1])) { resources.append(named) }
                        }
                        found.append(
                            (name, Metric(namespace: strings[0], name: strings[1], dimensions: dimensions), resources)
                        )
                    }
                }
            default: continue
            }
        }
        return found
    }

    @Test func everyAlarmAndDashboardMetricIsOneSomebodyEmits() throws {
        let template = try SAMTemplate(path: TestPaths.root + "/template.yaml")
        let types = Dictionary(uniqueKeysWithValues: template.resources.map { ($0.0, $0.1["Type"]?.string ?? "") })
        let functions = Set(template.functionNames)
        let emitted = try Self.emitted()
        let found = try Self.metrics(in: template)
        #expect(found.count > 50, "alarms and dashboard widgets read: \(found.count)")
        for (owner, metric, resources) in found {
            if metric.namespace == "Gavel" {
                #expect(emitted.contains(metric.name), "\(owner): no function emits \(metric)")
                #expect(
                    functions.contains(metric.dimensions["Function"] ?? ""),
                    "\(owner): \(metric) names no function"
                )
                continue
            }
            let aws = try #require(Self.published[metric.namespace], "\(owner): unknown namespace in \(metric)")
            #expect(aws.metrics.contains(metric.name), "\(owner): AWS publishes no \(metric)")
            let named = try #require(resources.first, "\(owner): \(metric) names no resource of the template")
            #expect(
                aws.types.contains(types[named] ?? ""),
                "\(owner): \(metric) names \(named), a \(types[named] ?? "?")"
            )
        }
    }

    /// The deploy guide's alarm table names every alarm the template creates (one row may stand for a family:
    /// `<Function>ErrorsAlarm` for a function's, `<Table>ThrottlesAlarm` for a table's), so on-call can read
    /// what each means.
    @Test func everyAlarmIsInTheDeployGuide() throws {
        let template = try SAMTemplate(path: TestPaths.root + "/template.yaml")
        let guide = try String(contentsOfFile: TestPaths.root + "/docs/deploy.md", encoding: .utf8)
        let types = Dictionary(uniqueKeysWithValues: template.resources.map { ($0.0, $0.1["Type"]?.string ?? "") })
        let alarms = template.resources.map(\.0).filter { types[$0] == "AWS::CloudWatch::Alarm" }
        #expect(alarms.count > 30, "alarms: \(alarms.count)")
        for alarm in alarms where !guide.contains("`\(alarm)`") {
            let family: String? =
                if alarm.hasSuffix("ThrottlesAlarm"), types[String(alarm.dropLast(14))] == "AWS::DynamoDB::Table" {
                    "`<Table>ThrottlesAlarm`"
                } else if alarm.hasSuffix("ErrorsAlarm"),
                    types[String(alarm.dropLast(11)) + "Function"] == "AWS::Serverless::Function"
                {
                    "`<Function>ErrorsAlarm`"
                } else {
                    nil
                }
            #expect(family.map { guide.contains($0) } == true, "docs/deploy.md does not list \(alarm)")
        }
    }
}
