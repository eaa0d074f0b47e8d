import AWS
import Catalog
import GavelCore

/// The one transaction that reserves stock and writes the order, and how a cancelled one is explained.
extension OrderValidationHandler {
    package enum Reservation: Sendable {
        case reserved
        /// The order's id was taken: the same idempotency key won a race with us.
        case orderExists
        case refused([OrderProblem])
    }

    /// Places the order (`OrderStore.place`: stock, order and cart in one transaction) and, when the
    /// transaction is cancelled, says which lines failed and why.
    package func reserve(_ order: Order, clearingCart: Bool) async throws -> Reservation {
        switch try await self.orders.place(order, clearingCart: clearingCart) {
        case .placed: return .reserved
        case .orderExists: return .orderExists
        case .cancelled(let lines, let reasons): return try await self.explain(lines, reasons: reasons, order: order)
        }
    }

    /// Turns a cancelled transaction's line outcomes into problems that name the products.
    private func explain(
        _ outcomes: [OrderStore.StepOutcome],
        reasons: [String],
        order: Order
    ) async throws -> Reservation {
        var problems: [OrderProblem] = []
        var recheck: [Order.Line] = []
        for (line, outcome) in zip(order.lines, outcomes) {
            switch outcome {
            case .applied:
                continue
            case .conditionFailed:
                recheck.append(line)
            case .conflict:
                problems.append(
                    OrderProblem(
                        .conflict,
                        productId: line.productId,
                        "another order changed this product at the same moment; try again"
                    )
                )
            case .other(let reason):
                problems.append(
                    OrderProblem(
                        .conflict,
                        productId: line.productId,
                        "the product could not be reserved (\(reason)); try again"
                    )
                )
            }
        }
        if !recheck.isEmpty {
            // Which condition failed is not reported: read the products again and say what changed.
            let products = try await self.products.products(recheck.map(\.productId))
            for line in recheck {
                problems.append(Self.whatChanged(line, product: products[line.productId], currency: order.currency))
            }
        }
        guard !problems.isEmpty else {
            // Only a cart delete failed, which has no condition: not a refusal the shopper can act on.
            throw ReservationError(reasons: reasons)
        }
        return .refused(problems)
    }

    static func whatChanged(_ line: Order.Line, product: Product?, currency: String) -> OrderProblem {
        guard let product else { return OrderProblem(.notFound, productId: line.productId, "no such product") }
        if !product.isActive {
            return OrderProblem(.inactive, productId: line.productId, "the product is not for sale")
        }
        if product.price != line.unitPrice || product.currency != currency {
            return OrderProblem(
                .priceChanged,
                productId: line.productId,
                "the price changed; review the order and send it again"
            )
        }
        if product.stock < line.quantity { return Self.insufficient(product) }
        return OrderProblem(
            .conflict,
            productId: line.productId,
            "the product changed while the order was placed; try again"
        )
    }
}

/// A transaction cancelled for a reason no line explains.
struct ReservationError: Error, CustomStringConvertible {
    var reasons: [String]
    var description: String { "the order transaction was cancelled: \(self.reasons.joined(separator: ", "))" }
}
