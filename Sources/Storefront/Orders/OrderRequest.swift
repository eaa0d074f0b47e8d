package import GavelCore

/// What order-validation is asked: `{userId, items: [{productId, quantity}]}` or `{userId, fromCart: true}`,
/// with an optional `idempotencyKey`. Unknown fields are refused, at the top and in each line.
package struct OrderRequest: Sendable, Equatable {
    /// One requested line, as the caller sent it (the quantity is checked later, per line).
    package struct Line: Sendable, Equatable {
        package var productId: String
        package var quantity: Int64

        package init(productId: String, quantity: Int64) {
            self.productId = productId
            self.quantity = quantity
        }
    }

    /// Where the lines come from.
    package enum Source: Sendable, Equatable {
        case items([Line])
        case cart
    }

    package var userId: String
    package var source: Source
    package var idempotencyKey: String?

    package init(userId: String, source: Source, idempotencyKey: String? = nil) {
        self.userId = userId
        self.source = source
        self.idempotencyKey = idempotencyKey
    }

    /// The most lines an order holds: with a cart order each line is a stock update, a cart delete and at
    /// most one vendor share, plus the order itself, and TransactWriteItems takes at most 100 writes.
    package static let maxLines = 33

    /// Parses and checks the request's shape.
    /// - Throws: `OrderProblem` with code `invalid_request` naming the field at fault.
    package static func parse(_ event: [UInt8]) throws(OrderProblem) -> OrderRequest {
        let body: Body
        do {
            body = try StrictJSON.decode(Body.self, from: String(decoding: event, as: UTF8.self), allowed: Body.fields)
        } catch {
            throw OrderProblem(.invalidRequest, error.description)
        }
        let userId = body.userId
        guard !userId.isEmpty, userId.utf8.count <= 128 else {
            throw OrderProblem(.invalidRequest, "userId: must be 1 to 128 characters")
        }
        if let key = body.idempotencyKey {
            guard (1...64).contains(key.utf8.count), key.utf8.allSatisfy({ (33...126).contains($0) }) else {
                throw OrderProblem(.invalidRequest, "idempotencyKey: must be 1 to 64 printable ASCII characters")
            }
        }
        let source: Source
        do throws(ValidationError) {
            source = try Self.source(items: body.items, fromCart: body.fromCart)
        } catch {
            throw OrderProblem(.invalidRequest, error.description)
        }
        return OrderRequest(userId: userId, source: source, idempotencyKey: body.idempotencyKey)
    }

    /// The API's checkout body, `{items: [...]}` or `{fromCart: true}`: the user comes from the caller's
    /// token and the idempotency key from its `Idempotency-Key` header, so neither may be in the body.
    /// - Throws: `ValidationError` naming the field at fault.
    package static func parse(
        checkout body: String,
        userId: String,
        idempotencyKey: String
    ) throws(ValidationError) -> OrderRequest {
        let checkout = try StrictJSON.decode(Checkout.self, from: body, allowed: Checkout.fields)
        let source = try Self.source(items: checkout.items, fromCart: checkout.fromCart)
        return OrderRequest(userId: userId, source: source, idempotencyKey: idempotencyKey)
    }

    private static func source(items: [LineBody]?, fromCart: Bool?) throws(ValidationError) -> Source {
        switch (items, fromCart) {
        case (let items?, nil):
            guard !items.isEmpty else { throw ValidationError(field: "items", "must hold at least one line") }
            return .items(items.map { Line(productId: $0.productId, quantity: $0.quantity) })
        case (nil, true?):
            return .cart
        case (nil, false?):
            throw ValidationError(field: "fromCart", "must be true when given; send items otherwise")
        case (nil, nil):
            throw ValidationError(field: nil, "items or fromCart is required")
        case (_?, _?):
            throw ValidationError(field: nil, "send items or fromCart, not both")
        }
    }

    private struct Checkout: Decodable {
        var items: [LineBody]?
        var fromCart: Bool?
        static let fields: Set<String> = ["items", "fromCart"]
    }

    private struct Body: Decodable {
        var userId: String
        var items: [LineBody]?
        var fromCart: Bool?
        var idempotencyKey: String?
        static let fields: Set<String> = ["userId", "items", "fromCart", "idempotencyKey"]
    }

    private struct LineBody: Decodable {
        var productId: String
        var quantity: Int64

        init(from decoder: any Decoder) throws {
            try StrictJSON.refuseUnknownFields(decoder, allowed: ["productId", "quantity"])
            let container = try decoder.container(keyedBy: AnyKey.self)
            self.productId = try container.decode(String.self, forKey: AnyKey("productId"))
            guard !self.productId.isEmpty, self.productId.utf8.count <= 128 else {
                throw ValidationError(
                    field: StrictJSON.path(decoder.codingPath + [AnyKey("productId")]),
                    "must be 1 to 128 characters"
                )
            }
            guard container.contains(AnyKey("quantity")) else {
                throw ValidationError(field: StrictJSON.path(decoder.codingPath + [AnyKey("quantity")]), "is required")
            }
            // A fractional, string or huge quantity is the line's `invalid_quantity`, like 0 or 100 are.
            self.quantity = (try? container.integer(AnyKey("quantity"))) ?? 0
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { self.stringValue = name }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
