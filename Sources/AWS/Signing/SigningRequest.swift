/// A request as SigV4 sees it: the parts that are signed, before and after signing.
package struct SigningRequest: Sendable, Equatable {
    /// One query parameter, decoded.
    package struct QueryItem: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One header, as sent; a name may repeat.
    package struct Header: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    package var method: String
    /// The path as the request line carries it: percent-encoded once (S3 keys included).
    package var path: String
    package var query: [QueryItem]
    package var headers: [Header]
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    package var payloadHash: String

    package init(method: String, path: String, query: [QueryItem] = [], headers: [Header], payloadHash: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The value of the first header named `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }
}
