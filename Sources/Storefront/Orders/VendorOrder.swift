package import GavelCore

/// A vendor's share of one order, as VendorOrders holds it (key `vendor_id` + `order_key`): that vendor's
/// lines and their total, written in the order's own transaction, so it exists exactly when the order does.
///
/// The shopper's id is not copied: a vendor sees what to fulfil, not who bought it (there are no shipping
/// addresses yet to hand over).
package struct VendorOrder: Codable, Sendable, Equatable {
    package var vendorId: String
    /// `<created_at, 13 digits>#<order_id>`: newest first when read descending, unique per order.
    package var orderKey: String
    package var orderId: String
    package var status: String
    package var currency: String
    package var lines: [Order.Line]
    package var total: Int64
    /// Unix milliseconds.
    package var createdAt: Int64

    /// One share per vendor of `order`, in the order its lines name them.
    package static func shares(of order: Order) -> [VendorOrder] {
        var vendors: [String] = []
        var lines: [String: [Order.Line]] = [:]
        for line in order.lines {
            if lines[line.vendorId] == nil { vendors.append(line.vendorId) }
            lines[line.vendorId, default: []].append(line)
        }
        let digits = String(order.createdAt)
        let key = String(repeating: "0", count: max(0, 13 - digits.count)) + digits + "#" + order.orderId
        return vendors.map { vendor in
            let own = lines[vendor] ?? []
            return VendorOrder(
                vendorId: vendor,
                orderKey: key,
                orderId: order.orderId,
                status: order.status,
                currency: order.currency,
                lines: own,
                // Each line total and their sum were checked for overflow when the order was priced.
                total: own.reduce(0) { $0 + $1.lineTotal },
                createdAt: order.createdAt
            )
        }
    }

    /// `^[0-9]{13}#ord_[0-9a-z]+$`: the form of the cursor `GET /vendor/orders` returns.
    package static func isOrderKey(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count > 18, bytes.count <= 80, bytes[13] == UInt8(ascii: "#") else { return false }
        return bytes[..<13].allSatisfy { (48...57).contains($0) }
            && text.dropFirst(14).hasPrefix("ord_")
            && bytes[18...].allSatisfy { (48...57).contains($0) || (97...122).contains($0) }
    }

    private enum CodingKeys: String, CodingKey {
        case vendorId = "vendor_id"
        case orderKey = "order_key"
        case orderId = "order_id"
        case status, currency, lines, total
        case createdAt = "created_at"
    }
}
