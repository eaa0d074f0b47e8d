package import AWS
import GavelCore

/// An order as order-validation writes it to Orders (key `order_id`, index `user-orders-index` on
/// `user_id` + `created_at`) and returns it to the caller.
package struct Order: Sendable, Equatable {
    /// One priced line: the price is the product's, never the caller's.
    package struct Line: Codable, Sendable, Equatable {
        package var productId: String
        package var vendorId: String
        package var name: String
        package var unitPrice: Int64
        package var quantity: Int64
        package var lineTotal: Int64

        package init(
            productId: String,
            vendorId: String,
            name: String,
            unitPrice: Int64,
            quantity: Int64,
            lineTotal: Int64
        ) {
            self.productId = productId
            self.vendorId = vendorId
            self.name = name
            self.unitPrice = unitPrice
            self.quantity = quantity
            self.lineTotal = lineTotal
        }

        private enum CodingKeys: String, CodingKey {
            case productId = "product_id"
            case vendorId = "vendor_id"
            case name, quantity
            case unitPrice = "unit_price"
            case lineTotal = "line_total"
        }
    }

    package var orderId: String
    package var userId: String
    package var status: String
    package var lines: [Line]
    package var currency: String
    /// Unix milliseconds.
    package var createdAt: Int64
    package var idempotencyKey: String?
    /// The SHA-256 of the requested lines, so a reused idempotency key with other lines is told apart.
    package var requestFingerprint: String

    package init(
        orderId: String,
        userId: String,
        status: String,
        lines: [Line],
        currency: String,
        createdAt: Int64,
        idempotencyKey: String?,
        requestFingerprint: String
    ) {
        self.orderId = orderId
        self.userId = userId
        self.status = status
        self.lines = lines
        self.currency = currency
        self.createdAt = createdAt
        self.idempotencyKey = idempotencyKey
        self.requestFingerprint = requestFingerprint
    }

    package var subtotal: Int64 { self.lines.reduce(0) { $0 + $1.lineTotal } }
    /// No tax or shipping yet: the total is the subtotal.
    package var total: Int64 { self.subtotal }

    package static let pending = "PENDING"

    /// The new order's id: derived from user and idempotency key when there is one (so a retry finds the same
    /// order), else time-ordered and random.
    package static func newId(userId: String, idempotencyKey: String?, nowMs: Int64) -> String {
        if let idempotencyKey {
            return "ord_" + Digest.hex(Array(Digest.sha256(Array("\(userId)\u{0}\(idempotencyKey)".utf8)).prefix(16)))
        }
        return "ord_" + TimeOrderedId.make(nowMs: nowMs)
    }

    package static func key(_ orderId: String) -> [String: AttributeValue] { ["order_id": .s(orderId)] }

    /// What the function returns on success.
    package struct Response: Encodable, Sendable {
        struct Line: Encodable {
            var productId: String
            var name: String
            var unitPrice: Int64
            var quantity: Int64
            var lineTotal: Int64
        }
        var orderId: String
        var status: String
        var lines: [Line]
        var subtotal: Int64
        var total: Int64
        var currency: String
    }

    package var response: Response {
        Response(
            orderId: self.orderId,
            status: self.status,
            lines: self.lines.map {
                .init(
                    productId: $0.productId,
                    name: $0.name,
                    unitPrice: $0.unitPrice,
                    quantity: $0.quantity,
                    lineTotal: $0.lineTotal
                )
            },
            subtotal: self.subtotal,
            total: self.total,
            currency: self.currency
        )
    }
}

extension Order: Codable {
    private enum CodingKeys: String, CodingKey {
        case orderId = "order_id"
        case userId = "user_id"
        case status, lines, currency, subtotal, total
        case createdAt = "created_at"
        case idempotencyKey = "idempotency_key"
        case requestFingerprint = "request_fingerprint"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.orderId = try container.decode(String.self, forKey: .orderId)
        self.userId = try container.decode(String.self, forKey: .userId)
        self.status = try container.decode(String.self, forKey: .status)
        self.lines = try container.decode([Line].self, forKey: .lines)
        self.currency = try container.decode(String.self, forKey: .currency)
        self.createdAt = try container.decode(Int64.self, forKey: .createdAt)
        self.idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        self.requestFingerprint = try container.decode(String.self, forKey: .requestFingerprint)
    }

    /// Writes the totals too, for readers of the table that do not add lines up.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.orderId, forKey: .orderId)
        try container.encode(self.userId, forKey: .userId)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.lines, forKey: .lines)
        try container.encode(self.currency, forKey: .currency)
        try container.encode(self.subtotal, forKey: .subtotal)
        try container.encode(self.total, forKey: .total)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encodeIfPresent(self.idempotencyKey, forKey: .idempotencyKey)
        try container.encode(self.requestFingerprint, forKey: .requestFingerprint)
    }
}
