import AWS
import FoundationEssentials
import GavelDev
import GavelTesting
import Hummingbird
import Synchronization
import Testing

/// The Authorization headers an endpoint received, in order.
private final class Seen: Sendable {
    let headers = Mutex<[String]>([])
}

/// A clock the test moves.
private final class TestClock: Sendable {
    let now = Atomic<Int64>(1_800_000_000)
    func set(_ value: Int64) { self.now.store(value, ordering: .relaxed) }
}

@Suite struct ContainerCredentialsTests {
    private let transport = CurlTransport(configuration: .init(caFile: nil))

    /// An endpoint answering like Lambda's and ECS's: the key, and an expiry `lifetime` seconds from `now`.
    private static func endpoint(
        now: Int64,
        lifetime: Int64,
        seen: Seen
    ) -> @Sendable (Request) async throws -> Response {
        { request in
            let count = seen.headers.withLock { seen in
                seen.append(request.headers[.authorization] ?? "")
                return seen.count
            }
            let expiry = Date(timeIntervalSince1970: Double(now + lifetime)).formatted(.iso8601)
            return LoopbackServer.text(
                .ok,
                #"{"AccessKeyId":"AKID\#(count)","SecretAccessKey":"secret","Token":"token","Expiration":"\#(expiry)"}"#
            )
        }
    }

    @Test func fetchesWithTheTokenAndCachesUntilFiveMinutesBeforeExpiry() async throws {
        let clock = TestClock()
        let seen = Seen()
        try await LoopbackServer.with(Self.endpoint(now: 1_800_000_000, lifetime: 900, seen: seen)) { port in
            let made = ContainerCredentials(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/2021-11-01/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc",
                ],
                transport: self.transport,
                unixTime: { clock.now.load(ordering: .relaxed) }
            )
            let provider = try #require(made)
            let first = try await provider.credentials()
            #expect(first == Credentials(accessKeyId: "AKID1", secretAccessKey: "secret", sessionToken: "token"))
            clock.set(1_800_000_000 + 599)  // 301 s left: still cached
            #expect(try await provider.credentials().accessKeyId == "AKID1")
            clock.set(1_800_000_000 + 601)  // 299 s left: fetched again
            #expect(try await provider.credentials().accessKeyId == "AKID2")
        }
        #expect(seen.headers.withLock { $0 } == ["Bearer abc", "Bearer abc"])
    }

    @Test func theTokenFileIsReadOnEveryFetchAndBeatsTheToken() async throws {
        let directory = try TestPaths.temporaryDirectory("container-credentials")
        let tokenFile = directory + "/token"
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let clock = TestClock()
        let seen = Seen()
        try await LoopbackServer.with(Self.endpoint(now: 1_800_000_000, lifetime: 60, seen: seen)) { port in
            let made = ContainerCredentials(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                ],
                transport: self.transport,
                unixTime: { clock.now.load(ordering: .relaxed) }
            )
            let provider = try #require(made)
            _ = try await provider.credentials()
            try Data("second".utf8).write(to: URL(fileURLWithPath: tokenFile))
            _ = try await provider.credentials()  // 60 s lifetime is inside the margin: fetched again
        }
        #expect(seen.headers.withLock { $0 } == ["first", "second"])
    }

    @Test func aFailingEndpointIsACredentialsErrorNamingIt() async throws {
        try await LoopbackServer.with({ _ in LoopbackServer.text(.forbidden, "no") }) { port in
            let url = "http://127.0.0.1:\(port)/creds"
            let made = ContainerCredentials(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url],
                transport: self.transport
            )
            let provider = try #require(made)
            let error = await #expect(throws: AWSError.self) { try await provider.credentials() }
            #expect(error?.description.contains("\(url) answered HTTP 403") == true)
        }
    }

    @Test func theTokenGoesOnlyWhereTheSDKsAllow() async throws {
        for allowed in [
            "https://creds.example.com/x", "http://127.0.0.1:9001/c", "http://127.1.2.3/c", "http://localhost:80/c",
            "http://[::1]:8080/c", "http://169.254.170.2/v2/c", "http://169.254.170.23/v1/c",
            "http://[fd00:ec2::23]/v1/c",
        ] {
            #expect(ContainerCredentials.isAllowedEndpoint(allowed), "\(allowed)")
        }
        for refused in [
            "http://10.0.0.5/creds", "http://evil.example/c", "http://127.0.0.1.evil.example/c",
            "http://169.254.169.254/latest", "http://user@10.0.0.1/c", "ftp://127.0.0.1/c", "http://127.0.0.256/c",
        ] {
            #expect(!ContainerCredentials.isAllowedEndpoint(refused), "\(refused)")
        }
        // Refused before any request is made (the error is the rule, not a failure to connect).
        let made = ContainerCredentials(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.10:9/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer secret",
            ],
            transport: self.transport
        )
        let error = await #expect(throws: AWSError.self) { try await #require(made).credentials() }
        #expect(error?.description.contains("must be https") == true && error?.description.contains("secret") == false)
    }

    @Test func theRelativeURIIsOnTheECSAddress() {
        #expect(
            ContainerCredentials(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"],
                transport: self.transport
            ) != nil
        )
        #expect(ContainerCredentials(environment: [:], transport: self.transport) == nil)
    }

    @Test func theChainPrefersTheEnvironmentAndNamesEveryVariableWhenNothingIsSet() throws {
        let fromEnvironment = try CredentialsChain.resolve(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/",
            ],
            transport: self.transport
        )
        #expect(fromEnvironment is StaticCredentials)
        let error = #expect(throws: AWSError.self) {
            try CredentialsChain.resolve(environment: ["AWS_ACCESS_KEY_ID": "AKID"], transport: self.transport)
        }
        for variable in EnvironmentCredentials.variables + ContainerCredentials.variables {
            #expect(error?.description.contains(variable) == true)
        }
    }
}
