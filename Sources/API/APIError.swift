import APIGatewayEvents
package import GavelCore
import JSON
import Sniper

extension APIGatewayResponse {
    /// `value` as JSON with `status`: members in declaration order, a map's in sorted key order.
    static func json(_ status: Int, _ value: some Encodable, headers: [String: String] = [:]) -> APIGatewayResponse {
        let body = (try? JSONCoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
    /// Per-line reasons of a refused order (`error.lines`), when there are several.
    package var lines: [Line] = []

    /// One line's reason: the product, a code and a message.
    package struct Line: Encodable, Sendable, Equatable {
        package var productId: String?
        package var code: String
        package var message: String

        package init(productId: String?, code: String, message: String) {
            self.productId = productId
            self.code = code
            self.message = message
        }

        private enum CodingKeys: String, CodingKey { case productId, code, message }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.productId, forKey: .productId)
            try container.encode(self.code, forKey: .code)
            try container.encode(self.message, forKey: .message)
        }
    }

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
            var lines: [Line]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(self.code, forKey: .code)
                try container.encode(self.message, forKey: .message)
                try container.encode(self.field, forKey: .field)  // null rather than absent: one shape
                if !self.lines.isEmpty { try container.encode(self.lines, forKey: .lines) }
            }

            enum CodingKeys: String, CodingKey { case code, message, field, lines }
        }
        var error: Detail
    }

    var response: APIGatewayResponse {
        .json(
            self.status,
            Body(error: .init(code: self.code, message: self.message, field: self.field, lines: self.lines)),
            headers: self.headers
        )
    }
}
