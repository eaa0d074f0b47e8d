import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Storefront
import Testing

/// order-validation in-process against moto: what the caller gets back, what the tables hold afterwards.
@Suite struct OrderValidationTests {
    /// What the function answers, either shape.
    struct Answer: Decodable {
        struct Line: Decodable, Equatable {
            var productId: String
            var name: String
            var unitPrice: Int64
            var quantity: Int64
            var lineTotal: Int64
        }
        struct Problem: Decodable, Equatable {
            var productId: String?
            var code: String
            var message: String
        }
        var orderId: String?
        var status: String?
        var lines: [Line]?
        var subtotal: Int64?
        var total: Int64?
        var currency: String?
        var errors: [Problem]?

        var codes: [String] { (self.errors ?? []).map(\.code) }
    }

    struct Run {
        let fixture: StorefrontFixture
        let handler: OrderValidationHandler

        func order(_ json: String) async throws -> Answer {
            let data = try await self.handler.serve(
                Array(json.utf8),
                context: TestContext.make(function: "order-validation")
            )
            return try JSONDecoder().decode(Answer.self, from: Data(data))
        }
    }

    static let camera = Product(
        productId: "p-camera",
        vendorId: "v-lens",
        name: "Camera",
        category: "photo",
        price: 499_00,
        currency: "GBP",
        stock: 5
    )
    static let strap = Product(
        productId: "p-strap",
        vendorId: "v-leather",
        name: "Strap",
        price: 25_50,
        currency: "GBP",
        stock: 100
    )
    static let dollar = Product(
        productId: "p-dollar",
        vendorId: "v-lens",
        name: "Lens cap",
        price: 9_99,
        currency: "USD",
        stock: 10
    )
    static let retired = Product(
        productId: "p-retired",
        vendorId: "v-lens",
        name: "Old",
        price: 1_00,
        currency: "GBP",
        stock: 10,
        status: "INACTIVE"
    )

    static func with(_ body: (Run) async throws -> Void) async throws {
        let fixture = try await StorefrontFixture.make()
        try await fixture.put([camera, strap, dollar, retired])
        let handler = try OrderValidationHandler(
            environment: fixture.environment,
            aws: AWSClients(environment: fixture.environment, transport: Moto.transport),
            metrics: MetricLines().metrics(function: "order-validation")
        )
        try await body(Run(fixture: fixture, handler: handler))
    }

    @Test func anOrderIsPricedFromProductsReservedWrittenAndAnnounced() async throws {
        try await Self.with { run in
            let answer = try await run.order(
                #"{"userId":"u-ada","items":[{"productId":"p-camera","quantity":2},{"productId":"p-strap","quantity":1},{"productId":"p-camera","quantity":1}]}"#
            )
            #expect(answer.errors == nil)
            #expect(answer.status == "PENDING")
            #expect(answer.currency == "GBP")
            #expect(
                answer.lines == [
                    .init(productId: "p-camera", name: "Camera", unitPrice: 499_00, quantity: 3, lineTotal: 1497_00),
                    .init(productId: "p-strap", name: "Strap", unitPrice: 25_50, quantity: 1, lineTotal: 25_50),
                ]
            )
            #expect(answer.subtotal == 1522_50 && answer.total == 1522_50)
            #expect(try await run.fixture.product("p-camera")?.stock == 2)
            #expect(try await run.fixture.product("p-strap")?.stock == 99)
            let orders = try await run.fixture.orders()
            #expect(orders.map(\.orderId) == [answer.orderId])
            #expect(orders.first?.userId == "u-ada" && orders.first?.status == "PENDING")

            let messages = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 3)
            let notifications = try Emails.decoded(messages.map(\.body)).sorted {
                $0.notificationId < $1.notificationId
            }
            let orderId = try #require(answer.orderId)
            #expect(notifications.map(\.kind) == [.orderConfirmation, .vendorNewOrder, .vendorNewOrder])
            #expect(notifications[0].userId == "u-ada" && notifications[0].data["total"] == "1522.50 GBP")
            #expect(notifications[0].data["link"] == "https://shop.example/orders/\(orderId)")
            #expect(Set(notifications.dropFirst().map(\.userId)) == ["v-lens", "v-leather"])
            #expect(notifications.first { $0.userId == "v-leather" }?.data["total"] == "25.50 GBP")
        }
    }

    @Test(arguments: [
        ("not json", "invalid_request"),
        (#"{"items":[{"productId":"p-camera","quantity":1}]}"#, "invalid_request"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":1}],"coupon":"X"}"#, "invalid_request"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":1,"price":1}]}"#, "invalid_request"),
        (#"{"userId":"u","items":[{"productId":"p-camera"}]}"#, "invalid_request"),
        (#"{"userId":"u","items":[]}"#, "invalid_request"),
        (#"{"userId":"u"}"#, "invalid_request"),
        (#"{"userId":"u","fromCart":false}"#, "invalid_request"),
        (#"{"userId":"u","fromCart":true,"items":[{"productId":"p-camera","quantity":1}]}"#, "invalid_request"),
        (#"{"userId":"","items":[{"productId":"p-camera","quantity":1}]}"#, "invalid_request"),
        (#"{"userId":"u","idempotencyKey":"","items":[{"productId":"p-camera","quantity":1}]}"#, "invalid_request"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":0}]}"#, "invalid_quantity"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":100}]}"#, "invalid_quantity"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":1.5}]}"#, "invalid_quantity"),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":"2"}]}"#, "invalid_quantity"),
        (
            #"{"userId":"u","items":[{"productId":"p-camera","quantity":60},{"productId":"p-camera","quantity":60}]}"#,
            "invalid_quantity"
        ),
        (#"{"userId":"u","items":[{"productId":"p-nothing","quantity":1}]}"#, "not_found"),
        (#"{"userId":"u","items":[{"productId":"p-retired","quantity":1}]}"#, "inactive"),
        (
            #"{"userId":"u","items":[{"productId":"p-camera","quantity":1},{"productId":"p-dollar","quantity":1}]}"#,
            "currency_mismatch"
        ),
        (#"{"userId":"u","items":[{"productId":"p-camera","quantity":6}]}"#, "insufficient_stock"),
        (#"{"userId":"u","fromCart":true}"#, "cart_empty"),
    ])
    func everyRefusalNamesItsCodeAndReservesNothing(request: String, code: String) async throws {
        try await Self.with { run in
            let answer = try await run.order(request)
            #expect(answer.codes == [code], "\(request)")
            #expect(answer.orderId == nil)
            if let problem = answer.errors?.first, !["invalid_request", "cart_empty"].contains(code) {
                #expect(problem.productId != nil && !problem.message.isEmpty)
            }
            #expect(try await run.fixture.product("p-camera")?.stock == 5)
            #expect(try await run.fixture.orders().isEmpty)
        }
    }

    /// The order's transaction applied and its reply lost: the client's retry finds the order taken, and
    /// that order, being this request's own, is the answer: placed once, stock taken once.
    @Test func anOrderWhoseTransactionReplyWasLostIsPlacedOnce() async throws {
        let fixture = try await StorefrontFixture.make()
        try await fixture.put([Self.camera])
        let proxy = FaultProxy(
            upstream: fixture.moto.endpoint,
            operation: "TransactWriteItems",
            count: 1,
            fault: .lostReply
        )
        try await proxy.with { endpoint in
            var environment = fixture.environment
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
            let run = Run(
                fixture: fixture,
                handler: try OrderValidationHandler(
                    environment: environment,
                    aws: AWSClients(environment: environment, transport: Moto.transport),
                    metrics: MetricLines().metrics(function: "order-validation")
                )
            )
            let answer = try await run.order(
                #"{"userId":"u-ada","idempotencyKey":"k-lost","items":[{"productId":"p-camera","quantity":2}]}"#
            )
            #expect(answer.status == "PENDING" && answer.errors == nil, "\(answer)")
            #expect(proxy.attempts == 2)  // the lost one, and the client's retry
        }
        #expect(try await fixture.product("p-camera")?.stock == 3)
        #expect(try await fixture.orders().count == 1)
    }

    @Test func aRefusalListsEveryLineAtFault() async throws {
        try await Self.with { run in
            let answer = try await run.order(
                #"{"userId":"u","items":[{"productId":"p-nothing","quantity":1},{"productId":"p-camera","quantity":9},{"productId":"p-strap","quantity":1}]}"#
            )
            #expect(answer.errors?.map(\.productId) == ["p-nothing", "p-camera"])
            #expect(answer.codes == ["not_found", "insufficient_stock"])
            #expect(answer.errors?.last?.message == "only 5 left in stock")
        }
    }

    @Test func tooManyLinesIsRefusedBeforeAnyRead() async throws {
        try await Self.with { run in
            let lines = (0..<50).map { #"{"productId":"p-\#($0)","quantity":1}"# }.joined(separator: ",")
            let answer = try await run.order(#"{"userId":"u","items":[\#(lines)]}"#)
            #expect(answer.codes == ["too_many_lines"])
        }
    }
}
