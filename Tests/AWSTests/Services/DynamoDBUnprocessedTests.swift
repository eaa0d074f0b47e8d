import AWS
import GavelTesting
import Testing

/// Unprocessed batch items, which moto never leaves: scripted answers, the backoff, and the deadline.
@Suite struct DynamoDBUnprocessedTests {
    private static func client(_ transport: ScriptedTransport, pinned: PinnedEnvironment) throws -> DynamoDB {
        DynamoDB(
            client: AWSClient(
                service: .dynamoDB,
                endpoints: try EndpointResolver(environment: ["AWS_REGION": "us-east-1"]),
                transport: transport,
                credentials: StaticCredentials(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
                retry: RetryPolicy(maxAttempts: 3),
                environment: pinned.environment
            )
        )
    }

    private static func json(_ text: String) -> ScriptedTransport.Step {
        .respond(TransportResponse(status: 200, body: Array(text.utf8)))
    }

    @Test func unprocessedItemsAreSentAgainWithGrowingWaitsUntilDone() async throws {
        let leftover = #"{"UnprocessedItems":{"t":[{"PutRequest":{"Item":{"id":{"S":"b"}}}}]}}"#
        let transport = ScriptedTransport([Self.json(leftover), Self.json(leftover), Self.json("{}")])
        let pinned = PinnedEnvironment(jitter: 1.0)
        try await Self.client(transport, pinned: pinned).batchWrite(
            table: "t",
            [.put(["id": .s("a")]), .put(["id": .s("b")])]
        )
        #expect(transport.requests.count == 3)
        let last = String(decoding: transport.requests[2].body, as: UTF8.self)
        #expect(last.contains(#""b""#) && !last.contains(#""a""#))
        #expect(pinned.slept == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func unprocessedKeysStopAtTheDeadline() async throws {
        let leftover = #"{"Responses":{"t":[]},"UnprocessedKeys":{"t":{"Keys":[{"id":{"S":"a"}}]}}}"#
        let transport = ScriptedTransport(Array(repeating: Self.json(leftover), count: 5))
        let dynamo = try Self.client(transport, pinned: PinnedEnvironment())
        let error = await #expect(throws: AWSError.self) {
            try await InvocationDeadline.$current.withValue(.now + .milliseconds(300)) {
                _ = try await dynamo.batchGet(table: "t", keys: [["id": .s("a")]])
            }
        }
        #expect(error?.description.contains("deadline") == true)
        #expect(transport.requests.count == 1)
    }
}
