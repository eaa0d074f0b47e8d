import AWS
import Catalog
import GavelCore
import GavelLocal

/// What a fresh local stack holds so the walkthrough has something to show: a signed-up user with a
/// profile, two products in stock (sold by that user), and a cart.
enum DemoData {
    static let email = "demo@gavel.example"
    static let password = "Gavel-local-demo-1!"

    static func seed(on stack: LocalStack) async throws -> LocalStack.Demo {
        let signIn = try LocalSignIn(stack: stack)
        let userId = try await signIn.userId(user: Self.email)
        var environment: [String: String] = [:]
        for function in stack.functions.values { environment.merge(function.environment) { $1 } }
        guard let users = environment["USERS_TABLE"], let products = environment["PRODUCTS_TABLE"],
            let cart = environment["CART_TABLE"]
        else { throw LocalError.dev("the template's functions name no Users, Products or Cart table") }
        let dynamo = DynamoDB(client: signIn.client(.dynamoDB))
        var profile = UserProfile(userId: userId, email: Self.email, name: "Demo")
        profile.timeZone = nil
        try await dynamo.putItem(table: users, item: try DynamoDBEncoder().encode(profile))
        let demo = [
            Product(
                productId: "prod-camera",
                vendorId: userId,
                name: "Camera",
                price: 349_00,
                currency: "GBP",
                stock: 3
            ),
            Product(productId: "prod-strap", vendorId: userId, name: "Strap", price: 19_50, currency: "GBP", stock: 10),
        ]
        for product in demo {
            try await dynamo.putItem(table: products, item: try DynamoDBEncoder().encode(product))
        }
        try await dynamo.putItem(
            table: cart,
            item: ["userId": .s(userId), "productId": .s("prod-strap"), "quantity": .n("2")]
        )
        return LocalStack.Demo(
            email: Self.email,
            password: Self.password,
            userId: userId,
            products: demo.map(\.productId)
        )
    }
}
