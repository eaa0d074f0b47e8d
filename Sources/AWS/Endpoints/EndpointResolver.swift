import JSON

/// Where requests to a service go, chosen the way the AWS SDKs choose.
///
/// Environment (read once by `init(environment:)`):
/// - `AWS_REGION`, then `AWS_DEFAULT_REGION`: the region (required).
/// - `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_DYNAMODB`, `_SQS`, `_S3`, `_SECRETS_MANAGER`, `_KMS`,
///   `_SCHEDULER`, `_SESV2`): one service's endpoint, e.g. moto on loopback.
/// - `AWS_ENDPOINT_URL`: every service's endpoint, where no service-specific one is set.
/// Without either, the regional endpoint `https://<prefix>.<region>.amazonaws.com` is used.
package struct EndpointResolver: Sendable {
    /// A resolved endpoint.
    package struct Endpoint: Sendable, Equatable {
        /// `scheme://host[:port]`, no trailing slash.
        package var baseURL: String
        /// The host (and port) for the `Host` header.
        package var host: String
        /// True for a custom endpoint: S3 then addresses buckets in the path, not in the host name.
        package var isCustom: Bool
    }

    package let region: String
    private let environment: [String: String]

    /// - Throws: `AWSError.configuration` when no region is set.
    package init(environment: [String: String]) throws(AWSError) {
        guard let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty else {
            throw .configuration(
                .init(service: "configuration", operation: "region"),
                "no region: set AWS_REGION (Lambda sets it) or AWS_DEFAULT_REGION"
            )
        }
        self.region = region
        self.environment = environment
    }

    /// The endpoint for `service`.
    package func endpoint(for service: Service) -> Endpoint {
        let custom =
            self.environment["AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)"]
            ?? self.environment["AWS_ENDPOINT_URL"]
        if let custom, !custom.isEmpty {
            let base = custom.hasSuffix("/") ? String(custom.dropLast()) : custom
            let afterScheme = base.firstRange(ofText: "://").map { String(base[$0.upperBound...]) } ?? base
            return Endpoint(baseURL: base, host: String(afterScheme.prefix { $0 != "/" }), isCustom: true)
        }
        let host = "\(service.hostPrefix).\(self.region).amazonaws.com"
        return Endpoint(baseURL: "https://\(host)", host: host, isCustom: false)
    }

    /// The URL, host and path of an S3 object request (see `Endpoint.s3Location`).
    package func s3Location(bucket: String, key: String) -> (url: String, host: String, path: String) {
        self.endpoint(for: .s3).s3Location(bucket: bucket, key: key)
    }
}

extension EndpointResolver.Endpoint {
    /// The URL and host of an S3 object request: virtual-hosted (`bucket.s3.<region>…/key`) on AWS, path
    /// style (`endpoint/bucket/key`) on a custom endpoint, as the SDKs do. `key` is encoded once, `/` kept.
    package func s3Location(bucket: String, key: String) -> (url: String, host: String, path: String) {
        let encodedKey = URIEncoding.encode(key, keepingSlashes: true)
        if self.isCustom {
            let path = "/\(bucket)/\(encodedKey)"
            return (self.baseURL + path, self.host, path)
        }
        let host = "\(bucket).\(self.host)"
        return ("https://\(host)/\(encodedKey)", host, "/\(encodedKey)")
    }
}
