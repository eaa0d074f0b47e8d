/// A request to one service before endpoint, signature and retries: what a protocol builder makes.
package struct ServiceRequest: Sendable {
    /// The operation's name, for errors and logs (`PutItem`).
    package var operation: String
    package var method: String
    /// The path, encoded once (`/`, `/schedules/my%20bid`, `/bucket/key`).
    package var path: String
    package var query: [SigningRequest.QueryItem]
    package var headers: [SigningRequest.Header]
    package var body: [UInt8]
    /// Overrides the endpoint's host (S3's virtual-hosted buckets).
    package var host: String?
    package var maxResponseBytes: Int?

    package init(
        operation: String,
        method: String,
        path: String = "/",
        query: [SigningRequest.QueryItem] = [],
        headers: [SigningRequest.Header] = [],
        body: [UInt8] = [],
        host: String? = nil,
        maxResponseBytes: Int? = nil
    ) {
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.host = host
        self.maxResponseBytes = maxResponseBytes
    }
}
