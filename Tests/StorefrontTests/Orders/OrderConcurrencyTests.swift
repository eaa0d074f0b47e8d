import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import Storefront
import Testing

/// Orders racing for stock, retried with an idempotency key, placed from the cart, and changed under us.
@Suite struct OrderConcurrencyTests {
    typealias Run = OrderValidationTests.Run

    @Test func fiftyConcurrentOrdersForTenInStockLeaveExactlyTenOrdersAndNoStock() async throws {
        try await OrderValidationTests.with { run in
            try await run.fixture.put([
                Product(
                    productId: "p-scarce",
                    vendorId: "v-1",
                    name: "Scarce",
                    price: 10_00,
                    currency: "EUR",
                    stock: 10
                )
            ])
            let answers = try await withThrowingTaskGroup(of: OrderValidationTests.Answer.self) { group in
                for shopper in 0..<50 {
                    group.addTask {
                        try await run.order(
                            #"{"userId":"u-\#(shopper)","items":[{"productId":"p-scarce","quantity":1}]}"#
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let placed = answers.filter { $0.orderId != nil }
            #expect(placed.count == 10)
            // The others were told why, naming the product: out of stock, or (under DynamoDB's own
            // transaction conflicts) to try again.
            let refusals = answers.compactMap(\.errors).flatMap { $0 }
            #expect(refusals.count == 40)
            #expect(
                refusals.allSatisfy {
                    $0.productId == "p-scarce" && ["insufficient_stock", "conflict"].contains($0.code)
                }
            )
            #expect(try await run.fixture.product("p-scarce")?.stock == 0)
            let orders = try await run.fixture.orders()
            #expect(orders.count == 10)
            #expect(Set(orders.map(\.orderId)) == Set(placed.compactMap(\.orderId)))
        }
    }

    @Test func aRetryWithTheSameIdempotencyKeyReturnsTheSameOrderAndReservesOnce() async throws {
        try await OrderValidationTests.with { run in
            let request =
                #"{"userId":"u-ada","idempotencyKey":"checkout-7","items":[{"productId":"p-camera","quantity":2}]}"#
            let first = try await run.order(request)
            let second = try await run.order(request)
            #expect(first.orderId != nil)
            #expect(second.orderId == first.orderId)
            #expect(second.lines == first.lines && second.total == first.total)
            #expect(try await run.fixture.product("p-camera")?.stock == 3)
            #expect(try await run.fixture.orders().count == 1)
            // Queued twice with the same deduplication ids: the FIFO queue keeps one of each.
            let messages = try await run.fixture.moto.drain(run.fixture.queueURL, expecting: 3)
            #expect(messages.count == 2)

            // The same key for other lines is refused, and changes nothing.
            let other = try await run.order(
                #"{"userId":"u-ada","idempotencyKey":"checkout-7","items":[{"productId":"p-camera","quantity":1}]}"#
            )
            #expect(other.codes == ["idempotency_key_reused"])
            // Another user's identical key is another order.
            let grace = try await run.order(
                #"{"userId":"u-grace","idempotencyKey":"checkout-7","items":[{"productId":"p-camera","quantity":2}]}"#
            )
            #expect(grace.orderId != nil && grace.orderId != first.orderId)
            #expect(try await run.fixture.product("p-camera")?.stock == 1)
        }
    }

    @Test func anOrderFromTheCartTakesItsLinesAndEmptiesIt() async throws {
        try await OrderValidationTests.with { run in
            try await run.fixture.addToCart(userId: "u-ada", productId: "p-strap", quantity: 3)
            try await run.fixture.addToCart(userId: "u-ada", productId: "p-camera", quantity: 1)
            try await run.fixture.addToCart(userId: "u-grace", productId: "p-strap", quantity: 7)
            let answer = try await run.order(#"{"userId":"u-ada","fromCart":true}"#)
            #expect(answer.lines?.map(\.productId).sorted() == ["p-camera", "p-strap"])
            #expect(answer.total == Int64(3 * 25_50 + 499_00))
            #expect(try await run.fixture.product("p-strap")?.stock == 97)
            let cart = try await run.fixture.dynamo().all(
                DynamoDB.Read(table: run.fixture.cartTable, consistentRead: true)
            )
            #expect(cart.map { $0["userId"] } == [.s("u-grace")])
            #expect(try await run.order(#"{"userId":"u-ada","fromCart":true}"#).codes == ["cart_empty"])
        }
    }

    @Test func aProductChangedBetweenReadAndWriteIsNamedAndNothingIsReserved() async throws {
        try await OrderValidationTests.with { run in
            let line = { (price: Int64, quantity: Int64) in
                Order.Line(
                    productId: "p-camera",
                    vendorId: "v-lens",
                    name: "Camera",
                    unitPrice: price,
                    quantity: quantity,
                    lineTotal: price * quantity
                )
            }
            let strapLine = Order.Line(
                productId: "p-strap",
                vendorId: "v-leather",
                name: "Strap",
                unitPrice: 25_50,
                quantity: 1,
                lineTotal: 25_50
            )
            func order(_ lines: [Order.Line]) -> Order {
                Order(
                    orderId: "ord_\(UInt32.random(in: 0...UInt32.max))",
                    userId: "u",
                    status: Order.pending,
                    lines: lines,
                    currency: "GBP",
                    createdAt: 0,
                    idempotencyKey: nil,
                    requestFingerprint: "x"
                )
            }
            // Read at 450.00, now 499.00: price_changed; the strap line that was fine is not reserved either.
            guard
                case .refused(let changed) = try await run.handler.reserve(
                    order([line(450_00, 1), strapLine]),
                    clearingCart: false
                )
            else {
                Issue.record("a changed price went through")
                return
            }
            #expect(changed.map(\.code) == [.priceChanged] && changed.first?.productId == "p-camera")
            // Stock sold meanwhile: insufficient_stock.
            guard case .refused(let sold) = try await run.handler.reserve(order([line(499_00, 6)]), clearingCart: false)
            else {
                Issue.record("an oversell went through")
                return
            }
            #expect(sold.map(\.code) == [.insufficientStock])
            #expect(try await run.fixture.product("p-strap")?.stock == 100)
            #expect(try await run.fixture.product("p-camera")?.stock == 5)
            #expect(try await run.fixture.orders().isEmpty)
        }
    }
}
