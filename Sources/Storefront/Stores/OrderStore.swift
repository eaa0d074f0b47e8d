package import AWS
package import Catalog
package import GavelCore

/// The Orders table (key `order_id`, index `user-orders-index` on `user_id` + `created_at`), its vendor view
/// VendorOrders (key `vendor_id` + `order_key`), and the one transaction that places an order: each line's
/// stock reserved (`ProductStore`), the order put if its id is new, one VendorOrders row per vendor of the
/// order, and the cart rows it came from removed (`CartStore`), all or nothing.
package struct OrderStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String
    private let vendorTable: String
    private let products: ProductStore
    private let cart: CartStore

    package init(dynamo: DynamoDB, table: String, vendorTable: String, products: ProductStore, cart: CartStore) {
        self.dynamo = dynamo
        self.table = table
        self.vendorTable = vendorTable
        self.products = products
        self.cart = cart
    }

    /// The user's orders, newest first (`user-orders-index`), after the order at `cursor`.
    ///
    /// The cursor is `<created_at>.<order_id>` of the last order shown; the index's partition is always the
    /// caller, so it cannot reach another user's orders.
    package func orders(of userId: String, after cursor: String?, limit: Int) async throws -> Page<Order> {
        let read = DynamoDB.Read(
            table: self.table,
            index: "user-orders-index",
            keyCondition: "user_id = :user",
            values: [":user": .s(userId)],
            ascending: false
        )
        let start = try cursor.map { text throws(OrderCursorError) -> [String: AttributeValue] in
            let parts = text.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let createdAt = Int64(parts[0]), createdAt >= 0 else { throw OrderCursorError() }
            return ["user_id": .s(userId), "created_at": .n(String(createdAt)), "order_id": .s(String(parts[1]))]
        }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let orders = try page.items.map { try DynamoDBDecoder().decode(Order.self, from: $0) }
        return Page(items: orders, nextCursor: page.more ? orders.last.map { "\($0.createdAt).\($0.orderId)" } : nil)
    }

    /// The vendor's share of orders, newest first, after the row whose `order_key` is `cursor`.
    package func vendorOrders(of vendorId: String, after cursor: String?, limit: Int) async throws -> Page<VendorOrder>
    {
        let read = DynamoDB.Read(
            table: self.vendorTable,
            keyCondition: "vendor_id = :vendor",
            values: [":vendor": .s(vendorId)],
            ascending: false
        )
        let start = cursor.map { ["vendor_id": AttributeValue.s(vendorId), "order_key": .s($0)] }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let rows = try page.items.map { try DynamoDBDecoder().decode(VendorOrder.self, from: $0) }
        return Page(items: rows, nextCursor: page.more ? rows.last?.orderKey : nil)
    }

    /// The order, read consistently; nil when there is none.
    package func order(_ orderId: String) async throws -> Order? {
        try await self.dynamo.getItem(table: self.table, key: ["order_id": .s(orderId)], consistentRead: true).map {
            try DynamoDBDecoder().decode(Order.self, from: $0)
        }
    }

    /// How one write of a cancelled transaction fared.
    package enum StepOutcome: Sendable, Equatable {
        case applied
        /// Its condition failed: the product changed (or, for the order, its id was taken).
        case conditionFailed
        /// Another transaction touched the same item at the same moment.
        case conflict
        case other(String)
    }

    /// What placing an order came to.
    package enum Placement: Sendable, Equatable {
        case placed
        /// The order's id was taken: the same idempotency key won a race with us.
        case orderExists
        /// The transaction was cancelled: one outcome per line, in order, and DynamoDB's reasons for all.
        case cancelled(lines: [StepOutcome], reasons: [String])
    }

    /// Reserves every line's stock, puts the order if its id is new, and (`clearingCart`) removes its
    /// lines from the shopper's cart, in one TransactWriteItems.
    ///
    /// The client request token is derived from the order id, so the client's own retry of this call (after
    /// a timeout) applies it at most once.
    package func place(_ order: Order, clearingCart: Bool) async throws -> Placement {
        var writes = order.lines.map {
            self.products.reservation(
                $0.productId,
                quantity: $0.quantity,
                price: $0.unitPrice,
                currency: order.currency
            )
        }
        writes.append(
            .put(
                table: self.table,
                item: try DynamoDBEncoder().encode(order),
                condition: DynamoDB.Condition("attribute_not_exists(order_id)")
            )
        )
        for share in VendorOrder.shares(of: order) {
            writes.append(.put(table: self.vendorTable, item: try DynamoDBEncoder().encode(share)))
        }
        if clearingCart {
            writes += order.lines.map { self.cart.removal(of: $0.productId, from: order.userId) }
        }
        let token = String(order.orderId.dropFirst("ord_".count).prefix(36))
        guard let reasons = try await self.commit(writes, token: token) else { return .placed }
        let lineCount = order.lines.count
        if reasons.count > lineCount, reasons[lineCount] == "ConditionalCheckFailed" { return .orderExists }
        let lines: [StepOutcome] = order.lines.indices.map { index in
            switch index < reasons.count ? reasons[index] : "None" {
            case "None": .applied
            case "ConditionalCheckFailed": .conditionFailed
            case "TransactionConflict": .conflict
            case let reason: .other(reason)
            }
        }
        return .cancelled(lines: lines, reasons: reasons)
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
}

/// A cursor `GET /orders` did not return.
package struct OrderCursorError: Error, Sendable {}
