/// Why an order was refused, per line where a line is at fault: `{productId, code, message}`.
///
/// A refusal is a normal result of the function (`{"errors": [...]}`), not a function error: the caller shows
/// it to the shopper. `message` never repeats the caller's values beyond the product id.
package struct OrderProblem: Error, Encodable, Sendable, Equatable {
    /// The closed set of reasons, as they appear on the wire.
    package enum Code: String, Encodable, Sendable {
        /// The request itself is malformed (missing user, unknown field, both or neither of items and fromCart).
        case invalidRequest = "invalid_request"
        case cartEmpty = "cart_empty"
        case tooManyLines = "too_many_lines"
        case invalidQuantity = "invalid_quantity"
        case notFound = "not_found"
        case inactive
        case currencyMismatch = "currency_mismatch"
        case insufficientStock = "insufficient_stock"
        /// The product's price changed between our read and our write; the shopper should look again.
        case priceChanged = "price_changed"
        /// Another order changed the product at the same moment (DynamoDB `TransactionConflict`): try again.
        case conflict
        /// The idempotency key was used before for a different order.
        case idempotencyKeyReused = "idempotency_key_reused"
    }

    /// The line at fault, or nil for the request as a whole.
    package var productId: String?
    package var code: Code
    package var message: String

    package init(_ code: Code, productId: String? = nil, _ message: String) {
        self.productId = productId
        self.code = code
        self.message = message
    }

    private enum CodingKeys: String, CodingKey { case productId, code, message }

    /// `productId` is written as `null` when absent, so every entry has the same three keys.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.productId, forKey: .productId)
        try container.encode(self.code, forKey: .code)
        try container.encode(self.message, forKey: .message)
    }
}
