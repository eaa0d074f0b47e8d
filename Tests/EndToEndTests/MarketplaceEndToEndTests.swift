import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelLocal
import GavelTesting
import Testing

/// The storefront as a frontend team would drive it through `gavel-local dev`: a vendor and a customer
/// sign up (the post-confirmation trigger gives each a Users row), the vendor lists a product and uploads its
/// photo through the presigned POST, the thumbnail comes back through the local CDN, the customer fills a
/// cart and checks out twice with one key, and both get their emails.
@Suite struct MarketplaceEndToEndTests {
    typealias Local = LocalBackendEndToEndTests

    struct Form: Decodable {
        var url: String
        var fields: [String: String]
        var key: String
    }

    struct Product: Decodable {
        var productId: String
        var stock: Int64
        var images: [String: String]
    }

    @Test(.timeLimit(.minutes(10)))
    func aVendorSellsAndACustomerBuysThroughTheLocalBackend() async throws {
        try await Local.withStack("marketplace") { local in
            try await Local.withBackend(local) { backend, urls in
                let api = urls.gateway
                let cdn = try #require(urls.cdn, "the template's distribution gives the backend a CDN")
                let signIn = try LocalSignIn(
                    stack: local.stack,
                    confirm: LocalSignIn.console(url: urls.console, token: urls.consoleToken, transport: Moto.transport)
                )
                let vendor = try await signIn.idToken(user: "kit-vendor", groups: ["vendor"])
                let customer = try await signIn.idToken(user: "ada-shopper", groups: ["customer"])

                // The sign-up trigger wrote both Users rows with the verified addresses.
                let dynamo = DynamoDB(client: try AWSClients(environment: local.caller).client(.dynamoDB))
                let usersTable = try #require(local.stack.functions["api"]?.environment["USERS_TABLE"])
                let rows = try await dynamo.all(DynamoDB.Read(table: usersTable))
                let emails = Set(
                    rows.compactMap { row -> String? in if case .s(let e)? = row["email"] { e } else { nil } }
                )
                #expect(emails.isSuperset(of: ["kit-vendor@gavel.example", "ada-shopper@gavel.example"]))

                // A customer may not sell; the vendor may.
                let listing =
                    #"{"name":"Field camera","category":"cameras","price":{"amount":34900,"currency":"GBP"},"stock":5}"#
                #expect(try await Local.http("POST", api + "/products", body: listing, token: customer).status == 403)
                let created = try await Local.http("POST", api + "/products", body: listing, token: vendor)
                #expect(created.status == 201, "\(created.text)")
                let product = try JSONDecoder().decode(Product.self, from: Data(created.text.utf8))

                // The photo goes straight to S3 with the presigned POST; image-processing makes thumbnails.
                let formReply = try await Local.http(
                    "POST",
                    api + "/products/\(product.productId)/images",
                    body: #"{"contentType":"image/jpeg"}"#,
                    token: vendor
                )
                #expect(formReply.status == 201, "\(formReply.text)")
                let form = try JSONDecoder().decode(Form.self, from: Data(formReply.text.utf8))
                let photo = try TestImages.jpeg(TestImages.pattern(width: 640, height: 480))
                let multipart = MultipartForm(fields: form.fields, file: photo, fileContentType: "image/jpeg")
                let uploaded = try await Moto.transport.send(
                    TransportRequest(
                        method: "POST",
                        url: form.url,
                        headers: [("Content-Type", multipart.contentType)],
                        body: multipart.body
                    )
                )
                #expect((200...299).contains(uploaded.status), "\(String(decoding: uploaded.body, as: UTF8.self))")
                var shown = product
                #expect(
                    try await Local.eventually(60) {
                        let reply = try await Local.http("GET", api + "/products/\(product.productId)")
                        shown = try JSONDecoder().decode(Product.self, from: Data(reply.text.utf8))
                        return !shown.images.isEmpty
                    },
                    "the product shows thumbnails once image-processing ran"
                )
                let thumbnail = try #require(shown.images.values.sorted().first)
                #expect(thumbnail.hasPrefix(cdn + "/thumbnails/"))
                let fetched = try await Moto.transport.send(TransportRequest(method: "GET", url: thumbnail))
                #expect(
                    fetched.status == 200 && fetched.headers["content-type"] == "image/jpeg",
                    "\(thumbnail) → \(fetched.status) \(String(decoding: fetched.body, as: UTF8.self))"
                )
                #expect(fetched.body.starts(with: [0xFF, 0xD8]), "a JPEG")
                let original = try await Moto.transport.send(TransportRequest(method: "GET", url: cdn + "/" + form.key))
                #expect(original.status == 403, "originals are not served")

                // Cart and checkout: the same key twice is one order, and stock is taken once.
                let put = try await Local.http(
                    "PUT",
                    api + "/cart/items/\(product.productId)",
                    body: #"{"quantity":2}"#,
                    token: customer
                )
                #expect(put.status == 200, "\(put.text)")
                let key = [(name: "Idempotency-Key", value: "e2e-checkout-1")]
                let first = try await Local.http(
                    "POST",
                    api + "/orders",
                    body: #"{"fromCart":true}"#,
                    token: customer,
                    headers: key
                )
                let second = try await Local.http(
                    "POST",
                    api + "/orders",
                    body: #"{"fromCart":true}"#,
                    token: customer,
                    headers: key
                )
                #expect(first.status == 201 && second.status == 201, "\(first.text) \(second.text)")
                struct Placed: Decodable { var orderId: String }
                let orderId = try JSONDecoder().decode(Placed.self, from: Data(first.text.utf8)).orderId
                #expect(try JSONDecoder().decode(Placed.self, from: Data(second.text.utf8)).orderId == orderId)
                let after = try await Local.http("GET", api + "/products/\(product.productId)")
                #expect(try JSONDecoder().decode(Product.self, from: Data(after.text.utf8)).stock == 3)
                let vendorOrders = try await Local.http("GET", api + "/vendor/orders", token: vendor)
                #expect(vendorOrders.status == 200 && vendorOrders.text.contains(orderId))

                // The emails: a confirmation to the shopper and a new-order notice to the vendor, once each.
                #expect(
                    try await Local.eventually(60) {
                        let to = backend.mailbox.emails.map(\.To)
                        return to.contains("ada-shopper@gavel.example") && to.contains("kit-vendor@gavel.example")
                    },
                    "mailbox: \(backend.mailbox.emails.map { "\($0.To): \($0.Subject)" })"
                )
                #expect(backend.mailbox.emails.filter { $0.To == "ada-shopper@gavel.example" }.count == 1)
            }
        }
    }

    /// A live auction through `gavel-local dev`: two bidders, the outbid email, and the close at the end
    /// time (the local scheduler sends the close message into the auction's group) with one winner and one
    /// loser told.
    @Test(.timeLimit(.minutes(5)))
    func aLiveAuctionRunsToItsCloseWithTwoBidders() async throws {
        try await Local.withStack("live-auction") { local in
            try await Local.withBackend(local) { backend, urls in
                let api = urls.gateway
                let signIn = try LocalSignIn(
                    stack: local.stack,
                    confirm: LocalSignIn.console(url: urls.console, token: urls.consoleToken, transport: Moto.transport)
                )
                let seller = try await signIn.idToken(user: "lot-seller", groups: ["vendor"])
                let ada = try await signIn.idToken(user: "ada-bidder")
                let bob = try await signIn.idToken(user: "bob-bidder")
                let opened = try await Local.http(
                    "POST",
                    api + "/auctions",
                    body:
                        #"{"title":"Brass telescope","currency":"GBP","startingPrice":1000,"minIncrement":100,"durationSeconds":60}"#,
                    token: seller
                )
                #expect(opened.status == 201, "\(opened.text)")
                struct Opened: Decodable { var auctionId: String }
                let id = try JSONDecoder().decode(Opened.self, from: Data(opened.text.utf8)).auctionId
                let bid = { (token: String, amount: Int) in
                    try await Local.http(
                        "POST",
                        api + "/auctions/\(id)/bids",
                        body: #"{"amount":\#(amount),"currency":"GBP"}"#,
                        token: token
                    )
                }
                #expect(try await bid(ada, 10_00).status == 201)
                #expect(try await bid(seller, 20_00).status == 403)
                #expect(try await bid(bob, 10_50).status == 409)
                #expect(try await bid(bob, 11_00).status == 201)

                let to = { (user: String, prefix: String) in
                    backend.mailbox.emails.contains { $0.To == "\(user)@gavel.example" && $0.Subject.hasPrefix(prefix) }
                }
                #expect(try await Local.eventually(30) { to("ada-bidder", "Outbid live") }, "the outbid email")
                #expect(
                    try await Local.eventually(120) {
                        to("bob-bidder", "You won") && to("ada-bidder", "Auction ended")
                    },
                    "close emails: \(backend.mailbox.emails.map { "\($0.To): \($0.Subject)" })"
                )
                let closed = try await Local.http("GET", api + "/auctions/\(id)")
                #expect(closed.text.contains(#""status":"CLOSED""#), "\(closed.text)")
                let bids = try await Local.http("GET", api + "/auctions/\(id)/bids")
                #expect(
                    bids.text.components(separatedBy: #""bidId""#).count == 3,
                    "both bids in bids_history: \(bids.text)"
                )
                // One of each: the outbid email, the win and the loss.
                let subjects = backend.mailbox.emails.map(\.Subject)
                for prefix in ["Outbid live", "You won", "Auction ended"] {
                    #expect(subjects.filter { $0.hasPrefix(prefix) }.count == 1, "\(prefix): \(subjects)")
                }
            }
        }
    }
}
