import APIGatewayEvents
import AWS
import Catalog
import GavelCore
import Storefront

/// `GET /cart`, `PUT /cart/items/{productId}`, `DELETE /cart/items/{productId}`: the caller's cart, priced
/// from Products on every read (the cart holds quantities only; checkout prices again).
extension APIHandler {
    struct CartView: Encodable {
        struct Item: Encodable {
            var productId: String
            var quantity: Int64
            /// Nil when the product is gone or no longer for sale.
            var name: String?
            var unitPrice: Money?
            var lineTotal: Money?
            /// Whether the line can be ordered now: the product is for sale with this much in stock.
            var available: Bool
        }
        var items: [Item]
        /// The sum of the lines, when every line is available and in one currency; nil otherwise.
        var subtotal: Money?
    }

    func cartView(of userId: String) async throws -> CartView {
        let lines = try await self.cart.lines(of: userId)
        let products = lines.isEmpty ? [:] : try await self.products.products(lines.map { $0.productId })
        var subtotal: Int64? = 0
        var currencies: Set<String> = []
        let items = lines.map { line -> CartView.Item in
            guard let product = products[line.productId], product.isActive else {
                subtotal = nil
                return .init(productId: line.productId, quantity: line.quantity, available: false)
            }
            // Prices are at most 10^10 minor units and quantities 99, so a line cannot overflow; the sum of
            // 33 lines cannot either, but is checked like every total.
            let (total, overflow) = product.price.multipliedReportingOverflow(by: line.quantity)
            let (sum, sumOverflow) = (subtotal ?? 0).addingReportingOverflow(total)
            subtotal = overflow || sumOverflow || subtotal == nil ? nil : sum
            currencies.insert(product.currency)
            let available = product.stock >= line.quantity && (1...99).contains(line.quantity)
            if !available { subtotal = nil }
            return .init(
                productId: line.productId,
                quantity: line.quantity,
                name: product.name,
                unitPrice: Money(amount: product.price, currency: product.currency),
                lineTotal: overflow ? nil : Money(amount: total, currency: product.currency),
                available: available
            )
        }
        let money = currencies.count == 1 ? subtotal.map { Money(amount: $0, currency: currencies.first ?? "") } : nil
        return CartView(items: items, subtotal: items.isEmpty ? nil : money)
    }

    func getCart(_ call: Call) async throws -> APIGatewayResponse {
        .json(200, try await self.cartView(of: call.userId))
    }

    /// Sets a product's quantity (1 to 99) in the cart: only a product for sale, and at most
    /// `OrderRequest.maxLines` products, so that every cart can be checked out.
    func putCartItem(_ call: Call) async throws -> APIGatewayResponse {
        let productId = try Self.productId(call.parameters["productId"])
        let input = try call.decode(APIRequests.CartItem.self, fields: APIRequests.CartItem.fields)
        guard (1...99).contains(input.quantity) else { throw APIError.invalid("quantity", "must be from 1 to 99") }
        guard let product = try await self.products.product(productId), product.isActive else {
            throw APIError(404, "not_found", "no such product")
        }
        let lines = try await self.cart.lines(of: call.userId)
        if !lines.contains(where: { $0.productId == productId }), lines.count >= OrderRequest.maxLines {
            throw APIError(409, "cart_full", "a cart holds at most \(OrderRequest.maxLines) products")
        }
        try await self.cart.set(input.quantity, of: productId, for: call.userId)
        return .json(200, try await self.cartView(of: call.userId))
    }

    func deleteCartItem(_ call: Call) async throws -> APIGatewayResponse {
        let productId = try Self.productId(call.parameters["productId"])
        try await self.cart.remove(productId, for: call.userId)
        return .json(200, try await self.cartView(of: call.userId))
    }
}
