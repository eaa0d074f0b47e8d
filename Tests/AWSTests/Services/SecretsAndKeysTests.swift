import AWS
import FoundationEssentials
import GavelFixtures
import GavelTesting
import Testing

/// Secrets Manager (with its cache) and KMS against moto with signature checking on.
@Suite struct SecretsAndKeysTests {
    @Test func aSecretIsFetchedOnceAndAgainAfterTheCacheExpires() async throws {
        let moto = try await Moto.shared()
        let name = moto.unique("ebay")
        try await moto.createSecret(name, value: #"{"clientId":"one"}"#)
        let pinned = PinnedEnvironment()  // its clock moves one second per reading
        let client = AWSClient(
            service: .secretsManager,
            endpoints: try EndpointResolver(environment: moto.environment),
            transport: Moto.transport,
            credentials: StaticCredentials(moto.credentials),
            retry: RetryPolicy(),
            environment: pinned.environment
        )
        let secrets = SecretsManager(client: client, cacheTTL: .seconds(3))
        #expect(try await secrets.secret(name).string == #"{"clientId":"one"}"#)
        try await moto.putSecretValue(name, value: #"{"clientId":"two"}"#)
        #expect(try await secrets.secret(name).string == #"{"clientId":"one"}"#)  // cached
        pinned.advance(by: 5)
        #expect(try await secrets.secret(name).string == #"{"clientId":"two"}"#)  // expired: fetched again
        secrets.invalidate(name)
        #expect(try await secrets.secret(name).versionId != nil)

        let missing = await #expect(throws: AWSError.self) { try await secrets.secret(moto.unique("none")) }
        #expect(missing?.context.code == "ResourceNotFoundException")
    }

    @Test func aBinarySecretArrivesAsItsBytes() async throws {
        struct Input: Encodable {
            var Name: String
            var SecretBinary: String  // base64, as the JSON protocol carries blobs
        }
        let moto = try await Moto.shared()
        let name = moto.unique("binary")
        let bytes: [UInt8] = [0, 1, 2, 0xFE, 0xFF, 0x2B, 0x2F]
        _ = try await moto.client(.secretsManager).json(
            "CreateSecret",
            Input(Name: name, SecretBinary: Data(bytes).base64EncodedString()),
            as: AWSJSON.NoOutput.self
        )
        let secret = try await SecretsManager(client: try moto.client(.secretsManager)).secret(name)
        #expect(secret.binary == bytes)
        #expect(secret.string == nil)
    }

    @Test func kmsRoundTripsAndTheContextIsBinding() async throws {
        let moto = try await Moto.shared()
        let key = try await moto.createKey()
        let kms = KMS(client: try moto.client(.kms))
        let token = Array("refresh-token-v^1#abc".utf8)
        let sealed = try await kms.encrypt(token, keyId: key, context: ["userId": "u1"])
        #expect(sealed != token)
        #expect(try await kms.decrypt(sealed, context: ["userId": "u1"]) == token)
        let error = await #expect(throws: AWSError.self) {
            try await kms.decrypt(Array("not a ciphertext".utf8), keyId: key)
        }
        #expect(error?.context.status == 400)
    }
}
