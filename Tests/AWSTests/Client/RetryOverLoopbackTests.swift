import AWS
import GavelDev
import GavelTesting
import Hummingbird
import Synchronization
import Testing

/// Retries through the real transport: a loopback server that throttles and fails before it answers.
@Suite struct RetryOverLoopbackTests {
    @Test func throttlingAndServerErrorsAreRetriedUntilTheAnswer() async throws {
        let calls = Mutex(0)
        try await LoopbackServer.with({ _ in
            let call = calls.withLock {
                $0 += 1
                return $0
            }
            switch call {
            case 1:
                return LoopbackServer.text(.badRequest, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)
            case 2: return LoopbackServer.text(.serviceUnavailable, "")
            default: return LoopbackServer.text(.ok, #"{"Attributes":{}}"#)
            }
        }) { port in
            let sleeps = Mutex<[Duration]>([])
            let client = AWSClient(
                service: .dynamoDB,
                endpoints: try EndpointResolver(environment: [
                    "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:\(port)",
                ]),
                transport: CurlTransport(configuration: .init(caFile: nil)),
                credentials: StaticCredentials(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
                retry: RetryPolicy(maxAttempts: 3),
                environment: .init(
                    unixTime: { 1_700_000_000 },
                    sleep: { duration in sleeps.withLock { $0.append(duration) } },
                    random: { 0.25 }
                )
            )
            let response = try await client.send(
                ServiceRequest(operation: "UpdateItem", method: "POST", body: Array("{}".utf8))
            )
            #expect(response.status == 200)
            #expect(sleeps.withLock { $0 } == [.milliseconds(250), .milliseconds(500)])
        }
        #expect(calls.withLock { $0 } == 3)
    }
}
