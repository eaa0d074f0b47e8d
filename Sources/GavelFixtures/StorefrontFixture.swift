package import AWS
package import Catalog
import FoundationEssentials
import GavelTesting
package import Storefront

/// The storefront's AWS side on moto: Products (vendor and category indexes), Orders (user index),
/// VendorOrders, Cart, Users, Sessions (user index), Analytics, Jobs (cleanup's checkpoint), the notification
/// queue and the images bucket, and the environment order-validation, image-processing, cleanup and the
/// api's storefront routes read.
package struct StorefrontFixture: Sendable {
    package let moto: Moto.Account
    package let environment: [String: String]

    package var productsTable: String { self.environment["PRODUCTS_TABLE"]! }
    package var ordersTable: String { self.environment["ORDERS_TABLE"]! }
    package var vendorOrdersTable: String { self.environment["VENDOR_ORDERS_TABLE"]! }
    package var cartTable: String { self.environment["CART_TABLE"]! }
    package var usersTable: String { self.environment["USERS_TABLE"]! }
    package var sessionsTable: String { self.environment["SESSIONS_TABLE"]! }
    package var analyticsTable: String { self.environment["ANALYTICS_TABLE"]! }
    package var queueURL: String { self.environment["NOTIFICATION_QUEUE_URL"]! }
    package var jobsTable: String { self.environment["JOBS_TABLE"]! }
    package var bucket: String { self.environment["IMAGES_BUCKET"]! }

    /// Creates everything on the shared (signature-checking) moto, or on `moto`, with fresh names.
    package static func make(on given: Moto.Account? = nil) async throws -> StorefrontFixture {
        let moto: Moto.Account
        if let given { moto = given } else { moto = try await Moto.shared() }
        let names = [
            "PRODUCTS_TABLE": moto.unique("Products"), "ORDERS_TABLE": moto.unique("Orders"),
            "CART_TABLE": moto.unique("Cart"), "SESSIONS_TABLE": moto.unique("Sessions"),
            "ANALYTICS_TABLE": moto.unique("Analytics"), "IMAGES_BUCKET": moto.unique("images"),
            "JOBS_TABLE": moto.unique("Jobs"), "VENDOR_ORDERS_TABLE": moto.unique("VendorOrders"),
            "USERS_TABLE": moto.unique("Users"),
        ]
        for (variable, logicalId) in [
            ("PRODUCTS_TABLE", "ProductsTable"), ("ORDERS_TABLE", "OrdersTable"), ("CART_TABLE", "CartTable"),
            ("SESSIONS_TABLE", "SessionsTable"), ("ANALYTICS_TABLE", "AnalyticsTable"), ("JOBS_TABLE", "JobsTable"),
            ("VENDOR_ORDERS_TABLE", "VendorOrdersTable"), ("USERS_TABLE", "UsersTable"),
        ] {
            try await moto.createTable(logicalId, named: names[variable]!)
        }
        try await moto.createBucket(names["IMAGES_BUCKET"]!)
        var environment = moto.environment
        environment.merge(names) { $1 }
        environment["NOTIFICATION_QUEUE_URL"] = try await moto.createQueue(moto.unique("notification-queue") + ".fifo")
        environment["APP_URL"] = "https://shop.example"
        return StorefrontFixture(moto: moto, environment: environment)
    }

    package func dynamo() throws -> DynamoDB { DynamoDB(client: try self.moto.client(.dynamoDB)) }

    /// Writes `products` to Products.
    package func put(_ products: [Product]) async throws {
        let dynamo = try self.dynamo()
        for product in products {
            try await dynamo.putItem(table: self.productsTable, item: try DynamoDBEncoder().encode(product))
        }
    }

    /// The product as stored now (read consistently).
    package func product(_ id: String) async throws -> Product? {
        try await ProductStore(dynamo: self.dynamo(), table: self.productsTable).products([id])[id]
    }

    /// Every order in Orders.
    package func orders() async throws -> [Order] {
        try await self.dynamo().all(DynamoDB.Read(table: self.ordersTable, consistentRead: true))
            .map { try DynamoDBDecoder().decode(Order.self, from: $0) }
    }

    /// Puts `quantity` of `productId` in `userId`'s cart.
    package func addToCart(userId: String, productId: String, quantity: Int) async throws {
        try await self.dynamo().putItem(
            table: self.cartTable,
            item: ["userId": .s(userId), "productId": .s(productId), "quantity": .n(String(quantity))]
        )
    }
}
