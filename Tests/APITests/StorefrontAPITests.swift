import API
import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import Storefront
import Testing

/// Products, cart and orders through the api handler against moto: roles, strict bodies, pagination,
/// idempotent creates and checkout, and one user never seeing another's rows.
@Suite struct StorefrontAPITests {
    typealias Answer = StorefrontAPI.Answer

    @Test func onlyVendorsCreateProductsAndOnlyTheirOwnChange() async throws {
        let api = try await StorefrontAPI.make()
        let body = #"{"name":"Lens cap","price":{"amount":900,"currency":"GBP"},"stock":5}"#
        let anonymous = try await api.call("POST", "/products", body: body, user: nil)
        #expect(anonymous.status == 401)
        let customer = try await api.call("POST", "/products", body: body)
        #expect(customer.status == 403 && customer.error?.code == "forbidden", "\(customer.body)")

        let created = try await api.createProduct("Lens cap", price: 9_00, category: "cameras")
        #expect(created.productId.hasPrefix("prd_") && created.vendorId == "v-kit" && created.status == "ACTIVE")
        #expect(created.price == Money(amount: 9_00, currency: "GBP") && created.images.isEmpty)
        let shown = try await api.call("GET", "/products/\(created.productId)", user: nil)
        #expect(try shown.status == 200 && (shown.decode(StorefrontAPI.ProductBody.self)) == created)

        let path = "/products/\(created.productId)"
        let stranger = try await api.call("PATCH", path, body: #"{"stock":1}"#, user: "v-other", groups: ["vendor"])
        #expect(stranger.status == 404, "another vendor's product is not theirs to see: \(stranger.body)")
        let changed = try await api.call(
            "PATCH",
            path,
            body: #"{"price":{"amount":1200,"currency":"GBP"},"stock":3}"#,
            user: "v-kit",
            groups: ["vendor"]
        )
        let product = try changed.decode(StorefrontAPI.ProductBody.self)
        #expect(
            changed.status == 200 && product.price.amount == 12_00 && product.stock == 3 && product.name == "Lens cap"
        )
        #expect(try await api.fixture.product(created.productId)?.price == 12_00)

        let hidden = try await api.call(
            "PATCH",
            path,
            body: #"{"status":"INACTIVE"}"#,
            user: "v-kit",
            groups: ["vendor"]
        )
        #expect(hidden.status == 200)
        #expect(try await api.call("GET", path, user: nil).status == 404, "an inactive product is not for sale")
        let own = try await api.call("GET", "/vendor/products", user: "v-kit", groups: ["vendor"])
        let listed = try own.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self).items
        #expect(listed.map(\.status) == ["INACTIVE"], "the vendor still sees it")
    }

    @Test func productBodiesAreStrictToTheNestedField() async throws {
        let api = try await StorefrontAPI.make()
        func refusal(_ body: String, method: String = "POST") async throws -> SniperAPI.ErrorBody.Detail? {
            let answer = try await api.call(method, "/products", body: body, user: "v-kit", groups: ["vendor"])
            #expect(answer.status == 400, "\(body) → \(answer.status) \(answer.body)")
            return answer.error
        }
        let good = #""name":"Cap","price":{"amount":900,"currency":"GBP"},"stock":5"#
        #expect(try await refusal(#"{\#(good),"colour":"red"}"#)?.field == "colour")
        #expect(
            try await refusal(#"{"name":"Cap","price":{"amount":900,"currency":"GBP","cents":1},"stock":5}"#)?.field
                == "price.cents"
        )
        #expect(
            try await refusal(#"{"name":"Cap","price":{"amount":9.5,"currency":"GBP"},"stock":5}"#)?.field
                == "price.amount"
        )
        #expect(
            try await refusal(#"{"name":"Cap","price":{"amount":900,"currency":"gbp"},"stock":5}"#)?.field
                == "price.currency"
        )
        #expect(
            try await refusal(#"{"name":"Cap","price":{"amount":99999999999999,"currency":"GBP"},"stock":5}"#)?.field
                == "price.amount"
        )
        #expect(
            try await refusal(#"{"name":"Cap","price":{"amount":900,"currency":"GBP"},"stock":-1}"#)?.field == "stock"
        )
        #expect(try await refusal(#"{\#(good),"category":"Home Audio"}"#)?.field == "category")
        #expect(try await refusal(#"{\#(good),"status":"DELETED"}"#)?.field == "status")
        #expect(try await refusal(#"{"name":"","price":{"amount":900,"currency":"GBP"},"stock":5}"#)?.field == "name")
        let huge = String(repeating: "x", count: 70 * 1024)
        let tooBig = try await api.call(
            "POST",
            "/products",
            body: #"{"name":"\#(huge)"}"#,
            user: "v",
            groups: ["vendor"]
        )
        #expect(tooBig.status == 413)
        #expect(try await api.fixture.dynamo().all(DynamoDB.Read(table: api.fixture.productsTable)).isEmpty)
    }

    @Test func aCreateRetriedWithItsKeyOrAfterALostReplyMakesOneProduct() async throws {
        let fixture = try await StorefrontFixture.make()
        let api = try StorefrontAPI(fixture)
        let body = #"{"name":"Tripod","price":{"amount":4500,"currency":"GBP"},"stock":2}"#
        let key = ["idempotency-key": "3f1c9a52-tripod"]
        let first = try await api.call("POST", "/products", body: body, headers: key, user: "v-kit", groups: ["vendor"])
        let again = try await api.call("POST", "/products", body: body, headers: key, user: "v-kit", groups: ["vendor"])
        #expect(first.status == 201 && again.status == 201)
        let id = try first.decode(StorefrontAPI.ProductBody.self).productId
        #expect(try again.decode(StorefrontAPI.ProductBody.self).productId == id)
        let other = #"{"name":"Tripod XL","price":{"amount":4500,"currency":"GBP"},"stock":2}"#
        let reused = try await api.call(
            "POST",
            "/products",
            body: other,
            headers: key,
            user: "v-kit",
            groups: ["vendor"]
        )
        #expect(reused.status == 409 && reused.error?.code == "idempotency_key_reused")
        // The same key from another vendor is another product.
        let elsewhere = try await api.call(
            "POST",
            "/products",
            body: body,
            headers: key,
            user: "v-two",
            groups: ["vendor"]
        )
        #expect(try elsewhere.status == 201 && (elsewhere.decode(StorefrontAPI.ProductBody.self)).productId != id)

        // The put's reply is lost: the client's retry finds the id taken by its own write and answers with it.
        let proxy = FaultProxy(upstream: fixture.moto.endpoint, operation: "PutItem", count: 1, fault: .lostReply)
        try await proxy.with { endpoint in
            var environment = fixture.environment
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
            let faulty = try StorefrontAPI(fixture, environment: environment)
            let answer = try await faulty.call(
                "POST",
                "/products",
                body: #"{"name":"Flash","price":{"amount":3000,"currency":"GBP"},"stock":1}"#,
                user: "v-kit",
                groups: ["vendor"]
            )
            #expect(answer.status == 201, "\(answer.body)")
            #expect(proxy.attempts == 2)
        }
        let rows = try await fixture.dynamo().all(DynamoDB.Read(table: fixture.productsTable))
        #expect(rows.count == 3, "Tripod (once), the other vendor's Tripod, Flash (once)")
    }

    @Test func listingsFilterByCategoryAndVendorAndPageWithoutRepeats() async throws {
        let api = try await StorefrontAPI.make()
        var cameras: Set<String> = []
        for index in 0..<5 {
            cameras.insert(try await api.createProduct("Camera \(index)", category: "cameras").productId)
        }
        let strap = try await api.createProduct("Strap", category: "straps", vendor: "v-other")
        let hidden = try await api.createProduct("Old camera", category: "cameras")
        let off = try await api.call(
            "PATCH",
            "/products/\(hidden.productId)",
            body: #"{"status":"INACTIVE"}"#,
            user: "v-kit",
            groups: ["vendor"]
        )
        #expect(off.status == 200)

        var seen: [String] = []
        var cursor: String?
        repeat {
            var query = ["category": "cameras", "limit": "2"]
            query["cursor"] = cursor
            let answer = try await api.call("GET", "/products", query: query, user: nil)
            #expect(answer.status == 200, "\(answer.body)")
            let page = try answer.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self)
            #expect(page.items.count <= 2)
            seen += page.items.map(\.productId)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 5 && Set(seen) == cameras, "every active camera once, the inactive one never")

        let byVendor = try await api.call("GET", "/products", query: ["vendor": "v-other"], user: nil)
        #expect(
            try byVendor.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self).items.map(\.productId) == [
                strap.productId
            ]
        )
        let all = try await api.call("GET", "/products", query: ["limit": "100"], user: nil)
        #expect(try all.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self).items.count == 6)

        let both = try await api.call(
            "GET",
            "/products",
            query: ["category": "cameras", "vendor": "v-other"],
            user: nil
        )
        #expect(
            try both.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self).items.isEmpty,
            "v-other sells straps"
        )
        let kitCameras = try await api.call(
            "GET",
            "/products",
            query: ["category": "cameras", "vendor": "v-kit"],
            user: nil
        )
        #expect(try kitCameras.decode(SniperAPI.Listing<StorefrontAPI.ProductBody>.self).items.count == 5)
        let badCursor = try await api.call("GET", "/products", query: ["cursor": "{\"product_id\":1}"], user: nil)
        #expect(badCursor.status == 400 && badCursor.error?.field == "cursor")
        let badCategory = try await api.call("GET", "/products", query: ["category": "Cameras!"], user: nil)
        #expect(badCategory.status == 400 && badCategory.error?.field == "category")
        #expect(try await api.call("GET", "/products/nope%2F..", user: nil).status == 404)
    }

    @Test func theCartIsPricedFromProductsAndPrivateToItsUser() async throws {
        let api = try await StorefrontAPI.make()
        let lens = try await api.createProduct("Lens", price: 120_00, stock: 4)
        let cap = try await api.createProduct("Cap", price: 5_50, stock: 1)
        let set = try await api.call("PUT", "/cart/items/\(lens.productId)", body: #"{"quantity":2}"#)
        #expect(set.status == 200, "\(set.body)")
        _ = try await api.call("PUT", "/cart/items/\(cap.productId)", body: #"{"quantity":1}"#)
        var cart = try await api.call("GET", "/cart").decode(StorefrontAPI.CartBody.self)
        #expect(cart.items.count == 2 && cart.subtotal == Money(amount: 245_50, currency: "GBP"))
        #expect(
            cart.items.first { $0.productId == lens.productId }?.lineTotal == Money(amount: 240_00, currency: "GBP")
        )

        // More than is in stock: the line says so and there is no subtotal to pay.
        _ = try await api.call("PUT", "/cart/items/\(cap.productId)", body: #"{"quantity":3}"#)
        cart = try await api.call("GET", "/cart").decode(StorefrontAPI.CartBody.self)
        #expect(cart.items.first { $0.productId == cap.productId }?.available == false && cart.subtotal == nil)

        #expect(try await api.call("PUT", "/cart/items/\(cap.productId)", body: #"{"quantity":0}"#).status == 400)
        #expect(
            try await api.call("PUT", "/cart/items/\(cap.productId)", body: #"{"quantity":1,"gift":true}"#).error?.field
                == "gift"
        )
        #expect(try await api.call("PUT", "/cart/items/prd_missing", body: #"{"quantity":1}"#).status == 404)
        #expect(try await api.call("GET", "/cart", user: "u-bob").decode(StorefrontAPI.CartBody.self).items.isEmpty)

        let removed = try await api.call("DELETE", "/cart/items/\(cap.productId)")
        #expect(try removed.decode(StorefrontAPI.CartBody.self).items.map(\.productId) == [lens.productId])
        #expect(try await api.call("DELETE", "/cart/items/\(cap.productId)").status == 200, "removing twice is fine")
    }

    @Test func checkoutTakesTheUserFromTheTokenAndAnsweresARetryWithTheSameOrder() async throws {
        let api = try await StorefrontAPI.make()
        let lens = try await api.createProduct("Lens", price: 120_00, stock: 4, vendor: "v-kit")
        let strap = try await api.createProduct("Strap", price: 15_00, stock: 9, vendor: "v-other")
        _ = try await api.call("PUT", "/cart/items/\(lens.productId)", body: #"{"quantity":2}"#)
        _ = try await api.call("PUT", "/cart/items/\(strap.productId)", body: #"{"quantity":1}"#)

        let noKey = try await api.call("POST", "/orders", body: #"{"fromCart":true}"#)
        #expect(noKey.status == 400 && noKey.error?.field == "Idempotency-Key")
        let key = ["idempotency-key": "order-7d0e"]
        let spoof = try await api.call("POST", "/orders", body: #"{"fromCart":true,"userId":"u-bob"}"#, headers: key)
        #expect(spoof.status == 400 && spoof.error?.field == "userId", "the body cannot name the user")

        let placed = try await api.call("POST", "/orders", body: #"{"fromCart":true}"#, headers: key)
        #expect(placed.status == 201, "\(placed.body)")
        let order = try placed.decode(StorefrontAPI.OrderBody.self)
        #expect(order.total == 255_00 && order.currency == "GBP" && order.status == "PENDING")
        #expect(placed.headers["location"] == "/orders/\(order.orderId)")
        let retry = try await api.call("POST", "/orders", body: #"{"fromCart":true}"#, headers: key)
        #expect(try retry.status == 201 && (retry.decode(StorefrontAPI.OrderBody.self)).orderId == order.orderId)
        #expect(try await api.fixture.product(lens.productId)?.stock == 2, "stock taken once")
        #expect(try await api.fixture.orders().map(\.userId) == ["u-ada"])
        #expect(try await api.call("GET", "/cart").decode(StorefrontAPI.CartBody.self).items.isEmpty)

        let other = try await api.call(
            "POST",
            "/orders",
            body: #"{"items":[{"productId":"\#(lens.productId)","quantity":1}]}"#,
            headers: key
        )
        #expect(other.status == 409 && other.error?.code == "idempotency_key_reused")
        let tooMany = try await api.call(
            "POST",
            "/orders",
            body: #"{"items":[{"productId":"\#(lens.productId)","quantity":5}]}"#,
            headers: ["idempotency-key": "order-2"]
        )
        let refusal = try tooMany.decode(StorefrontAPI.ErrorLines.self).error
        #expect(tooMany.status == 409 && refusal.code == "insufficient_stock")
        #expect(refusal.lines?.map(\.productId) == [lens.productId])

        // Reading: the shopper sees the order; another user gets a 404 for it; each vendor sees their lines.
        let listed = try await api.call("GET", "/orders").decode(SniperAPI.Listing<StorefrontAPI.OrderBody>.self)
        #expect(listed.items.map(\.orderId) == [order.orderId])
        #expect(try await api.call("GET", "/orders/\(order.orderId)").status == 200)
        #expect(try await api.call("GET", "/orders/\(order.orderId)", user: "u-bob").status == 404)
        #expect(
            try await api.call("GET", "/orders", user: "u-bob").decode(SniperAPI.Listing<StorefrontAPI.OrderBody>.self)
                .items.isEmpty
        )
        #expect(try await api.call("GET", "/vendor/orders").status == 403)
        let kit = try await api.call("GET", "/vendor/orders", user: "v-kit", groups: ["vendor"])
        let share = try kit.decode(SniperAPI.Listing<StorefrontAPI.OrderBody>.self).items
        #expect(share.map(\.orderId) == [order.orderId] && share.first?.total == 240_00)
        #expect(share.first?.lines.map(\.productId) == [lens.productId], "only v-kit's line")

        // The confirmation goes to the token's user, and each vendor hears of their share.
        let queued = try await api.fixture.moto.drain(api.fixture.queueURL, expecting: 3)
        let recipients = try queued.map { try JSONDecoder().decode(Notification.self, from: Data($0.body.utf8)).userId }
        #expect(Set(recipients) == ["u-ada", "v-kit", "v-other"])
    }

    @Test func anAbsurdStoredPriceIsRefusedNotACrash() async throws {
        let api = try await StorefrontAPI.make()
        try await api.fixture.put([
            Product(
                productId: "p-absurd",
                vendorId: "v-1",
                name: "Absurd",
                price: Int64.max / 2,
                currency: "GBP",
                stock: 50
            )
        ])
        let answer = try await api.call(
            "POST",
            "/orders",
            body: #"{"items":[{"productId":"p-absurd","quantity":3}]}"#,
            headers: ["idempotency-key": "absurd"]
        )
        #expect(answer.status == 409 && answer.error?.code == "invalid_quantity", "\(answer.body)")
        let cart = try await api.call("PUT", "/cart/items/p-absurd", body: #"{"quantity":3}"#)
        #expect(try cart.status == 200 && (cart.decode(StorefrontAPI.CartBody.self)).subtotal == nil)
    }

    @Test func aVendorGetsAPresignedPostForTheirOwnProductOnly() async throws {
        let api = try await StorefrontAPI.make()
        let lens = try await api.createProduct("Lens")
        let path = "/products/\(lens.productId)/images"
        let jpeg = #"{"contentType":"image/jpeg"}"#
        #expect(try await api.call("POST", path, body: jpeg).status == 403)
        #expect(try await api.call("POST", path, body: jpeg, user: "v-other", groups: ["vendor"]).status == 404)
        let gif = try await api.call(
            "POST",
            path,
            body: #"{"contentType":"image/gif"}"#,
            user: "v-kit",
            groups: ["vendor"]
        )
        #expect(gif.status == 400 && gif.error?.field == "contentType")

        let answer = try await api.call("POST", path, body: jpeg, user: "v-kit", groups: ["vendor"])
        #expect(answer.status == 201, "\(answer.body)")
        struct Upload: Decodable {
            var url: String
            var fields: [String: String]
            var key: String
            var maxBytes: Int
        }
        let upload = try answer.decode(Upload.self)
        #expect(upload.key.hasPrefix("uploads/\(lens.productId)/") && upload.key.hasSuffix(".jpg"))
        #expect(upload.url.hasSuffix("/\(api.fixture.bucket)/") && upload.maxBytes == 25 * 1024 * 1024)
        #expect(upload.fields["key"] == upload.key && upload.fields["Content-Type"] == "image/jpeg")
        let encoded = try #require(upload.fields["policy"])
        let policy = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(
            policy.contains(#"["content-length-range",1,26214400]"#) && policy.contains(#"{"key":"\#(upload.key)"}"#)
        )
        #expect(upload.fields["x-amz-signature"]?.count == 64)
    }
}
