import APIGatewayEvents
import FoundationEssentials
package import GavelCore

extension APIGatewayResponse {
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
        .json(
            self.status,
            Body(error: .init(code: self.code, message: self.message, field: self.field)),
            headers: self.headers
        )
    }
}
