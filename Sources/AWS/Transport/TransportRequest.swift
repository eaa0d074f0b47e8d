/// One HTTP request as the transport sends it.
package struct TransportRequest: Sendable {
    package var method: String
    /// The full URL, path and query already encoded.
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    /// The whole exchange must finish within this time.
    package var timeout: Duration
    /// A response body larger than this fails with `TransportError.responseTooLarge` (S3 GetObject's limit).
    package var maxResponseBytes: Int?
    /// The AWS call this request is an attempt at, which names its X-Ray subsegment; nil for other hosts
    /// (eBay, Postmark), whose subsegments are named after the host.
    package var awsCall: AWSCall?

    /// An AWS service, operation and region.
    package struct AWSCall: Sendable {
        package var service: String
        package var operation: String
        package var region: String

        package init(service: String, operation: String, region: String) {
            self.service = service
            self.operation = operation
            self.region = region
        }
    }

    package init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int? = nil,
        awsCall: AWSCall? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.awsCall = awsCall
    }
}

/// One HTTP response.
package struct TransportResponse: Sendable, Equatable {
    package var status: Int
    /// Header names lower-cased; a repeated header's values joined with `,`.
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
