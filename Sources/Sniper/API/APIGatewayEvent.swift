package import GavelCore
import FoundationEssentials

/// An API Gateway HTTP API request, payload format 2.0.
package struct APIGatewayRequest: Codable, Sendable {
    package struct Context: Codable, Sendable {
        package struct HTTP: Codable, Sendable {
            package var method: String
            package var path: String
        }
        package struct Authorizer: Codable, Sendable {
            package struct JWT: Codable, Sendable {
                /// The token's claims, as the JWT authorizer passes them: every value a string.
                package var claims: [String: String]?
                package var scopes: [String]?
            }
            package var jwt: JWT?
        }
        package var requestId: String?
        package var http: HTTP
        package var authorizer: Authorizer?
    }

    package var rawPath: String
    package var rawQueryString: String?
    package var headers: [String: String]?
    package var queryStringParameters: [String: String]?
    package var requestContext: Context
    package var body: String?
    package var isBase64Encoded: Bool?

    package init(method: String, path: String, query: [String: String] = [:], body: String? = nil, claims: [String: String]?) {
        self.rawPath = path
        self.rawQueryString = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        self.headers = body == nil ? [:] : ["content-type": "application/json"]
        self.queryStringParameters = query.isEmpty ? nil : query
        self.requestContext = Context(
            requestId: "req-\(UInt32.random(in: 0...UInt32.max))",
            http: .init(method: method, path: path),
            authorizer: claims.map { .init(jwt: .init(claims: $0, scopes: nil)) }
        )
        self.body = body
        self.isBase64Encoded = false
    }

    /// The caller's claims; nil when the request carried none (a route without the authorizer).
    package var claims: [String: String]? { self.requestContext.authorizer?.jwt?.claims }

    /// The body's bytes, base64-decoded when API Gateway encoded it.
    package var bodyBytes: [UInt8]? {
        guard let body = self.body else { return nil }
        guard self.isBase64Encoded == true else { return Array(body.utf8) }
        return Data(base64Encoded: body).map(Array.init)
    }
}

/// The function's answer to API Gateway, payload format 2.0.
package struct APIGatewayResponse: Codable, Sendable, Equatable {
    package var statusCode: Int
    package var headers: [String: String]
    package var body: String
    package var isBase64Encoded: Bool

    package init(statusCode: Int, headers: [String: String] = [:], body: String) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
        self.isBase64Encoded = false
    }

    /// `value` as JSON with `status`.
    static func json(_ status: Int, _ value: some Encodable, headers: [String: String] = [:]) -> APIGatewayResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return APIGatewayResponse(
            statusCode: status,
            headers: headers.merging(["content-type": "application/json"]) { $1 },
            body: body
        )
    }
}

/// An API error: the status and the one body shape every route uses, `{"error": {"code", "message", "field"}}`.
package struct APIError: Error, Sendable, Equatable {
    package var status: Int
    package var code: String
    package var message: String
    /// The request field at fault (`maxBid.amount`), or nil.
    package var field: String?
    package var headers: [String: String] = [:]

    package init(_ status: Int, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    package static func invalid(_ error: ValidationError) -> APIError {
        APIError(400, "invalid_request", error.message, field: error.field)
    }

    package static func invalid(_ field: String?, _ message: String) -> APIError {
        APIError(400, "invalid_request", message, field: field)
    }

    package static let notFound = APIError(404, "not_found", "no such bid")

    private struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(self.code, forKey: .code)
                try container.encode(self.message, forKey: .message)
                try container.encode(self.field, forKey: .field)  // null rather than absent: one shape
            }

            enum CodingKeys: String, CodingKey { case code, message, field }
        }
        var error: Detail
    }

    var response: APIGatewayResponse {
        .json(self.status, Body(error: .init(code: self.code, message: self.message, field: self.field)), headers: self.headers)
    }
}
