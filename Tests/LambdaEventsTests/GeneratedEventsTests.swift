import APIGatewayEvents
import FoundationEssentials
import GavelFixtures
import GavelLocal
import GavelTesting
import S3Events
import SQSEvents
import SchedulerEvents
import Testing

/// Each shape against the event AWS sends, as SAM CLI prints it (`sam local generate-event`): it decodes,
/// the fields Gavel reads have AWS's values, and encoding it again loses none of them.
@Suite struct GeneratedEventsTests {
    /// What `sam local generate-event <arguments>` prints.
    static func generated(_ arguments: String...) async throws -> Data {
        let sam = TestPaths.root + "/.venv/bin/sam"
        guard FileManager.default.isExecutableFile(atPath: sam) else {
            throw MissingPrerequisite("SAM CLI is not in .venv (scripts/setup installs it)")
        }
        let directory = try TestPaths.temporaryDirectory("generated-event")
        let output = directory + "/event.json"
        let process = try ChildProcess(
            executable: sam,
            arguments: ["local", "generate-event"] + arguments,
            environment: ["SAM_CLI_TELEMETRY": "0", "PATH": "/usr/bin:/bin", "HOME": directory],
            output: .separate(output: output, error: directory + "/error.txt")
        )
        let ended = await process.waitForExit()
        guard ended == "exit status 0", let data = FileManager.default.contents(atPath: output) else {
            throw MissingPrerequisite("sam local generate-event \(arguments.joined(separator: " ")): \(ended)")
        }
        return data
    }

    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    @Test func theHTTPAPIRequestIsReadAsAPIGatewaySendsIt() async throws {
        let data = try await Self.generated("apigateway", "http-api-proxy")
        let request = try JSONDecoder().decode(APIGatewayRequest.self, from: data)
        #expect(request.version == "2.0")
        #expect(request.requestContext.http.method == "POST")
        #expect(request.rawPath == request.requestContext.http.path)
        #expect(request.cookies?.isEmpty == false)
        #expect(request.queryStringParameters?.isEmpty == false)
        #expect(request.claims?.isEmpty == false)
        #expect(request.isBase64Encoded == true)
        #expect(request.bodyBytes == Data(base64Encoded: request.body ?? "").map(Array.init))
        #expect(try Self.roundTrip(request) == request)
    }

    @Test func theSQSBatchIsReadAsLambdaDeliversIt() async throws {
        let data = try await Self.generated("sqs", "receive-message")
        let event = try JSONDecoder().decode(SQSEvent.self, from: data)
        let record = try #require(event.records.first)
        #expect(record.eventSource == "aws:sqs")
        #expect(record.receiptHandle?.isEmpty == false)
        #expect(record.attributes["ApproximateReceiveCount"] != nil)
        #expect(record.eventSourceARN?.hasPrefix("arn:aws:sqs:") == true)
        #expect(try Self.roundTrip(event) == event)
    }

    @Test func theS3NotificationIsReadAsS3SendsIt() async throws {
        let data = try await Self.generated("s3", "put")
        let event = try JSONDecoder().decode(S3Event.self, from: data)
        let record = try #require(event.records.first)
        #expect(record.eventName.hasPrefix("ObjectCreated:"))
        #expect(record.s3.bucket.name.isEmpty == false)
        #expect(record.s3.object.key.isEmpty == false)
        #expect(record.s3.object.size != nil)
        #expect(try Self.roundTrip(event) == event)
    }

    @Test func theScheduledEventIsReadAsEventBridgeSendsIt() async throws {
        let data = try await Self.generated("cloudwatch", "scheduled-event")
        let event = try JSONDecoder().decode(ScheduledEvent.self, from: data)
        #expect(event.detailType == ScheduledEvent.detailTypeName)
        #expect(event.source == "aws.events")
        #expect(event.time?.hasSuffix("Z") == true)
        #expect(try Self.roundTrip(event) == event)
    }
}
