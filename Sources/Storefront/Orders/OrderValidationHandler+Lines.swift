import AWS
import Catalog
import GavelCore

/// The requested lines: read from the cart when asked, merged per product, checked, and priced.
extension OrderValidationHandler {
    /// The request's lines, a product named twice merged into one line (a transaction may touch an item once).
    func requestedLines(_ request: OrderRequest) async throws -> [OrderRequest.Line] {
        let raw: [OrderRequest.Line]
        switch request.source {
        case .items(let items):
            raw = items
        case .cart:
            raw = try await self.cart.lines(of: request.userId).map {
                OrderRequest.Line(productId: $0.productId, quantity: $0.quantity)
            }
        }
        return Self.merged(raw)
    }

    /// `lines` with a product named twice merged into one line.
    static func merged(_ lines: [OrderRequest.Line]) -> [OrderRequest.Line] {
        var merged: [OrderRequest.Line] = []
        var index: [String: Int] = [:]
        for line in lines {
            if let at = index[line.productId] {
                let (sum, overflow) = merged[at].quantity.addingReportingOverflow(line.quantity)
                merged[at].quantity = overflow ? 0 : sum
            } else {
                index[line.productId] = merged.count
                merged.append(line)
            }
        }
        return merged
    }

    /// The refusals that need no product: an empty cart, too many lines, quantities outside 1...99.
    static func checkLines(_ lines: [OrderRequest.Line]) -> [OrderProblem]? {
        if lines.isEmpty { return [OrderProblem(.cartEmpty, "the cart is empty")] }
        if lines.count > OrderRequest.maxLines {
            return [OrderProblem(.tooManyLines, "an order holds at most \(OrderRequest.maxLines) products")]
        }
        let problems = lines.filter { !(1...99).contains($0.quantity) }.map {
            OrderProblem(.invalidQuantity, productId: $0.productId, "quantity must be a whole number from 1 to 99")
        }
        return problems.isEmpty ? nil : problems
    }

    /// The fingerprint of every `fromCart` request: one key, one cart checkout.
    static let cartFingerprint = Digest.sha256Hex("fromCart".utf8)

    /// The SHA-256 of the merged lines, independent of their order.
    static func fingerprint(_ lines: [OrderRequest.Line]) -> String {
        let text = lines.map { "\($0.productId)\u{0}\($0.quantity)" }.sorted().joined(separator: "\n")
        return Digest.sha256Hex(text.utf8)
    }

    /// Prices each line from its product, or says why it cannot be sold. The order's currency is that of
    /// the first line whose product can be sold.
    static func price(
        _ lines: [OrderRequest.Line],
        products: [String: Product]
    ) -> (lines: [Order.Line], currency: String, problems: [OrderProblem]) {
        let currency = lines.lazy.compactMap { products[$0.productId] }.first(where: \.isActive)?.currency ?? ""
        var priced: [Order.Line] = []
        var problems: [OrderProblem] = []
        var subtotal: Int64 = 0
        for line in lines {
            let id = line.productId
            guard let product = products[id] else {
                problems.append(OrderProblem(.notFound, productId: id, "no such product"))
                continue
            }
            guard product.isActive else {
                problems.append(OrderProblem(.inactive, productId: id, "the product is not for sale"))
                continue
            }
            guard product.currency == currency else {
                problems.append(
                    OrderProblem(
                        .currencyMismatch,
                        productId: id,
                        "priced in \(product.currency); this order is in \(currency)"
                    )
                )
                continue
            }
            guard product.stock >= line.quantity else {
                problems.append(Self.insufficient(product))
                continue
            }
            let (total, overflow) = product.price.multipliedReportingOverflow(by: line.quantity)
            let (sum, sumOverflow) = subtotal.addingReportingOverflow(total)
            guard !overflow, !sumOverflow, product.price >= 0 else {
                problems.append(OrderProblem(.invalidQuantity, productId: id, "the order total is out of range"))
                continue
            }
            subtotal = sum
            priced.append(
                Order.Line(
                    productId: id,
                    vendorId: product.vendorId,
                    name: product.name,
                    unitPrice: product.price,
                    quantity: line.quantity,
                    lineTotal: total
                )
            )
        }
        return (priced, currency, problems)
    }

    static func insufficient(_ product: Product) -> OrderProblem {
        OrderProblem(
            .insufficientStock,
            productId: product.productId,
            product.stock > 0 ? "only \(product.stock) left in stock" : "out of stock"
        )
    }
}
