import AWS
import GavelTesting
import Testing

@Suite struct SigV4SignerTests {
    static let vectors = SigV4Vector.all()

    @Test func theVectorSuiteIsPresent() throws {
        guard SigV4Vector.directory != nil else {
            // Outside CI a missing ../shared only skips the vector cases; under CI=true it fails.
            #expect(!TestPaths.isCI, "../shared/testdata/sigv4 is missing: the SigV4 vectors cannot run")
            return
        }
        // 38 suite cases in each form; 3 extra header cases; 4 S3 header examples and 1 presigned one.
        #expect(Self.vectors.filter { $0.form == .header }.count == 38 + 3 + 4)
        #expect(Self.vectors.filter { $0.form == .query }.count == 38 + 1)
    }

    @Test(arguments: SigV4SignerTests.vectors)
    func matchesTheVector(_ vector: SigV4Vector) {
        let signer = SigV4Signer(region: vector.region, service: vector.service, rules: vector.rules)
        let signed =
            switch vector.form {
            case .header:
                signer.sign(
                    vector.request,
                    credentials: vector.credentials,
                    unixTime: vector.unixTime,
                    omitSessionToken: vector.omitSessionToken
                )
            case .query:
                signer.presign(
                    vector.request,
                    credentials: vector.credentials,
                    unixTime: vector.unixTime,
                    expiresIn: vector.expiresIn,
                    omitSessionToken: vector.omitSessionToken
                )
            }
        // double-encode-path's upstream canonical request carries a stale date: only its signature counts.
        if let canonical = vector.canonicalRequest, !vector.name.hasSuffix("double-encode-path") {
            #expect(signed.canonicalRequest == canonical)
        }
        if let stringToSign = vector.stringToSign { #expect(signed.stringToSign == stringToSign) }
        #expect(signed.signature == vector.signature)
    }
}
