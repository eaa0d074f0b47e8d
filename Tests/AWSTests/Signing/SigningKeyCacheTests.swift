import AWS
import Testing

@Suite struct SigningKeyCacheTests {
    private let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    @Test func derivesTheDocumentedKey() {
        // AWS's worked example: secret above, 20150830, us-east-1, iam.
        let key = SigningKeyCache().key(credentials: self.credentials, date: "20150830", region: "us-east-1", service: "iam")
        #expect(Digest.hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func keysDifferByDateRegionServiceAndAccessKey() {
        let cache = SigningKeyCache()
        let base = cache.key(credentials: self.credentials, date: "20150830", region: "us-east-1", service: "sqs")
        #expect(cache.key(credentials: self.credentials, date: "20150830", region: "us-east-1", service: "sqs") == base)
        #expect(cache.key(credentials: self.credentials, date: "20150831", region: "us-east-1", service: "sqs") != base)
        #expect(cache.key(credentials: self.credentials, date: "20150830", region: "eu-west-1", service: "sqs") != base)
        #expect(cache.key(credentials: self.credentials, date: "20150830", region: "us-east-1", service: "s3") != base)
        let rotated = Credentials(accessKeyId: "AKIDOTHER", secretAccessKey: "other")
        #expect(cache.key(credentials: rotated, date: "20150830", region: "us-east-1", service: "sqs") != base)
    }
}
