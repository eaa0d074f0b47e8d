package import AWS

/// The Products table (key `product_id`, seed 002's snake_case names): reads for pricing, the stock
/// reservation an order's transaction is made of, and the thumbnails image-processing records.
package struct ProductStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// The products of `ids` that exist, by id, read consistently (stock may be about to be reserved).
    package func products(_ ids: [String]) async throws -> [String: Product] {
        let items = try await self.dynamo.batchGet(table: self.table, keys: ids.map(Self.key), consistentRead: true)
        var products: [String: Product] = [:]
        for item in items {
            let product = try DynamoDBDecoder().decode(Product.self, from: item)
            products[product.productId] = product
        }
        return products
    }

    /// The write that takes `quantity` from the product's stock, only if the product still exists, is
    /// ACTIVE, has that much in stock, and still costs `price` in `currency`: one step of an order's
    /// transaction, so concurrent orders can never oversell or sell at a stale price.
    package func reservation(
        _ productId: String,
        quantity: Int64,
        price: Int64,
        currency: String
    ) -> DynamoDB.TransactWrite {
        .update(
            table: self.table,
            key: Self.key(productId),
            update: "SET #stock = #stock - :quantity",
            names: ["#stock": "stock"],
            values: [":quantity": .n(String(quantity))],
            condition: DynamoDB.Condition(
                "attribute_exists(product_id) AND #status = :active AND #stock >= :quantity"
                    + " AND #price = :price AND #currency = :currency",
                names: ["#status": "status", "#stock": "stock", "#price": "price", "#currency": "currency"],
                values: [
                    ":active": .s(Product.active),
                    ":quantity": .n(String(quantity)),
                    ":price": .n(String(price)),
                    ":currency": .s(currency),
                ]
            )
        )
    }

    /// Sets an existing product's `thumbnails` (size in pixels → key), `image` and `thumbnails_updated_at`.
    /// - Returns: false when there is no such product: it is left alone rather than created half-empty.
    package func recordThumbnails(
        _ thumbnails: [Int: String],
        original: String,
        of productId: String,
        at nowMs: Int64
    ) async throws(AWSError) -> Bool {
        do {
            try await self.dynamo.updateItem(
                table: self.table,
                key: Self.key(productId),
                update: "SET #thumbnails = :thumbnails, #image = :image, #updated = :updated",
                names: ["#thumbnails": "thumbnails", "#image": "image", "#updated": "thumbnails_updated_at"],
                values: [
                    ":thumbnails": .m(
                        Dictionary(uniqueKeysWithValues: thumbnails.map { (String($0.key), .s($0.value)) })
                    ),
                    ":image": .s(original), ":updated": .n(String(nowMs)),
                ],
                condition: DynamoDB.Condition("attribute_exists(product_id)")
            )
            return true
        } catch {
            if error.isConditionalCheckFailed { return false }
            throw error
        }
    }

    private static func key(_ productId: String) -> [String: AttributeValue] { ["product_id": .s(productId)] }
}
