import JSON

/// The S3 object operations Gavel calls (REST-XML). Keys are encoded once and never normalised (curl sends
/// the path as it is); a key with a `.` or `..` segment is refused before signing, because a proxy or client
/// that normalises the path would reach another object than the one signed for. Buckets are
/// virtual-hosted on AWS and path-style on a custom endpoint (moto).
package struct S3: Sendable {
    /// What PutObject stores besides the bytes.
    package struct PutOptions: Sendable {
        package var contentType: String?
        package var cacheControl: String?
        /// User metadata, sent as `x-amz-meta-<name>`; names are lower-cased by S3.
        package var metadata: [String: String]

        package init(contentType: String? = nil, cacheControl: String? = nil, metadata: [String: String] = [:]) {
            self.contentType = contentType
            self.cacheControl = cacheControl
            self.metadata = metadata
        }
    }

    /// An object's description, from GetObject or HeadObject.
    package struct ObjectInfo: Sendable, Equatable {
        package var size: Int
        package var contentType: String?
        package var cacheControl: String?
        package var eTag: String?
        package var metadata: [String: String]

        init(headers: [String: String], size: Int) {
            self.size = Int(headers["content-length"] ?? "") ?? size
            self.contentType = headers["content-type"]
            self.cacheControl = headers["cache-control"]
            self.eTag = headers["etag"]
            self.metadata = [:]
            for (name, value) in headers where name.hasPrefix("x-amz-meta-") {
                self.metadata[String(name.dropFirst("x-amz-meta-".count))] = value
            }
        }
    }

    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    private func request(
        _ operation: String,
        _ method: String,
        bucket: String,
        key: String,
        headers: [SigningRequest.Header] = [],
        body: [UInt8] = [],
        maxResponseBytes: Int? = nil
    ) throws(AWSError) -> ServiceRequest {
        guard !key.isEmpty,
            !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." })
        else {
            throw .invalidRequest(
                .init(service: "s3", operation: operation),
                "the key \"\(key)\" is empty or has a \".\" or \"..\" segment; S3 keys like that are refused"
            )
        }
        let location = self.client.endpoint.s3Location(bucket: bucket, key: key)
        return ServiceRequest(
            operation: operation,
            method: method,
            path: location.path,
            headers: headers,
            body: body,
            host: location.host == self.client.endpoint.host ? nil : location.host,
            maxResponseBytes: maxResponseBytes
        )
    }

    /// The object's bytes and description.
    /// - Parameter maxBytes: a larger object is refused (`AWSError.invalidResponse`) before it is all read,
    ///   so a huge upload cannot exhaust the function's memory.
    /// - Throws: `AWSError` with code `NoSuchKey` when there is no such object.
    package func getObject(
        bucket: String,
        key: String,
        maxBytes: Int
    ) async throws(AWSError) -> (body: [UInt8], info: ObjectInfo) {
        let response = try await self.client.send(
            try self.request("GetObject", "GET", bucket: bucket, key: key, maxResponseBytes: maxBytes),
            timeout: .seconds(30)
        )
        return (response.body, ObjectInfo(headers: response.headers, size: response.body.count))
    }

    /// Stores `body` at `key`; returns the ETag.
    @discardableResult
    package func putObject(
        bucket: String,
        key: String,
        body: [UInt8],
        options: PutOptions = PutOptions()
    ) async throws(AWSError) -> String? {
        var headers: [SigningRequest.Header] = []
        if let contentType = options.contentType { headers.append(.init("Content-Type", contentType)) }
        if let cacheControl = options.cacheControl { headers.append(.init("Cache-Control", cacheControl)) }
        for (name, value) in options.metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(.init("x-amz-meta-\(name.lowercased())", value))
        }
        let response = try await self.client.send(
            try self.request("PutObject", "PUT", bucket: bucket, key: key, headers: headers, body: body),
            timeout: .seconds(30)
        )
        return response.headers["etag"]
    }

    /// The object's description, or nil when there is no such object.
    /// - Throws: for a 403, an error saying what it means: S3 answers a missing key with 403 rather than 404
    ///   when the caller may not `s3:ListBucket`, so "no such object" and "not allowed" look the same.
    package func headObject(bucket: String, key: String) async throws(AWSError) -> ObjectInfo? {
        let request = try self.request("HeadObject", "HEAD", bucket: bucket, key: key)
        do throws(AWSError) {
            let response = try await self.client.send(request)
            return ObjectInfo(headers: response.headers, size: 0)
        } catch  where error.context.status == 404 {
            return nil  // HEAD answers carry no body, so a 404 is the only sign of "no such key"
        } catch  where error.context.status == 403 {
            throw .service(
                error.context,
                message:
                    "HTTP 403 for HEAD \(key): the object is missing (without s3:ListBucket S3 answers 403 for a missing key) or the role may not s3:GetObject it"
            )
        }
    }

    /// Deletes the object; deleting a missing key succeeds, as S3 does.
    package func deleteObject(bucket: String, key: String) async throws(AWSError) {
        _ = try await self.client.send(try self.request("DeleteObject", "DELETE", bucket: bucket, key: key))
    }

    /// A URL that lets its holder GET the object until it expires (at most 7 days).
    package func presignedGetURL(bucket: String, key: String, expiresIn: Duration) async throws(AWSError) -> String {
        try await self.client.presignedURL(
            try self.request("GetObject", "GET", bucket: bucket, key: key),
            expiresIn: expiresIn
        )
    }

    /// A URL that lets its holder PUT the object until it expires. A `contentType` given here is signed, and the
    /// upload must then send exactly that `Content-Type`.
    package func presignedPutURL(
        bucket: String,
        key: String,
        contentType: String? = nil,
        expiresIn: Duration
    ) async throws(AWSError) -> String {
        let headers = contentType.map { [SigningRequest.Header("Content-Type", $0)] } ?? []
        return try await self.client.presignedURL(
            try self.request("PutObject", "PUT", bucket: bucket, key: key, headers: headers),
            expiresIn: expiresIn
        )
    }

    /// A browser-based upload (POST with a SigV4-signed policy): the form's `url` and the `fields` to send
    /// before the `file` field. The policy allows exactly this key and content type, 1 to `maxBytes` bytes,
    /// until `expiresIn` from now, so the holder can upload one object and nothing else.
    package struct PresignedPost: Sendable, Equatable, Encodable {
        package var url: String
        package var fields: [String: String]
        /// ISO 8601, as the policy's `expiration`.
        package var expiresAt: String
    }

    package func presignedPost(
        bucket: String,
        key: String,
        contentType: String,
        maxBytes: Int,
        expiresIn: Duration
    ) async throws(AWSError) -> PresignedPost {
        _ = try self.request("PostObject", "POST", bucket: bucket, key: key)  // refuses a key S3 would not
        // The form goes to the bucket (`…/bucket/` or `https://bucket.s3…/`): the key is a field.
        let location = self.client.endpoint.s3Location(bucket: bucket, key: key)
        let url = String(location.url.dropLast(URIEncoding.encode(key, keepingSlashes: true).count))
        var expiry = ""
        let signed = try await self.client.signPostPolicy { credential, date, token, unixTime in
            expiry = ISO8601.string(ms: (unixTime + expiresIn.components.seconds) * 1000)  // 2026-12-02T15:04:05.000Z
            var conditions: [PolicyCondition] = [
                .equals("bucket", bucket), .equals("key", key), .equals("Content-Type", contentType),
                .lengthRange(1, maxBytes), .equals("x-amz-algorithm", SigV4Signer.algorithm),
                .equals("x-amz-credential", credential), .equals("x-amz-date", date.dateTime),
            ]
            if let token { conditions.append(.equals("x-amz-security-token", token)) }
            let policy = PolicyDocument(expiration: expiry, conditions: conditions)
            return Base64.encode((try? JSONCoder.encode(policy)) ?? [])
        }
        var fields = [
            "key": key, "Content-Type": contentType, "x-amz-algorithm": SigV4Signer.algorithm,
            "x-amz-credential": signed.credential, "x-amz-date": signed.date.dateTime, "policy": signed.policy,
            "x-amz-signature": signed.signature,
        ]
        fields["x-amz-security-token"] = signed.token
        return PresignedPost(url: url, fields: fields, expiresAt: expiry)
    }

    private struct PolicyDocument: Encodable {
        var expiration: String
        var conditions: [PolicyCondition]
    }

    /// One condition of a POST policy: `{"name": "value"}` or `["content-length-range", min, max]`.
    private enum PolicyCondition: Encodable {
        case equals(String, String)
        case lengthRange(Int, Int)

        private struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .equals(let name, let value):
                var container = encoder.container(keyedBy: Name.self)
                try container.encode(value, forKey: Name(stringValue: name))
            case .lengthRange(let low, let high):
                var container = encoder.unkeyedContainer()
                try container.encode("content-length-range")
                try container.encode(low)
                try container.encode(high)
            }
        }
    }
}
