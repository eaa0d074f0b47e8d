package import AWS
import FoundationEssentials
import GavelDev
package import GavelLocal
import GavelTesting

/// The moto_server the integration tests share: started once per test process on a free loopback port,
/// with signature checking on. Before turning it on, the harness has moto's IAM issue an access key with an
/// allow-all policy; afterwards every request must be signed correctly with that key, so a signer bug
/// fails the test instead of passing unnoticed.
package enum Moto {
    /// The running server and the key it issued.
    package struct Account: Sendable {
        package let endpoint: String
        package let credentials: Credentials
        package let region = "us-east-1"

        package init(endpoint: String, credentials: Credentials) {
            self.endpoint = endpoint
            self.credentials = credentials
        }

        /// The variables a function or client reads to reach this moto: region, every service's endpoint and
        /// the key moto issued.
        package var environment: [String: String] {
            [
                "AWS_REGION": self.region, "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": self.credentials.accessKeyId,
                "AWS_SECRET_ACCESS_KEY": self.credentials.secretAccessKey,
            ]
        }

        /// A client for `service` on this moto, with the given retry policy.
        package func client(_ service: Service, retry: RetryPolicy = RetryPolicy(maxAttempts: 3)) throws -> AWSClient {
            AWSClient(
                service: service,
                endpoints: try EndpointResolver(environment: self.environment),
                transport: Moto.transport,
                credentials: StaticCredentials(self.credentials),
                retry: retry
            )
        }
    }

    package static let transport = CurlTransport(configuration: .init(caFile: nil))
    /// template.yaml, read once: the tables tests create come from it (`Account.createTable(_:named:)`).
    package static let template: SAMTemplate = {
        do {
            return try SAMTemplate(path: TestPaths.root + "/template.yaml")
        } catch {
            fatalError("template.yaml: \(error)")
        }
    }()
    private static let checked = Starter(signatureChecks: true)
    private static let unchecked = Starter(signatureChecks: false)

    /// The shared server, started on first use, checking every signature.
    /// - Throws: `MissingPrerequisite` when moto cannot be installed or started.
    package static func shared() async throws -> Account {
        try await self.checked.account()
    }

    /// A second server with signature checks off, for the one thing moto cannot check: with checks on it
    /// fails presigned URLs with an internal error (it looks for an Authorization header). Presigning is
    /// proven by the SigV4 query vectors; this server proves the URLs address the right object.
    package static func withoutSignatureChecks() async throws -> Account {
        try await self.unchecked.account()
    }

    private actor Starter {
        private let signatureChecks: Bool
        private var result: Result<Account, any Error>?
        private var waiters: [CheckedContinuation<Account, any Error>] = []
        private var starting = false

        init(signatureChecks: Bool) {
            self.signatureChecks = signatureChecks
        }

        func account() async throws -> Account {
            if let result { return try result.get() }
            if self.starting {
                return try await withCheckedThrowingContinuation { self.waiters.append($0) }
            }
            self.starting = true
            let result: Result<Account, any Error>
            do {
                result = .success(try await Moto.start(signatureChecks: self.signatureChecks))
            } catch {
                result = .failure(MissingPrerequisite("moto_server: \(error)"))
            }
            self.result = result
            for waiter in self.waiters { waiter.resume(with: result) }
            self.waiters = []
            return try result.get()
        }
    }

    private static func start(signatureChecks: Bool) async throws -> Account {
        let layout = try ProjectLayout(searchingUpFrom: TestPaths.root)
        let log = try TestPaths.temporaryDirectory("moto") + "/moto.log"
        let server = try await MotoServer(layout: layout, log: log)
        // Auth is still off: any signature passes, which lets IAM make the key.
        let bootstrap = Credentials(accessKeyId: "bootstrap", secretAccessKey: "bootstrap")
        let user = "gavel-tests"
        _ = try await self.iam(server, bootstrap, ["Action": "CreateUser", "UserName": user])
        _ = try await self.iam(
            server,
            bootstrap,
            [
                "Action": "PutUserPolicy", "UserName": user, "PolicyName": "everything",
                "PolicyDocument":
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            ]
        )
        let key = try await self.iam(server, bootstrap, ["Action": "CreateAccessKey", "UserName": user])
        guard let accessKeyId = XMLText.element("AccessKeyId", in: key),
            let secret = XMLText.element("SecretAccessKey", in: key)
        else { throw MissingPrerequisite("moto's CreateAccessKey answered without a key: \(key)") }
        guard signatureChecks else {
            return Account(
                endpoint: server.endpoint,
                credentials: Credentials(accessKeyId: accessKeyId, secretAccessKey: secret)
            )
        }
        let reset = try await self.transport.send(
            TransportRequest(
                method: "POST",
                url: server.endpoint + "/moto-api/reset-auth",
                headers: [("Content-Type", "text/plain")],  // a form type would make Flask swallow the body
                body: Array("0".utf8)
            )
        )
        guard reset.status == 200 else { throw MissingPrerequisite("moto refused to turn signature checks on") }
        return Account(
            endpoint: server.endpoint,
            credentials: Credentials(accessKeyId: accessKeyId, secretAccessKey: secret)
        )
    }

    /// One IAM query-protocol call; the XML answer as text.
    private static func iam(
        _ server: MotoServer,
        _ credentials: Credentials,
        _ parameters: [String: String]
    )
        async throws -> String
    {
        let body = (parameters.merging(["Version": "2010-05-08"]) { $1 })
            .map { URIEncoding.encode($0.key) + "=" + URIEncoding.encode($0.value) }
            .joined(separator: "&")
        let host = "127.0.0.1:\(server.port)"
        let unsigned = SigningRequest(
            method: "POST",
            path: "/",
            headers: [.init("Host", host), .init("Content-Type", "application/x-www-form-urlencoded")],
            payloadHash: Digest.sha256Hex(body.utf8)
        )
        let signed = SigV4Signer(region: "us-east-1", service: "iam")
            .sign(unsigned, credentials: credentials, unixTime: Int64(Date().timeIntervalSince1970))
        let response = try await self.transport.send(
            TransportRequest(
                method: "POST",
                url: server.endpoint + "/",
                headers: signed.request.headers.map { ($0.name, $0.value) },
                body: Array(body.utf8)
            )
        )
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else { throw MissingPrerequisite("moto IAM \(parameters["Action"]!): \(text)") }
        return text
    }
}
