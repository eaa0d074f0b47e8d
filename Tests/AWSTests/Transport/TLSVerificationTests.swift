import AWS
import FoundationEssentials
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// TLS against a real peer: `openssl s_server` with a certificate from a CA made for the test.
@Suite struct TLSVerificationTests {
    /// Runs `openssl` with `arguments` in `directory` and waits for it.
    private func openssl(_ arguments: [String], in directory: String) async throws {
        let process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["-C", directory, "openssl"] + arguments,
            environment: ["PATH": "/usr/bin:/bin"],
            output: .file(directory + "/openssl.log")
        )
        let status = await process.waitForExit()
        guard status == "exit status 0" else { throw MissingPrerequisite("openssl \(arguments[0]) failed: \(status)") }
    }

    /// A test CA, and a server certificate for 127.0.0.1 that it signed.
    private func makeCertificates() async throws -> String {
        let directory = try TestPaths.temporaryDirectory("tls")
        try await self.openssl(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Gavel Test CA",
            ],
            in: directory
        )
        try await self.openssl(
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1",
            ],
            in: directory
        )
        try Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8).write(to: URL(filePath: directory + "/ext.cnf"))
        try await self.openssl(
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.pem", "-days", "2", "-extfile", "ext.cnf",
            ],
            in: directory
        )
        return directory
    }

    /// Runs `body` with the port of an `openssl s_server` presenting the test certificate.
    private func withServer<Output: Sendable>(
        _ directory: String,
        _ body: (Int) async throws -> Output
    ) async throws -> Output {
        let log = directory + "/server.log"
        let server = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: [
                "-C", directory, "openssl", "s_server", "-accept", "0", "-cert", "server.pem", "-key", "server.key",
                "-www",
            ],
            environment: ["PATH": "/usr/bin:/bin"],
            output: .file(log)
        )
        defer { server.send(9) }
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: log, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return try await body(port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MissingPrerequisite("openssl s_server did not start")
    }

    @Test func verifiedWithTheCAFileAndRefusedWithout() async throws {
        let directory = try await self.makeCertificates()
        try await self.withServer(directory) { port in
            let trusting = CurlTransport(configuration: .init(caFile: directory + "/ca.pem"))
            let response = try await trusting.send(TransportRequest(method: "GET", url: "https://127.0.0.1:\(port)/"))
            #expect(response.status == 200)

            // The system bundle does not vouch for the test CA.
            let system = CurlTransport(configuration: .init(caFile: "/etc/ssl/certs/ca-certificates.crt"))
            await #expect {
                try await system.send(TransportRequest(method: "GET", url: "https://127.0.0.1:\(port)/"))
            } throws: { error in
                (error as? TransportError)?.isTLSFailure == true
            }
        }
    }
}
