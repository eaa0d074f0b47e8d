package import AWS
package import GavelCore

/// The Products table (key `product_id`, seed 002's snake_case names): reads for pricing, the stock
/// reservation an order's transaction is made of, and the thumbnails image-processing records.
package struct ProductStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// The product, or nil when there is none.
    package func product(_ productId: String) async throws -> Product? {
        try await self.dynamo.getItem(table: self.table, key: Self.key(productId)).map {
            try DynamoDBDecoder().decode(Product.self, from: $0)
        }
    }

    /// Which products a listing reads: every one (a Scan), one category's (`category-index`), one vendor's
    /// (`vendor-index`), or one vendor's in one category (`category-index`, filtered by vendor: a category
    /// holds fewer products than a vendor may).
    package enum Listing: Sendable, Equatable {
        case all
        case category(String)
        case vendor(String)
        case vendorInCategory(String, String)
    }

    /// One page of `listing`'s products (only the ACTIVE ones when `activeOnly`), `limit` at a time, after the
    /// product `cursor`.
    ///
    /// Both indexes are keyed by the attribute alone, so a page's last key is that attribute (known from the
    /// listing) plus `product_id`: the cursor is the product id, and nothing else can be steered by it.
    package func products(
        _ listing: Listing,
        activeOnly: Bool,
        after cursor: String?,
        limit: Int
    ) async throws -> Page<Product> {
        var names: [String: String] = [:]
        var values: [String: AttributeValue] = [:]
        var read = DynamoDB.Read(table: self.table)
        if activeOnly {
            read.filter = "#status = :active"
            names["#status"] = "status"
            values[":active"] = .s(Product.active)
        }
        var start = cursor.map { Self.key($0) }
        switch listing {
        case .all:
            break
        case .category(let category):
            read.index = "category-index"
            read.keyCondition = "#category = :key"
            names["#category"] = "category"
            values[":key"] = .s(category)
            start?["category"] = .s(category)
        case .vendor(let vendorId):
            read.index = "vendor-index"
            read.keyCondition = "vendor_id = :key"
            values[":key"] = .s(vendorId)
            start?["vendor_id"] = .s(vendorId)
        case .vendorInCategory(let vendorId, let category):
            read.index = "category-index"
            read.keyCondition = "#category = :key"
            names["#category"] = "category"
            values[":key"] = .s(category)
            values[":vendor"] = .s(vendorId)
            read.filter = [read.filter, "vendor_id = :vendor"].compactMap { $0 }.joined(separator: " AND ")
            start?["category"] = .s(category)
        }
        read.names = names
        read.values = values
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let products = try page.items.map { try DynamoDBDecoder().decode(Product.self, from: $0) }
        return Page(items: products, nextCursor: page.more ? products.last?.productId : nil)
    }

    /// Puts a new product.
    /// - Returns: false when a product with its id exists already (nothing is written).
    package func create(_ product: Product) async throws -> Bool {
        try await self.put(try DynamoDBEncoder().encode(product))
    }

    /// A helper of its own: a typed catch that goes on to other work crashes Swift 6.3.1.
    private func put(_ item: [String: AttributeValue]) async throws(AWSError) -> Bool {
        do throws(AWSError) {
            try await self.dynamo.putItem(
                table: self.table,
                item: item,
                condition: DynamoDB.Condition("attribute_not_exists(product_id)")
            )
            return true
        } catch  where error.isConditionalCheckFailed {
            return false
        }
    }

    /// The fields a vendor may change; nil leaves one as it is.
    package struct Changes: Sendable, Equatable {
        package var name: String?
        package var category: String?
        package var description: String?
        package var price: Money?
        package var stock: Int64?
        package var status: String?

        package init(
            name: String? = nil,
            category: String? = nil,
            description: String? = nil,
            price: Money? = nil,
            stock: Int64? = nil,
            status: String? = nil
        ) {
            self.name = name
            self.category = category
            self.description = description
            self.price = price
            self.stock = stock
            self.status = status
        }
    }

    /// Applies `changes` to the product when `vendorId` owns it; one conditional UpdateItem, so the check
    /// and the write cannot be separated by another writer.
    /// - Returns: the product as it now is; nil when there is no such product or another vendor owns it.
    package func update(_ productId: String, by vendorId: String, _ changes: Changes) async throws -> Product? {
        var sets: [String] = []
        var names: [String: String] = [:]
        var values: [String: AttributeValue] = [:]
        func set(_ attribute: String, _ value: AttributeValue?) {
            guard let value else { return }
            sets.append("#\(attribute) = :\(attribute)")
            names["#\(attribute)"] = attribute
            values[":\(attribute)"] = value
        }
        set("name", changes.name.map(AttributeValue.s))
        set("category", changes.category.map(AttributeValue.s))
        set("description", changes.description.map(AttributeValue.s))
        set("price", changes.price.map { .n(String($0.amount)) })
        set("currency", changes.price.map { .s($0.currency) })
        set("stock", changes.stock.map { .n(String($0)) })
        set("status", changes.status.map(AttributeValue.s))
        names["#vendor"] = "vendor_id"
        values[":vendor"] = .s(vendorId)
        // No change still checks ownership (and answers with the product), through a no-op SET.
        if sets.isEmpty { sets.append("#vendor = :vendor") }
        let item = try await self.updateIfOwned(
            productId,
            update: "SET " + sets.joined(separator: ", "),
            names: names,
            values: values
        )
        return try item.map { try DynamoDBDecoder().decode(Product.self, from: $0) }
    }

    private func updateIfOwned(
        _ productId: String,
        update: String,
        names: [String: String],
        values: [String: AttributeValue]
    ) async throws(AWSError) -> [String: AttributeValue]? {
        do throws(AWSError) {
            return try await self.dynamo.updateItem(
                table: self.table,
                key: Self.key(productId),
                update: update,
                names: names,
                values: values,
                condition: DynamoDB.Condition("attribute_exists(product_id) AND #vendor = :vendor"),
                returnValues: .allNew
            )
        } catch  where error.isConditionalCheckFailed {
            return nil
        }
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
