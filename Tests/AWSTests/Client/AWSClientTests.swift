import AWS
import GavelTesting
import Synchronization
import Testing

@Suite struct AWSClientTests {
    private let credentials = StaticCredentials(
        Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token")
    )

    private func client(
        _ transport: ScriptedTransport,
        _ pinned: PinnedEnvironment,
        maxAttempts: Int = 3,
        tokens: RetryTokenBucket = RetryTokenBucket()
    ) throws -> AWSClient {
        AWSClient(
            service: .dynamoDB,
            endpoints: try EndpointResolver(environment: [
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            ]),
            transport: transport,
            credentials: self.credentials,
            retry: RetryPolicy(maxAttempts: maxAttempts),
            tokens: tokens,
            environment: pinned.environment
        )
    }

    private let putItem = ServiceRequest(
        operation: "PutItem",
        method: "POST",
        headers: [
            .init("Content-Type", "application/x-amz-json-1.0"), .init("X-Amz-Target", "DynamoDB_20120810.PutItem"),
        ],
        body: Array(#"{"TableName":"Bids"}"#.utf8)
    )

    private static func throttled() -> ScriptedTransport.Step {
        .respond(
            TransportResponse(
                status: 400,
                headers: ["x-amzn-requestid": "R-T"],
                body: Array(
                    #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#
                        .utf8
                )
            )
        )
    }

    private static let ok = ScriptedTransport.Step.respond(TransportResponse(status: 200, body: Array("{}".utf8)))

    private func header(_ name: String, of request: TransportRequest) -> String? {
        request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    @Test func signsAndSendsToTheEndpoint() async throws {
        let transport = ScriptedTransport([Self.ok])
        let response = try await self.client(transport, PinnedEnvironment()).send(self.putItem)
        #expect(response.status == 200)
        let sent = try #require(transport.requests.first)
        #expect(sent.url == "http://127.0.0.1:5000/")
        #expect(sent.body == self.putItem.body)
        #expect(self.header("Host", of: sent) == "127.0.0.1:5000")
        #expect(self.header("X-Amz-Security-Token", of: sent) == "token")
        let authorization = try #require(self.header("Authorization", of: sent))
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="
            )
        )
    }

    /// Inside an invocation every call carries its trace header, unsigned (a proxy may rewrite it).
    @Test func theInvocationsTraceHeaderGoesWithEveryCallUnsigned() async throws {
        let transport = ScriptedTransport([Self.ok, Self.ok])
        let client = try self.client(transport, PinnedEnvironment())
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        _ = try await InvocationTrace.$current.withValue(trace) { try await client.send(self.putItem) }
        _ = try await client.send(self.putItem)
        #expect(self.header("X-Amzn-Trace-Id", of: transport.requests[0]) == trace)
        #expect(self.header("Authorization", of: transport.requests[0])?.contains("x-amzn-trace-id") == false)
        #expect(self.header("X-Amzn-Trace-Id", of: transport.requests[1]) == nil, "outside an invocation: none")
    }

    @Test func retriesThrottlingWithBackoffAndAFreshSignatureEachTime() async throws {
        let transport = ScriptedTransport([Self.throttled(), Self.throttled(), Self.ok])
        let pinned = PinnedEnvironment()
        _ = try await self.client(transport, pinned).send(self.putItem)
        #expect(transport.requests.count == 3)
        #expect(pinned.slept == [.milliseconds(500), .seconds(1)])
        let dates = transport.requests.compactMap { self.header("X-Amz-Date", of: $0) }
        let signatures = transport.requests.compactMap { self.header("Authorization", of: $0) }
        #expect(Set(dates).count == 3)
        #expect(Set(signatures).count == 3)
    }

    @Test func aClientErrorIsNotRetriedAndCarriesItsContext() async throws {
        let transport = ScriptedTransport([
            .respond(
                TransportResponse(
                    status: 400,
                    headers: ["x-amzn-requestid": "R-9"],
                    body: Array(
                        #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#
                            .utf8
                    )
                )
            )
        ])
        await #expect {
            _ = try await self.client(transport, PinnedEnvironment()).send(self.putItem)
        } throws: { error in
            guard let error = error as? AWSError else { return false }
            return error.isConditionalCheckFailed && error.context.requestId == "R-9" && error.context.status == 400
                && "\(error)"
                    == "dynamodb.PutItem ConditionalCheckFailedException HTTP 400: The conditional request failed (request id R-9)"
        }
        #expect(transport.requests.count == 1)
    }

    @Test func transportFailuresAreRetriedThenReported() async throws {
        let transport = ScriptedTransport([
            .fail(.failed("Connection reset by peer")), .fail(.failed("Connection reset by peer")),
            .fail(.timedOut("timed out")),
        ])
        await #expect {
            _ = try await self.client(transport, PinnedEnvironment()).send(self.putItem)
        } throws: { error in
            "\(error)".contains("timed out")
        }
        #expect(transport.requests.count == 3)
    }

    @Test func neverRetriesPastTheDeadline() async throws {
        let transport = ScriptedTransport([Self.throttled(), Self.ok])
        let pinned = PinnedEnvironment()
        await #expect {
            _ = try await self.client(transport, pinned).send(self.putItem, deadline: .now + .milliseconds(800))
        } throws: { error in
            "\(error)".contains("the invocation deadline is too close")
        }
        #expect(transport.requests.count == 1)
        #expect(pinned.slept.isEmpty)
    }

    @Test func anEmptyTokenBucketStopsRetries() async throws {
        let transport = ScriptedTransport([Self.throttled(), Self.ok])
        let empty = RetryTokenBucket(tokens: 0)
        await #expect(throws: AWSError.self) {
            _ = try await self.client(transport, PinnedEnvironment(), tokens: empty).send(self.putItem)
        }
        #expect(transport.requests.count == 1)
    }

    @Test func theQueryIsEncodedAsItIsSigned() async throws {
        let transport = ScriptedTransport([Self.ok])
        let request = ServiceRequest(
            operation: "ListObjectsV2",
            method: "GET",
            path: "/bucket",
            query: [.init("prefix", "uploads/a b"), .init("list-type", "2")]
        )
        _ = try await self.client(transport, PinnedEnvironment()).send(request)
        #expect(transport.requests.first?.url == "http://127.0.0.1:5000/bucket?prefix=uploads%2Fa%20b&list-type=2")
    }
}
