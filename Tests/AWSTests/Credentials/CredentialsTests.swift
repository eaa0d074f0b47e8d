import AWS
import Testing

@Suite struct CredentialsTests {
    @Test func theDescriptionNeverShowsTheSecretOrToken() {
        let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
        let shown = "\(credentials) \(String(reflecting: credentials))"
        #expect(shown.contains("AKIDEXAMPLE"))
        #expect(!shown.contains("s3cr3t"))
        #expect(!shown.contains("t0k3n"))
    }
}
