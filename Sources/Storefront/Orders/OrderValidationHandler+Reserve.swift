import AWS
import FoundationEssentials
import GavelCore

/// The one transaction that reserves stock and writes the order, and how a cancelled one is explained.
extension OrderValidationHandler {
    package enum Reservation: Sendable {
        case reserved
        /// The order's id was taken: the same idempotency key won a race with us.
        case orderExists
        case refused([OrderProblem])
    }

    /// Decrements each product's stock if it still covers the line (at the price and status we read), puts
    /// the order if its id is new, and empties the cart lines it came from: all of it, or none.
    package func reserve(_ order: Order, clearingCart: Bool) async throws -> Reservation {
        let table = self.configuration.productsTable
        var writes: [DynamoDB.TransactWrite] = order.lines.map { line in
            .update(
                table: table,
                key: Product.key(line.productId),
                update: "SET #stock = #stock - :quantity",
                names: ["#stock": "stock"],
                values: [":quantity": .n(String(line.quantity))],
                condition: DynamoDB.Condition(
                    "attribute_exists(product_id) AND #status = :active AND #stock >= :quantity"
                        + " AND #price = :price AND #currency = :currency",
                    names: ["#status": "status", "#stock": "stock", "#price": "price", "#currency": "currency"],
                    values: [
                        ":active": .s(Product.active),
                        ":quantity": .n(String(line.quantity)),
                        ":price": .n(String(line.unitPrice)),
                        ":currency": .s(order.currency),
                    ]
                )
            )
        }
        writes.append(
            .put(
                table: self.configuration.ordersTable,
                item: try DynamoDBEncoder().encode(order),
                condition: DynamoDB.Condition("attribute_not_exists(order_id)")
            )
        )
        if clearingCart {
            writes += order.lines.map {
                .delete(table: self.configuration.cartTable, key: ["userId": .s(order.userId), "productId": .s($0.productId)])
            }
        }
        // The token makes the client's own retry of this call (after a timeout) apply at most once.
        let token = String(order.orderId.dropFirst("ord_".count).prefix(36))
        guard let reasons = try await self.commit(writes, token: token) else { return .reserved }
        return try await self.explain(reasons, order: order)
    }

    /// Nil when the transaction went through; its cancellation reasons when it was cancelled.
    /// (A helper of its own: a typed do/catch that goes on to other work in its catch crashes Swift 6.3.1.)
    private func commit(_ writes: [DynamoDB.TransactWrite], token: String) async throws(AWSError) -> [String]? {
        do {
            try await self.dynamo.transactWrite(writes, token: token)
            return nil
        } catch {
            guard !error.cancellationReasons.isEmpty else { throw error }
            return error.cancellationReasons
        }
    }

    /// Turns cancellation reasons (one per write, in order) into problems that name the products.
    private func explain(_ reasons: [String], order: Order) async throws -> Reservation {
        let lineCount = order.lines.count
        if reasons.count > lineCount, reasons[lineCount] == "ConditionalCheckFailed" { return .orderExists }
        var problems: [OrderProblem] = []
        var recheck: [Order.Line] = []
        for (line, reason) in zip(order.lines, reasons) {
            switch reason {
            case "None":
                continue
            case "ConditionalCheckFailed":
                recheck.append(line)
            case "TransactionConflict":
                problems.append(
                    OrderProblem(.conflict, productId: line.productId, "another order changed this product at the same moment; try again")
                )
            default:
                problems.append(OrderProblem(.conflict, productId: line.productId, "the product could not be reserved (\(reason)); try again"))
            }
        }
        if !recheck.isEmpty {
            // Which condition failed is not reported: read the products again and say what changed.
            let products = try await self.products(recheck.map(\.productId))
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
        if !product.isActive { return OrderProblem(.inactive, productId: line.productId, "the product is not for sale") }
        if product.price != line.unitPrice || product.currency != currency {
            return OrderProblem(.priceChanged, productId: line.productId, "the price changed; review the order and send it again")
        }
        if product.stock < line.quantity { return Self.insufficient(product) }
        return OrderProblem(.conflict, productId: line.productId, "the product changed while the order was placed; try again")
    }
}

/// A transaction cancelled for a reason no line explains.
struct ReservationError: Error, CustomStringConvertible {
    var reasons: [String]
    var description: String { "the order transaction was cancelled: \(self.reasons.joined(separator: ", "))" }
}
