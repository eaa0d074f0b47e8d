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

    /// A signed request and the intermediate strings, which explain a `SignatureDoesNotMatch`. They are kept
    /// as bytes and made strings only when read: a request that succeeds never needs them.
    package struct Signed: Sendable {
        package var request: SigningRequest
        package var signature: String
        fileprivate var canonicalBytes: [UInt8]
        fileprivate var stringToSignBytes: [UInt8]

        package var canonicalRequest: String { String(decoding: self.canonicalBytes, as: UTF8.self) }
        package var stringToSign: String { String(decoding: self.stringToSignBytes, as: UTF8.self) }
    }

    package static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers that proxies and clients may change in flight, so they are never signed.
    private static let unsignedHeaders: [[UInt8]] = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection",
    ]
    .map { Array($0.utf8) }

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
        let scope = self.scope(date)
        var (signed, signedHeaders) = self.signature(of: request, credentials: credentials, date: date, scope: scope)
        // One buffer, not five interpolated pieces: this runs for every request.
        var authorization: [UInt8] = []
        authorization.reserveCapacity(160 + signedHeaders.count)
        Self.appendUTF8(of: Self.algorithm, to: &authorization)
        authorization += " Credential=".utf8
        Self.appendUTF8(of: credentials.accessKeyId, to: &authorization)
        authorization.append(UInt8(ascii: "/"))
        authorization += scope
        authorization += ", SignedHeaders=".utf8
        authorization += signedHeaders
        authorization += ", Signature=".utf8
        Self.appendUTF8(of: signed.signature, to: &authorization)
        signed.request.headers.append(.init("Authorization", String(decoding: authorization, as: UTF8.self)))
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
        let scope = self.scope(date)
        var request = request
        request.query += [
            .init("X-Amz-Algorithm", Self.algorithm),
            .init("X-Amz-Credential", self.credential(credentials, date: date)),
            .init("X-Amz-Date", date.dateTime),
            .init("X-Amz-Expires", String(expiresIn)),
            .init("X-Amz-SignedHeaders", String(decoding: self.canonical(request).signedHeaders, as: UTF8.self)),
        ]
        if let token = credentials.sessionToken, !omitSessionToken {
            request.query.append(.init("X-Amz-Security-Token", token))
        }
        var (signed, _) = self.signature(of: request, credentials: credentials, date: date, scope: scope)
        signed.request.query.append(.init("X-Amz-Signature", signed.signature))
        if let token = credentials.sessionToken, omitSessionToken {
            signed.request.query.append(.init("X-Amz-Security-Token", token))
        }
        return signed
    }

    /// Signs an S3 POST policy (a browser-based upload): the string to sign is the base64 policy itself.
    /// - Returns: the `x-amz-credential` the policy must name and the `x-amz-signature` of the form.
    package func signPolicy(
        _ base64Policy: String,
        credentials: Credentials,
        date: AmzDate
    ) -> (credential: String, signature: String) {
        let key = self.keys.key(credentials: credentials, date: date.date, region: self.region, service: self.service)
        return (
            self.credential(credentials, date: date),
            key.authenticateHex(base64Policy.utf8)
        )
    }

    /// The `x-amz-credential` of credentials at `date`: the access key and the scope.
    package func credential(_ credentials: Credentials, date: AmzDate) -> String {
        "\(credentials.accessKeyId)/\(String(decoding: self.scope(date), as: UTF8.self))"
    }

    /// The canonical request: method, URI, query, headers, signed header names and payload hash.
    package func canonicalRequest(_ request: SigningRequest) -> String {
        String(decoding: self.canonical(request).bytes, as: UTF8.self)
    }

    /// The canonical request as bytes, written into one buffer: it runs for every request, and building it
    /// from intermediate strings cost more than the hashing.
    private func canonical(_ request: SigningRequest) -> (bytes: [UInt8], signedHeaders: [UInt8]) {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        Self.appendUTF8(of: request.method, to: &output)
        output.append(0x0A)
        if request.path.isEmpty || request.path == "/" {
            output.append(UInt8(ascii: "/"))  // every JSON-protocol call: nothing to normalise or encode
        } else {
            var path = request.path
            if self.rules.normalizePath { path = URIEncoding.normalizePath(path) }
            if self.rules.doubleEncodePath { path = URIEncoding.encode(path, keepingSlashes: true) }
            Self.appendUTF8(of: path, to: &output)
        }
        output.append(0x0A)
        if !request.query.isEmpty { output += self.canonicalQuery(request.query).utf8 }
        output.append(0x0A)
        let names = self.appendCanonicalHeaders(of: request, to: &output)
        output.append(0x0A)
        output += names
        output.append(0x0A)
        Self.appendUTF8(of: request.payloadHash, to: &output)
        return (output, names)
    }

    /// Names and values encoded, then sorted by name and value in byte order.
    private func canonicalQuery(_ items: [SigningRequest.QueryItem]) -> String {
        let encoded: [(name: String, value: String)] = items.map {
            (URIEncoding.encode($0.name), URIEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { left, right in
            left.name == right.name
                ? left.value.utf8.lexicographicallyPrecedes(right.value.utf8)
                : left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    private func signature(
        of request: SigningRequest,
        credentials: Credentials,
        date: AmzDate,
        scope: [UInt8]
    ) -> (signed: Signed, signedHeaders: [UInt8]) {
        let (canonical, signedHeaders) = self.canonical(request)
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(160)
        Self.appendUTF8(of: Self.algorithm, to: &stringToSign)
        stringToSign.append(0x0A)
        Self.appendUTF8(of: date.dateTime, to: &stringToSign)
        stringToSign.append(0x0A)
        stringToSign += scope
        stringToSign.append(0x0A)
        Digest.appendSHA256Hex(of: canonical, to: &stringToSign)
        let key = self.keys.key(credentials: credentials, date: date.date, region: self.region, service: self.service)
        let signature = key.authenticateHex(stringToSign)
        let signed = Signed(
            request: request,
            signature: signature,
            canonicalBytes: canonical,
            stringToSignBytes: stringToSign
        )
        return (signed, signedHeaders)
    }

    /// `date/region/service/aws4_request`, as bytes: the signature and the `Authorization` header both
    /// take it, and interpolated it was a string built piece by piece for every request.
    private func scope(_ date: AmzDate) -> [UInt8] {
        var scope: [UInt8] = []
        scope.reserveCapacity(date.date.utf8.count + self.region.utf8.count + self.service.utf8.count + 15)
        Self.appendUTF8(of: date.date, to: &scope)
        scope.append(UInt8(ascii: "/"))
        Self.appendUTF8(of: self.region, to: &scope)
        scope.append(UInt8(ascii: "/"))
        Self.appendUTF8(of: self.service, to: &scope)
        scope += "/aws4_request".utf8
        return scope
    }

    /// Appends the canonical header lines (`name:value\n` each) and returns the signed names (`a;b;c`).
    /// Names are lower-cased and sorted in byte order; values are trimmed with inner runs of white space
    /// collapsed, and the values of a repeated name are joined with `,` in the order sent. Works on UTF-8
    /// bytes: Character-level string handling made a signature cost 1.3 M instructions.
    private func appendCanonicalHeaders(of request: SigningRequest, to output: inout [UInt8]) -> [UInt8] {
        // Every name lower-cased into one buffer, entries pointing into it: an array per name was a tenth of
        // a signature. Compared through buffer pointers: a slice of the array per comparison, retained and
        // released, cost more than the comparing.
        var lowered: [UInt8] = []
        lowered.reserveCapacity(request.headers.count * 24)
        var entries: [(name: Range<Int>, header: Int)] = []
        entries.reserveCapacity(request.headers.count)
        for (index, header) in request.headers.enumerated() {
            let start = lowered.count
            Self.appendUTF8(of: header.name, to: &lowered)
            let signed = lowered.withUnsafeMutableBufferPointer { buffer in
                for offset in start..<buffer.count where buffer[offset] >= 0x41 && buffer[offset] <= 0x5A {
                    buffer[offset] |= 0x20
                }
                let name = UnsafeBufferPointer(rebasing: buffer[start...])
                return !Self.unsignedHeaders.contains { $0.count == name.count && $0.elementsEqual(name) }
            }
            if signed {
                entries.append((start..<lowered.count, index))
            } else {
                lowered.removeSubrange(start...)
            }
        }
        var names: [UInt8] = []
        names.reserveCapacity(lowered.count + entries.count)
        lowered.withUnsafeBufferPointer { lowered in
            let name = { (entry: (name: Range<Int>, header: Int)) in UnsafeBufferPointer(rebasing: lowered[entry.name])
            }
            entries.sort { left, right in
                let order = Self.compare(name(left), name(right))
                return order == 0 ? left.header < right.header : order < 0
            }
            var index = 0
            while index < entries.count {
                let current = name(entries[index])
                if !names.isEmpty { names.append(UInt8(ascii: ";")) }
                names.append(contentsOf: current)
                output.append(contentsOf: current)
                output.append(UInt8(ascii: ":"))
                Self.appendTrimmed(request.headers[entries[index].header].value, to: &output)
                index += 1
                while index < entries.count, Self.compare(name(entries[index]), current) == 0 {
                    output.append(UInt8(ascii: ","))
                    Self.appendTrimmed(request.headers[entries[index].header].value, to: &output)
                    index += 1
                }
                output.append(0x0A)
            }
        }
        return names
    }

    /// Byte order: negative when `left` sorts first, zero when equal.
    private static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        for index in 0..<min(left.count, right.count) where left[index] != right[index] {
            return Int(left[index]) - Int(right[index])
        }
        return left.count - right.count
    }

    /// Appends the UTF-8 of `text` in one copy (through `utf8` it went a code unit at a time).
    private static func appendUTF8(of text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Appends the value without leading or trailing white space, inner runs of white space as one space.
    private static func appendTrimmed(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            // Nearly every value has no white space at all: one copy, not a byte at a time (13% of a signature).
            if !bytes.contains(where: isSpace) {
                output += bytes
                return
            }
            var started = false
            var pendingSpace = false
            for byte in bytes {
                if isSpace(byte) {
                    pendingSpace = started
                } else {
                    if pendingSpace { output.append(0x20) }
                    pendingSpace = false
                    started = true
                    output.append(byte)
                }
            }
        }
    }
}
