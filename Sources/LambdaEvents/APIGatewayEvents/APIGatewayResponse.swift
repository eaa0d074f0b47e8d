/// A Lambda integration's answer to API Gateway's HTTP API, payload format 2.0: the api function encodes
/// it, `gavel-local`'s gateway decodes it.
///
/// Format 2.0 has no `multiValueHeaders`: repeated headers are joined by commas, and `Set-Cookie` values
/// go in `cookies`. A missing `headers`, `body` or `isBase64Encoded` reads as empty, as API Gateway reads it.
package struct APIGatewayResponse: Codable, Sendable, Equatable {
    package var statusCode: Int
    package var headers: [String: String]
    package var cookies: [String]?
    package var body: String
    package var isBase64Encoded: Bool

    package init(
        statusCode: Int,
        headers: [String: String] = [:],
        cookies: [String]? = nil,
        body: String,
        isBase64Encoded: Bool = false
    ) {
        self.statusCode = statusCode
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    private enum CodingKeys: String, CodingKey { case statusCode, headers, cookies, body, isBase64Encoded }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.statusCode = try container.decode(Int.self, forKey: .statusCode)
        self.headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        self.cookies = try container.decodeIfPresent([String].self, forKey: .cookies)
        self.body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        self.isBase64Encoded = try container.decodeIfPresent(Bool.self, forKey: .isBase64Encoded) ?? false
    }
}
