import AWS
import FoundationEssentials
import GavelFixtures
import GavelTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One signing case from `../shared/testdata/sigv4`, with what the signer must produce.
struct SigV4Vector: Sendable, CustomTestStringConvertible {
    enum Form: String, Sendable { case header, query }

    var name: String
    var form: Form
    var request: SigningRequest
    var credentials: Credentials
    var region: String
    var service: String
    var rules: SigV4Signer.Rules
    var unixTime: Int64
    var expiresIn: Int
    var omitSessionToken: Bool
    var canonicalRequest: String?
    var stringToSign: String?
    var signature: String

    var testDescription: String { "\(self.name) (\(self.form.rawValue))" }

    /// The sigv4 directory, or nil when `../shared/testdata` is absent.
    static var directory: String? { TestPaths.sharedTestData.map { $0 + "/sigv4" } }

    /// Every case: the v4 suite (both forms), the double-encoding and unsigned-payload cases, the S3 examples.
    static func all() -> [SigV4Vector] {
        guard let directory else { return [] }
        var vectors: [SigV4Vector] = []
        let suite = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/v4")) ?? []
        for name in suite.sorted() {
            for form in [Form.header, .query] {
                if let vector = try? self.suiteCase(directory + "/v4/" + name, name: name, form: form) {
                    vectors.append(vector)
                }
            }
        }
        vectors += (try? self.jsonCases(directory + "/extra-contexts.json", base: directory)) ?? []
        vectors += (try? self.jsonCases(directory + "/s3-doc-examples.json", base: directory)) ?? []
        return vectors
    }

    private static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A case of the CRT suite: request.txt, context.json and the expected files of one form.
    private static func suiteCase(_ path: String, name: String, form: Form) throws -> SigV4Vector {
        struct Context: Decodable {
            struct Keys: Decodable {
                var access_key_id: String
                var secret_access_key: String
                var token: String?
            }
            var credentials: Keys
            var expiration_in_seconds: Int
            var normalize: Bool
            var region: String
            var service: String
            var sign_body: Bool
            var timestamp: String
            var omit_session_token: Bool?
        }
        let context = try JSONDecoder().decode(Context.self, from: Data(try self.text(path + "/context.json").utf8))
        let parsed = try RawRequest(try self.text(path + "/request.txt"))
        // The suite's harness: the path in request.txt is raw, signed with double encoding and the context's
        // normalisation; sign_body signs the body's hash in both forms, and adds x-amz-content-sha256 in the
        // header form only.
        let signBody = context.sign_body
        return SigV4Vector(
            name: name,
            form: form,
            request: SigningRequest(
                method: parsed.method,
                path: parsed.path,
                query: parsed.query,
                headers: parsed.headers,
                payloadHash: signBody ? Digest.sha256Hex(parsed.body.utf8) : Digest.emptyPayloadHash
            ),
            credentials: Credentials(
                accessKeyId: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token
            ),
            region: context.region,
            service: context.service,
            rules: .init(
                doubleEncodePath: true,
                normalizePath: context.normalize,
                addContentHashHeader: signBody && form == .header
            ),
            unixTime: try self.unixTime(context.timestamp),
            expiresIn: context.expiration_in_seconds,
            omitSessionToken: context.omit_session_token ?? false,
            canonicalRequest: try self.text(path + "/\(form.rawValue)-canonical-request.txt"),
            stringToSign: try self.text(path + "/\(form.rawValue)-string-to-sign.txt"),
            signature: try self.text(path + "/\(form.rawValue)-signature.txt").trimmingNewlines
        )
    }

    /// The cases written as JSON (extra-contexts.json, s3-doc-examples.json).
    private static func jsonCases(_ file: String, base: String) throws -> [SigV4Vector] {
        struct Cases: Decodable { var cases: [Case] }
        struct Case: Decodable {
            struct Request: Decodable {
                var method: String
                var url: String
                var headers: [[String]]
                var body: String
                var service: String
                var region: String
                var s3: Bool
                var payload_signing: Bool?
                var access_key: String
                var secret_key: String
                var timestamp: String
                var mode: String?
                var expires: Int?
            }
            var name: String?
            var dir: String?
            var request: Request
            var canonical_request: String?
            var canonical_request_file: String?
            var signature: String
        }
        return try JSONDecoder().decode(Cases.self, from: Data(try self.text(file).utf8)).cases.map { item in
            let request = item.request
            let afterScheme = request.url.split(separator: "://", maxSplits: 1)[1]
            let host = String(afterScheme.prefix { $0 != "/" })
            let target = String(afterScheme.dropFirst(host.count))
            let (path, query) = RawRequest.split(target)
            let form: Form = request.mode == "query" ? .query : .header
            let payloadHash =
                form == .query || request.payload_signing == false
                ? "UNSIGNED-PAYLOAD" : Digest.sha256Hex(request.body.utf8)
            var canonical = item.canonical_request
            if let file = item.canonical_request_file, let dir = item.dir {
                canonical = try self.text("\(base)/\(dir)/\(file)")
            }
            return SigV4Vector(
                name: item.name ?? item.dir ?? file,
                form: form,
                request: SigningRequest(
                    method: request.method,
                    path: path,
                    query: query,
                    headers: (request.headers.contains { $0[0].lowercased() == "host" } ? [] : [.init("Host", host)])
                        + request.headers.map { .init($0[0], $0[1]) },
                    payloadHash: payloadHash
                ),
                credentials: Credentials(accessKeyId: request.access_key, secretAccessKey: request.secret_key),
                region: request.region,
                service: request.service,
                rules: request.s3 ? .s3 : .standard,
                unixTime: try self.unixTime(request.timestamp),
                expiresIn: request.expires ?? 3600,
                omitSessionToken: false,
                canonicalRequest: canonical,
                stringToSign: nil,
                signature: item.signature
            )
        }
    }

    /// `2015-08-30T12:36:00Z` as Unix seconds.
    static func unixTime(_ timestamp: String) throws -> Int64 {
        let digits = timestamp.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
        guard digits.count == 6 else { throw MissingPrerequisite("unreadable timestamp \(timestamp)") }
        var parts = tm()
        parts.tm_year = digits[0] - 1900
        parts.tm_mon = digits[1] - 1
        parts.tm_mday = digits[2]
        parts.tm_hour = digits[3]
        parts.tm_min = digits[4]
        parts.tm_sec = digits[5]
        return Int64(timegm(&parts))
    }
}

/// request.txt: a request line, headers (a line starting with white space continues the previous
/// value), a blank line and the body.
struct RawRequest {
    var method: String
    var path: String
    var query: [SigningRequest.QueryItem]
    var headers: [SigningRequest.Header]
    var body: String

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.trimmingSuffix("\r"))
        }
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 3 else { throw MissingPrerequisite("unreadable request line \(lines[0])") }
        self.method = String(requestLine[0])
        // The target may hold spaces (get-space): everything between the method and the HTTP version.
        (self.path, self.query) = Self.split(requestLine.dropFirst().dropLast().joined(separator: " "))
        self.headers = []
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", !self.headers.isEmpty {
                self.headers[self.headers.count - 1].value += " " + line.trimmingSpaces
            } else if let colon = line.firstIndex(of: ":") {
                self.headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            index += 1
        }
        self.body = lines.dropFirst(index + 1).joined(separator: "\n")
    }

    /// Splits `path?query` and decodes the query parameters (`a` alone has an empty value).
    static func split(_ target: String) -> (String, [SigningRequest.QueryItem]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, []) }
        let query = target[target.index(after: mark)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return SigningRequest.QueryItem(
                URIEncoding.decode(String(parts[0])),
                parts.count > 1 ? URIEncoding.decode(String(parts[1])) : ""
            )
        }
        return (String(target[..<mark]), query)
    }
}

extension StringProtocol {
    var trimmingNewlines: String { String(self.reversed().drop { $0 == "\n" || $0 == "\r" }.reversed()) }
    var trimmingSpaces: String { String(self.drop { $0 == " " || $0 == "\t" }) }
    func trimmingSuffix(_ suffix: Character) -> SubSequence { self.last == suffix ? self.dropLast() : self[...] }
}
