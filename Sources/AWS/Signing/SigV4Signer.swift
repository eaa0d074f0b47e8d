/// AWS Signature Version 4, in the header form and the presigned-query form.
///
/// Pure: no clock (the time is a parameter), no I/O. The service's rules say how the path is treated:
/// every service but S3 normalises the path and encodes it again; S3 signs the path exactly as sent and
/// always signs `x-amz-content-sha256`.
package struct SigV4Signer: Sendable {
    /// How a service wants its requests signed.
    package struct Rules: Sendable, Equatable {
        /// Encode the (already encoded) path again for the canonical request.
        package var doubleEncodePath: Bool
        /// Remove `.`, `..` and empty segments from the path before signing.
        package var normalizePath: Bool
        /// Add `x-amz-content-sha256` with the payload hash, and sign it.
        package var addContentHashHeader: Bool

        package init(doubleEncodePath: Bool, normalizePath: Bool, addContentHashHeader: Bool) {
            self.doubleEncodePath = doubleEncodePath
            self.normalizePath = normalizePath
            self.addContentHashHeader = addContentHashHeader
        }

        /// Every service but S3.
        package static let standard = Rules(doubleEncodePath: true, normalizePath: true, addContentHashHeader: false)
        /// S3: the path is signed as sent, and every request carries `x-amz-content-sha256`.
        package static let s3 = Rules(doubleEncodePath: false, normalizePath: false, addContentHashHeader: true)
    }

    /// A signed request and the intermediate strings, which explain a `SignatureDoesNotMatch`.
    package struct Signed: Sendable {
        package var request: SigningRequest
        package var canonicalRequest: String
        package var stringToSign: String
        package var signature: String
    }

    package static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers that proxies and clients may change in flight, so they are never signed.
    private static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "x-amzn-trace-id", "expect", "connection"]

    package var region: String
    /// The signing name: `dynamodb`, `sqs`, `s3`, and `ses` for SES v2 (whose host is `email.<region>`).
    package var service: String
    package var rules: Rules
    private let keys: SigningKeyCache

    package init(region: String, service: String, rules: Rules = .standard, keys: SigningKeyCache = SigningKeyCache()) {
        self.region = region
        self.service = service
        self.rules = rules
        self.keys = keys
    }

    /// Signs in the header form: adds `X-Amz-Date`, the session token, `x-amz-content-sha256` where the
    /// rules want it, and `Authorization`.
    /// - Parameter omitSessionToken: add the token after signing, unsigned (a few services require it).
    package func sign(
        _ request: SigningRequest,
        credentials: Credentials,
        unixTime: Int64,
        omitSessionToken: Bool = false
    ) -> Signed {
        let date = AmzDate(unixTime: unixTime)
        var request = request
        request.headers.append(.init("X-Amz-Date", date.dateTime))
        if self.rules.addContentHashHeader, request.header("x-amz-content-sha256") == nil {
            request.headers.append(.init("x-amz-content-sha256", request.payloadHash))
        }
        if let token = credentials.sessionToken, !omitSessionToken {
            request.headers.append(.init("X-Amz-Security-Token", token))
        }
        var signed = self.signature(of: request, credentials: credentials, date: date)
        let credential = "\(credentials.accessKeyId)/\(self.scope(date))"
        signed.request.headers.append(.init(
            "Authorization",
            "\(Self.algorithm) Credential=\(credential), SignedHeaders=\(self.signedHeaderNames(request)), Signature=\(signed.signature)"
        ))
        if let token = credentials.sessionToken, omitSessionToken {
            signed.request.headers.append(.init("X-Amz-Security-Token", token))
        }
        return signed
    }

    /// Signs in the presigned-URL form: the signature and its parameters go in the query. No header is added,
    /// so `x-amz-content-sha256` is not either; S3 callers pass `UNSIGNED-PAYLOAD` as the payload hash.
    /// - Parameter expiresIn: seconds the URL stays valid (at most 604,800).
    package func presign(
        _ request: SigningRequest,
        credentials: Credentials,
        unixTime: Int64,
        expiresIn: Int,
        omitSessionToken: Bool = false
    ) -> Signed {
        let date = AmzDate(unixTime: unixTime)
        var request = request
        request.query += [
            .init("X-Amz-Algorithm", Self.algorithm),
            .init("X-Amz-Credential", "\(credentials.accessKeyId)/\(self.scope(date))"),
            .init("X-Amz-Date", date.dateTime),
            .init("X-Amz-Expires", String(expiresIn)),
            .init("X-Amz-SignedHeaders", self.signedHeaderNames(request)),
        ]
        if let token = credentials.sessionToken, !omitSessionToken {
            request.query.append(.init("X-Amz-Security-Token", token))
        }
        var signed = self.signature(of: request, credentials: credentials, date: date)
        signed.request.query.append(.init("X-Amz-Signature", signed.signature))
        if let token = credentials.sessionToken, omitSessionToken {
            signed.request.query.append(.init("X-Amz-Security-Token", token))
        }
        return signed
    }

    /// The canonical request: method, URI, query, headers, signed header names and payload hash.
    package func canonicalRequest(_ request: SigningRequest) -> String {
        var path = request.path.isEmpty ? "/" : request.path
        if self.rules.normalizePath { path = URIEncoding.normalizePath(path) }
        if self.rules.doubleEncodePath { path = URIEncoding.encode(path, keepingSlashes: true) }
        let query = self.canonicalQuery(request.query)
        let headers = self.canonicalHeaders(request).map { "\($0.name):\($0.value)\n" }.joined()
        return [request.method, path, query, headers, self.signedHeaderNames(request), request.payloadHash]
            .joined(separator: "\n")
    }

    /// Names and values encoded, then sorted by name and value (byte order of the encoded text).
    private func canonicalQuery(_ items: [SigningRequest.QueryItem]) -> String {
        let encoded: [(name: String, value: String)] = items.map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    private func signature(of request: SigningRequest, credentials: Credentials, date: AmzDate) -> Signed {
        let canonical = self.canonicalRequest(request)
        let stringToSign = [Self.algorithm, date.dateTime, self.scope(date), Digest.hex(Digest.sha256(canonical.utf8))]
            .joined(separator: "\n")
        let key = self.keys.key(credentials: credentials, date: date.date, region: self.region, service: self.service)
        let signature = Digest.hex(Digest.hmacSHA256(key: key, stringToSign.utf8))
        return Signed(request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    private func scope(_ date: AmzDate) -> String {
        "\(date.date)/\(self.region)/\(self.service)/aws4_request"
    }

    private func signedHeaderNames(_ request: SigningRequest) -> String {
        self.canonicalHeaders(request).map(\.name).joined(separator: ";")
    }

    /// Lower-cased names in order; values trimmed, inner runs of spaces collapsed, repeats joined with `,`.
    private func canonicalHeaders(_ request: SigningRequest) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            guard !Self.unsignedHeaders.contains(name) else { continue }
            values[name, default: []].append(Self.trimAll(header.value))
        }
        return values.keys.sorted().map { ($0, values[$0]!.joined(separator: ",")) }
    }

    private static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
