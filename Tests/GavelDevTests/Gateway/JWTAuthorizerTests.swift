import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Hummingbird
import Identity
import Testing

/// The local JWT authorizer against tokens signed here with a fresh RSA key (the `openssl` command), its JWKS
/// served from loopback: what it accepts and every reason it refuses, as API Gateway's authorizer would.
@Suite struct JWTAuthorizerTests {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local"
    static let now: Int64 = 1_800_000_000

    /// A key pair in a temporary directory, its public half as a JWKS.
    struct Signer {
        let directory: String
        let jwks: String

        static func make() async throws -> Signer {
            let directory = try TestPaths.temporaryDirectory("jwt")
            try await Self.openssl(["genrsa", "-out", directory + "/key.pem", "2048"], in: directory)
            try await Self.openssl(
                ["rsa", "-in", directory + "/key.pem", "-noout", "-modulus", "-out", directory + "/modulus"],
                in: directory
            )
            let text = try String(contentsOfFile: directory + "/modulus", encoding: .utf8)
            // `Modulus=C3A1…`: two hex digits a byte.
            let digits = Array((text.split(separator: "=").last ?? "").filter(\.isHexDigit))
            let bytes = stride(from: 0, to: digits.count - 1, by: 2).map {
                UInt8(String(digits[$0...$0 + 1]), radix: 16) ?? 0
            }
            let jwks = #"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","n":"\#(Self.base64URL(bytes))","e":"AQAB"}]}"#
            return Signer(directory: directory, jwks: jwks)
        }

        /// A token with `header` and `claims`, signed RS256 with the key.
        func token(header: String = #"{"alg":"RS256","kid":"k1"}"#, claims: String) async throws -> String {
            let input = Signer.base64URL(Array(header.utf8)) + "." + Signer.base64URL(Array(claims.utf8))
            _ = FileManager.default.createFile(atPath: self.directory + "/input", contents: Data(input.utf8))
            try await Signer.openssl(
                [
                    "dgst", "-sha256", "-sign", self.directory + "/key.pem", "-out", self.directory + "/signature",
                    self.directory + "/input",
                ],
                in: self.directory
            )
            let signature = try Data(contentsOf: URL(filePath: self.directory + "/signature"))
            return input + "." + Signer.base64URL(Array(signature))
        }

        static func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing(
                "=",
                with: ""
            )
        }

        static func openssl(_ arguments: [String], in directory: String) async throws {
            let process = try ChildProcess(
                executable: "/usr/bin/openssl",
                arguments: arguments,
                environment: ["PATH": "/usr/bin:/bin"],
                output: .file(directory + "/openssl.log")
            )
            let ended = await process.waitForExit()
            guard ended == "exit status 0" else { throw MissingPrerequisite("openssl \(arguments[0]): \(ended)") }
        }
    }

    static func claims(
        iss: String = issuer,
        aud: String = "client-1",
        exp: Int64 = now + 3600,
        extra: String = ""
    ) -> String {
        #"{"sub":"u-ada","email":"ada@example.com","cognito:groups":["vendor","admin"],"iss":"\#(iss)","aud":"\#(aud)","exp":\#(exp)\#(extra)}"#
    }

    /// Runs `body` with an authorizer whose JWKS is `signer`'s.
    static func with(_ signer: Signer, _ body: (JWTAuthorizer) async throws -> Void) async throws {
        try await LoopbackServer.with({ _ in LoopbackServer.text(.ok, signer.jwks) }) { port in
            let authorizer = JWTAuthorizer(
                issuer: Self.issuer,
                audience: ["client-1"],
                keysURL: "http://127.0.0.1:\(port)/.well-known/jwks.json",
                transport: Moto.transport
            )
            try await body(authorizer)
        }
    }

    static func rejection(_ authorizer: JWTAuthorizer, _ authorization: String?) async -> String? {
        do {
            _ = try await authorizer.claims(authorization: authorization, nowSeconds: Self.now)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aGoodTokenGivesItsClaimsAsStrings() async throws {
        let signer = try await Signer.make()
        try await Self.with(signer) { authorizer in
            let token = try await signer.token(claims: Self.claims())
            let claims = try await authorizer.claims(authorization: "Bearer " + token, nowSeconds: Self.now)
            #expect(claims["sub"] == "u-ada")
            #expect(claims["email"] == "ada@example.com")
            #expect(claims["cognito:groups"] == "[vendor admin]")
            #expect(claims["exp"] == String(Self.now + 3600))
        }
    }

    @Test func hugeNumbersAndMadeUpKeyIdsCostNothing() async throws {
        let signer = try await Signer.make()
        try await Self.with(signer) { authorizer in
            for exp in ["1e300", "9223372036854775808", "-1e300"] {
                let token = try await signer.token(
                    claims: #"{"sub":"u","iss":"\#(Self.issuer)","aud":"client-1","exp":\#(exp),"n":\#(exp)}"#
                )
                #expect(await Self.rejection(authorizer, token) == "exp is not a time in seconds", "\(exp)")
            }
            let good = try await signer.token(claims: Self.claims(extra: #","big":1e300"#))
            #expect(try await authorizer.claims(authorization: good, nowSeconds: Self.now)["big"] == "1e+300")
            // Ten tokens naming key ids the issuer never had: the key set is not fetched ten times.
            let before = authorizer.keySetFetches
            for n in 0..<10 {
                let token = try await signer.token(
                    header: #"{"alg":"RS256","kid":"made-up-\#(n)"}"#,
                    claims: Self.claims()
                )
                #expect(await Self.rejection(authorizer, token) == "unknown signing key")
            }
            #expect(authorizer.keySetFetches - before <= 1)
        }
    }

    @Test func everyBadTokenIsRefusedWithItsReason() async throws {
        let signer = try await Signer.make()
        try await Self.with(signer) { authorizer in
            let good = try await signer.token(claims: Self.claims())
            var tampered = Array(good.split(separator: "."))
            tampered[1] = Substring(Signer.base64URL(Array(Self.claims(extra: #","admin":true"#).utf8)))
            let cases: [(String?, String)] = [
                (nil, "no Authorization header"),
                ("Bearer abc", "not a JWT"),
                (
                    "Bearer " + (try await signer.token(header: #"{"alg":"none"}"#, claims: Self.claims())),
                    "unsupported header (RS256 only)"
                ),
                (
                    "Bearer " + (try await signer.token(header: #"{"alg":"RS256","kid":"k9"}"#, claims: Self.claims())),
                    "unknown signing key"
                ),
                ("Bearer " + tampered.joined(separator: "."), "bad signature"),
                ("Bearer " + (try await signer.token(claims: Self.claims(iss: "https://elsewhere"))), "wrong issuer"),
                ("Bearer " + (try await signer.token(claims: Self.claims(aud: "client-2"))), "wrong audience"),
                ("Bearer " + (try await signer.token(claims: Self.claims(exp: Self.now - 1))), "expired"),
                (
                    "Bearer " + (try await signer.token(claims: Self.claims(extra: #","nbf":\#(Self.now + 60)"#))),
                    "not yet valid"
                ),
            ]
            for (authorization, reason) in cases {
                #expect(await Self.rejection(authorizer, authorization) == reason)
            }
        }
    }
}
