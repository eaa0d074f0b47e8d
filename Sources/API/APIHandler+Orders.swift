import APIGatewayEvents
import AWS
import GavelCore
import JSON
import LambdaRuntime
import Storefront

/// `POST /orders`, `GET /orders`, `GET /orders/{orderId}`, and the vendor's `GET /vendor/orders`.
///
/// Checkout runs order-validation's code in this function (`OrderValidationHandler.submit`) with the caller
/// from the token and the key from the `Idempotency-Key` header: one invocation per checkout, warm with the
/// api's provisioned concurrency, where calling the order-validation function would bill and cold-start a
/// second one. A retry with the same key returns the same order; the same key with other lines is a 409.
extension APIHandler {
    struct OrderView: Encodable {
        struct Line: Encodable {
            var productId: String
            var name: String
            var unitPrice: Int64
            var quantity: Int64
            var lineTotal: Int64
        }
        var orderId: String
        var status: String
        var lines: [Line]
        var subtotal: Int64
        var total: Int64
        var currency: String
        var createdAt: String
    }

    static func view(_ order: Order) -> OrderView {
        OrderView(
            orderId: order.orderId,
            status: order.status,
            lines: order.lines.map {
                .init(
                    productId: $0.productId,
                    name: $0.name,
                    unitPrice: $0.unitPrice,
                    quantity: $0.quantity,
                    lineTotal: $0.lineTotal
                )
            },
            subtotal: order.subtotal,
            total: order.total,
            currency: order.currency,
            createdAt: ISO8601.string(ms: order.createdAt)
        )
    }

    func createOrder(_ call: Call) async throws -> APIGatewayResponse {
        let key = try APIRequests.idempotencyKey(call.headers, required: true) ?? ""
        guard let body = call.body, !body.isEmpty else { throw APIError.invalid(nil, "a JSON body is required") }
        let request: OrderRequest
        do throws(ValidationError) {
            request = try OrderRequest.parse(checkout: body, userId: call.userId, idempotencyKey: key)
        } catch {
            throw APIError.invalid(error)
        }
        switch try await self.checkout.submit(request, logger: call.logger) {
        case .order(let order):
            return .json(201, Self.view(order), headers: ["location": "/orders/\(order.orderId)"])
        case .refused(let problems):
            throw Self.refusal(problems)
        }
    }

    /// A refused order as one error: the first reason in `error`, every line's in `error.lines`.
    static func refusal(_ problems: [OrderProblem]) -> APIError {
        guard let first = problems.first else {
            return APIError(409, "conflict", "the order could not be placed; try again")
        }
        let status =
            switch first.code {
            // A quantity is checked after a product's lines are added up, so a request whose every line is
            // well formed can still exceed 99 of one product: that is a refusal of the order (409), not a
            // malformed request.
            case .invalidRequest, .tooManyLines: 400
            default: 409
            }
        var error = APIError(status, first.code.rawValue, first.message, field: first.productId.map { _ in "items" })
        if problems.count > 1 || first.productId != nil {
            error.lines = problems.map { .init(productId: $0.productId, code: $0.code.rawValue, message: $0.message) }
        }
        return error
    }

    func listOrders(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        let cursor = call.query["cursor"]
        if let cursor, !Self.isOrderCursor(cursor) {
            throw APIError.invalid("cursor", "is not a cursor this API returned")
        }
        let page = try await self.orders.orders(of: call.userId, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map(Self.view), nextCursor: page.nextCursor))
    }

    /// `<created_at>.<order_id>`, as `OrderStore` makes it.
    private static func isOrderCursor(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1)
        return parts.count == 2 && parts[0].count <= 16 && parts[0].allSatisfy(\.isWholeNumber)
            && Self.isOrderId(String(parts[1]))
    }

    /// `ord_` and 24 to 32 lower-case hex digits (`Order.newId`).
    static func isOrderId(_ text: String) -> Bool {
        text.hasPrefix("ord_") && (24...32).contains(text.utf8.count - 4)
            && text.utf8.dropFirst(4).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The caller's order; another user's is a 404, as one that does not exist.
    func getOrder(_ call: Call) async throws -> APIGatewayResponse {
        let orderId = call.parameters["orderId"] ?? ""
        guard Self.isOrderId(orderId), let order = try await self.orders.order(orderId), order.userId == call.userId
        else {
            throw APIError(404, "not_found", "no such order")
        }
        return .json(200, Self.view(order))
    }

    struct VendorOrderView: Encodable {
        var orderId: String
        var status: String
        var lines: [OrderView.Line]
        var total: Int64
        var currency: String
        var createdAt: String
    }

    /// The vendor's share of each order with their products: their lines and their total, newest first.
    func vendorOrders(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        let cursor = call.query["cursor"]
        if let cursor, !VendorOrder.isOrderKey(cursor) {
            throw APIError.invalid("cursor", "is not a cursor this API returned")
        }
        let page = try await self.orders.vendorOrders(of: call.userId, after: cursor, limit: limit)
        let items = page.items.map { share in
            VendorOrderView(
                orderId: share.orderId,
                status: share.status,
                lines: share.lines.map {
                    .init(
                        productId: $0.productId,
                        name: $0.name,
                        unitPrice: $0.unitPrice,
                        quantity: $0.quantity,
                        lineTotal: $0.lineTotal
                    )
                },
                total: share.total,
                currency: share.currency,
                createdAt: ISO8601.string(ms: share.createdAt)
            )
        }
        return .json(200, Listing(items: items, nextCursor: page.nextCursor))
    }
}
