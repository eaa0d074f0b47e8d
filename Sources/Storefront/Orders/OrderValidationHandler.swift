package import AWS
package import Catalog
package import GavelCore
import JSON
package import LambdaRuntime
package import Logging

/// Validates an order, reserves its stock and writes it, all or nothing (synchronous invoke).
///
/// Prices come from Products, never from the caller. Stock is reserved and the order written in one
/// TransactWriteItems, each product's update conditioned on `stock >= quantity` (and on the price and status
/// read), so concurrent orders can never oversell. A refusal is returned as `{"errors": [...]}`; a fault of
/// AWS (after the client's retries) is thrown, and a retry with the same `idempotencyKey` is always safe.
package struct OrderValidationHandler: FunctionByteHandler {
    package let products: ProductStore
    package let orders: OrderStore
    package let cart: CartStore
    package let sqs: SQS
    package let configuration: OrderValidationConfiguration
    package let metrics: Metrics

    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "order-validation")
    ) throws {
        self.configuration = try OrderValidationConfiguration(environment: environment)
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        self.products = ProductStore(dynamo: dynamo, table: self.configuration.productsTable)
        self.cart = CartStore(dynamo: dynamo, table: self.configuration.cartTable)
        self.orders = OrderStore(
            dynamo: dynamo,
            table: self.configuration.ordersTable,
            vendorTable: self.configuration.vendorOrdersTable,
            products: self.products,
            cart: self.cart
        )
        self.sqs = SQS(client: aws.client(.sqs))
        self.metrics = metrics
    }

    /// The function's answer: an order, or why not.
    package enum Outcome: Sendable, Equatable {
        case order(Order)
        case refused([OrderProblem])
    }

    package func serve(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let outcome = try await self.validate(event, logger: context.logger)
        switch outcome {
        case .order(let order):
            return try JSONCoder.encode(order.response)
        case .refused(let problems):
            context.logger.info(
                "order refused",
                metadata: ["codes": "\(problems.map(\.code.rawValue).joined(separator: ","))"]
            )
            return try JSONCoder.encode(["errors": problems])
        }
    }

    /// Runs one request to its outcome.
    /// - Throws: `AWSError` when AWS fails after retries; the caller retries (safely, with an idempotency key).
    package func validate(_ event: [UInt8], logger: Logger) async throws -> Outcome {
        let request: OrderRequest
        do {
            request = try OrderRequest.parse(event)
        } catch {
            self.metrics.count(["OrdersRefused": 1])
            return .refused([error])
        }
        return try await self.submit(request, logger: logger)
    }

    /// Places a parsed request (the api's `POST /orders` comes in here, with the caller's id from its token).
    package func submit(_ request: OrderRequest, logger: Logger) async throws -> Outcome {
        let outcome = try await self.place(request, logger: logger)
        switch outcome {
        case .order: self.metrics.count(["OrdersPlaced": 1])
        case .refused: self.metrics.count(["OrdersRefused": 1])
        }
        return outcome
    }

    private func place(_ request: OrderRequest, logger: Logger) async throws -> Outcome {
        let nowMs = WallClock.nowMs()
        let orderId = Order.newId(userId: request.userId, idempotencyKey: request.idempotencyKey, nowMs: nowMs)
        // A cart order is fingerprinted as "from the cart", not by its lines: the order it placed emptied the
        // cart, so its retry must be recognised before the cart is read.
        let fingerprint: String
        switch request.source {
        case .items(let items): fingerprint = Self.fingerprint(Self.merged(items))
        case .cart: fingerprint = Self.cartFingerprint
        }
        if request.idempotencyKey != nil, let existing = try await self.orders.order(orderId) {
            return try await self.replay(existing, fingerprint: fingerprint, request: request, logger: logger)
        }
        let lines = try await self.requestedLines(request)
        if let refusal = Self.checkLines(lines) { return .refused(refusal) }
        let products = try await self.products.products(lines.map(\.productId))
        let priced = Self.price(lines, products: products)
        guard priced.problems.isEmpty else { return .refused(priced.problems) }
        let order = Order(
            orderId: orderId,
            userId: request.userId,
            status: Order.pending,
            lines: priced.lines,
            currency: priced.currency,
            createdAt: nowMs,
            idempotencyKey: request.idempotencyKey,
            requestFingerprint: fingerprint
        )
        switch try await self.reserve(order, clearingCart: request.source == .cart) {
        case .reserved:
            logger.info("order placed", metadata: ["orderId": "\(order.orderId)", "lines": "\(order.lines.count)"])
            try await self.notify(order, retryable: request.idempotencyKey != nil, logger: logger)
            return .order(order)
        case .orderExists:
            // The same idempotency key raced us; the winner's order is the answer.
            guard let existing = try await self.orders.order(orderId) else { return .refused([]) }
            return try await self.replay(existing, fingerprint: fingerprint, request: request, logger: logger)
        case .refused(let problems):
            return .refused(problems)
        }
    }

    /// An order already written under this idempotency key: the same answer again, and its notifications
    /// queued again (the queue and the consumer deduplicate them by id), in case the first try lost them.
    private func replay(
        _ order: Order,
        fingerprint: String,
        request: OrderRequest,
        logger: Logger
    ) async throws -> Outcome {
        guard order.requestFingerprint == fingerprint else {
            return .refused([
                OrderProblem(.idempotencyKeyReused, "this idempotencyKey was used for an order with other lines")
            ])
        }
        self.metrics.count(["OrdersReplayed": 1])
        logger.info("order replayed", metadata: ["orderId": "\(order.orderId)"])
        try await self.notify(order, retryable: true, logger: logger)
        return .order(order)
    }
}
