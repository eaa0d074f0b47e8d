package import AWS

/// The Cart table (seed 004's camelCase keys `userId`, `productId`; attribute `quantity`).
package struct CartStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// One cart row.
    package struct Line: Sendable, Equatable {
        package var productId: String
        /// 0 when the row holds no readable whole number (the order then refuses it as `invalid_quantity`).
        package var quantity: Int64
    }

    /// The user's cart, read consistently, in product order.
    package func lines(of userId: String) async throws -> [Line] {
        let rows = try await self.dynamo.all(
            DynamoDB.Read(
                table: self.table,
                keyCondition: "userId = :user",
                values: [":user": .s(userId)],
                consistentRead: true
            )
        )
        return rows.compactMap { row in
            guard case .s(let productId)? = row["productId"] else { return nil }
            guard case .n(let text)? = row["quantity"] else { return Line(productId: productId, quantity: 0) }
            return Line(productId: productId, quantity: Int64(text) ?? 0)
        }
    }

    /// Sets the product's quantity in the user's cart (adding the line when new). A repeat is harmless.
    package func set(_ quantity: Int64, of productId: String, for userId: String) async throws(AWSError) {
        try await self.dynamo.putItem(
            table: self.table,
            item: ["userId": .s(userId), "productId": .s(productId), "quantity": .n(String(quantity))]
        )
    }

    /// Removes the product from the user's cart; removing one that is not there is not an error.
    package func remove(_ productId: String, for userId: String) async throws(AWSError) {
        try await self.dynamo.deleteItem(table: self.table, key: ["userId": .s(userId), "productId": .s(productId)])
    }

    /// The write that removes one product from the user's cart: a step of the order's transaction.
    package func removal(of productId: String, from userId: String) -> DynamoDB.TransactWrite {
        .delete(table: self.table, key: ["userId": .s(userId), "productId": .s(productId)])
    }
}
