import AWS
import Testing

@Suite struct SigningKeyCacheTests {
    private let credentials = Credentials(
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )

    @Test func derivesTheDocumentedKey() {
        // AWS's worked example: secret above, 20150830, us-east-1, iam.
        let key = SigningKeyCache.derive(
            secret: self.credentials.secretAccessKey,
            date: "20150830",
            region: "us-east-1",
            service: "iam"
        )
        #expect(Digest.hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func cachedKeysSignAsFreshlyDerivedOnesForEveryScope() {
        let cache = SigningKeyCache()
        let message = Array("string to sign".utf8)
        let rotated = Credentials(accessKeyId: "AKIDOTHER", secretAccessKey: "other")
        let scopes = [
            (self.credentials, "20150830", "us-east-1", "sqs"), (self.credentials, "20150831", "us-east-1", "sqs"),
            (self.credentials, "20150830", "eu-west-1", "sqs"), (self.credentials, "20150830", "us-east-1", "s3"),
            (rotated, "20150830", "us-east-1", "sqs"),
        ]
        var signatures = Set<[UInt8]>()
        for _ in 0..<2 {  // the second pass is served from the cache
            for (credentials, date, region, service) in scopes {
                let cached = cache.key(credentials: credentials, date: date, region: region, service: service)
                    .authenticate(message)
                let fresh = Digest.hmacSHA256(
                    key: SigningKeyCache.derive(
                        secret: credentials.secretAccessKey,
                        date: date,
                        region: region,
                        service: service
                    ),
                    message
                )
                #expect(cached == fresh)
                signatures.insert(cached)
            }
        }
        #expect(signatures.count == scopes.count)  // every scope has its own key
    }
}
