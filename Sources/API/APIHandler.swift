package import APIGatewayEvents
package import AWS
package import Catalog
package import GavelCore
package import LambdaRuntime
package import LiveAuction
import Logging
package import Sniper
package import Storefront

/// The marketplace's HTTP API behind API Gateway (payload 2.0) and its Cognito JWT authorizer: the sniper's
/// routes, the storefront's (products, cart, orders) and the vendors'.
///
/// The caller is the `sub` claim; every read and write is keyed by it, so one user can never reach another's
/// rows (another user's bid or order is a 404, exactly like one that does not exist). Vendor routes need the
/// `vendor` group in `cognito:groups`. Errors have one shape, `{"error": {"code", "message", "field"}}`; a
/// 5xx means our fault and carries only the request id.
package struct APIHandler: FunctionHandler {
    package typealias Event = APIGatewayRequest
    package typealias Output = APIGatewayResponse

    package let bids: BidStore
    package let users: UserStore
    package let vault: RefreshTokenVault
    package let sqs: SQS
    package let schedules: BidSchedules
    package let ebay: Ebay
    package let configuration: SniperConfiguration
    package let metrics: Metrics
    /// order-validation's own code, run in this function for `POST /orders` (docs/storefront.md says why);
    /// its stores serve the other storefront routes.
    package let checkout: OrderValidationHandler
    package let marketplace: MarketplaceConfiguration
    package let s3: S3
    package let live: LiveAuctionStores?
    /// Per-user limits (`RATE_LIMITS_TABLE`); without the table they are not enforced.
    package let limits: RateLimits?
    package let itemCache = ItemCache<EbayItem>()
    package var products: ProductStore { self.checkout.products }
    package var cart: CartStore { self.checkout.cart }
    package var orders: OrderStore { self.checkout.orders }

    /// Bodies above this are refused with 413 before they are parsed.
    static let maxBodyBytes = 64 * 1024

    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "api"),
        orderMetrics: Metrics = Metrics(function: "order-validation")
    ) throws {
        let configuration = try SniperConfiguration(environment: environment)
        let scheduling = try SchedulingConfiguration(environment: environment)
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        self.bids = BidStore(dynamo: dynamo, configuration: configuration)
        self.users = UserStore(dynamo: dynamo, table: configuration.usersTable)
        self.vault = RefreshTokenVault(kms: KMS(client: aws.client(.kms)), keyId: scheduling.kmsKeyId)
        self.sqs = SQS(client: aws.client(.sqs))
        self.schedules = BidSchedules(scheduler: Scheduler(client: aws.client(.scheduler)), configuration: scheduling)
        self.ebay = Ebay(configuration: configuration.ebay, aws: aws)
        self.configuration = configuration
        self.metrics = metrics
        // Orders are counted as order-validation's however they arrive, so one metric says how checkout goes.
        self.checkout = try OrderValidationHandler(environment: environment, aws: aws, metrics: orderMetrics)
        self.marketplace = try MarketplaceConfiguration(environment: environment)
        self.s3 = S3(client: aws.client(.s3))
        self.limits = environment["RATE_LIMITS_TABLE"].flatMap {
            $0.isEmpty ? nil : RateLimits(dynamo: dynamo, table: $0)
        }
        self.live = self.marketplace.liveAuction.map { settings in
            LiveAuctionStores(
                auctions: AuctionStore(dynamo: dynamo, table: settings.auctionsTable),
                bids: LiveBidStore(
                    dynamo: dynamo,
                    table: settings.bidsHistoryTable,
                    retentionDays: settings.retentionDays
                ),
                scheduler: Scheduler(client: aws.client(.scheduler)),
                settings: settings
            )
        }
    }

    /// One request: route, authorise, run, and turn every failure into the error shape.
    package func serve(_ request: APIGatewayRequest, context: LambdaContext) async -> APIGatewayResponse {
        var logger = context.logger
        logger[metadataKey: "method"] = "\(request.requestContext.http.method)"
        logger[metadataKey: "path"] = "\(request.rawPath)"
        let response: APIGatewayResponse
        do throws(APIError) {
            response = try await self.route(request, context: context, logger: logger)
        } catch {
            response = error.response
        }
        if response.statusCode >= 500 {
            self.metrics.count(["ServerErrors": 1])
        }
        return response
    }

    private func route(
        _ request: APIGatewayRequest,
        context: LambdaContext,
        logger: Logger
    ) async throws(APIError) -> APIGatewayResponse {
        let match = try APIRoute.match(method: request.requestContext.http.method, path: request.rawPath)
        // The route table says which routes need a caller, and which a vendor.
        let userId = request.claims?["sub"] ?? ""
        if match.access != .everyone, userId.isEmpty {
            throw APIError(401, "unauthorized", "sign in: the request carries no user")
        }
        let groups = Self.groups(request.claims?["cognito:groups"])
        if match.access == .vendor, !groups.contains("vendor") {
            throw APIError(403, "forbidden", "this route is for vendors (the vendor group)")
        }
        let body = request.bodyBytes
        if let bytes = body, bytes.count > Self.maxBodyBytes {
            throw APIError(413, "payload_too_large", "the body is over 64 KB")
        }
        let call = Call(
            userId: userId,
            groups: groups,
            claims: request.claims ?? [:],
            headers: request.headers ?? [:],
            parameters: match.parameters,
            query: request.queryStringParameters ?? [:],
            body: body.map { String(decoding: $0, as: UTF8.self) },
            logger: logger
        )
        do {
            switch match.route {
            case .health: return .json(200, ["status": "ok"])
            case .getProfile: return try await self.getProfile(call)
            case .putProfile: return try await self.putProfile(call)
            case .linkEbay: return try await self.linkEbay(call)
            case .unlinkEbay: return try await self.unlinkEbay(call)
            case .createBid: return try await self.createBid(call)
            case .listBids: return try await self.listBids(call)
            case .getBid: return .json(200, try await self.loadBid(call).publicView)
            case .changeBid: return try await self.changeBid(call)
            case .cancelBid: return try await self.cancelBid(call)
            case .history: return try await self.history(call)
            case .listProducts: return try await self.listProducts(call)
            case .getProduct: return try await self.getProduct(call)
            case .createProduct: return try await self.createProduct(call)
            case .changeProduct: return try await self.changeProduct(call)
            case .vendorProducts: return try await self.vendorProducts(call)
            case .createImageUpload: return try await self.createImageUpload(call)
            case .getCart: return try await self.getCart(call)
            case .putCartItem: return try await self.putCartItem(call)
            case .deleteCartItem: return try await self.deleteCartItem(call)
            case .createOrder: return try await self.createOrder(call)
            case .listOrders: return try await self.listOrders(call)
            case .getOrder: return try await self.getOrder(call)
            case .vendorOrders: return try await self.vendorOrders(call)
            case .createAuction: return try await self.createAuction(call)
            case .listAuctions: return try await self.listAuctions(call)
            case .getAuction: return try await self.getAuction(call)
            case .placeLiveBid: return try await self.placeLiveBid(call)
            case .auctionBids: return try await self.auctionBids(call)
            case .myLiveBids: return try await self.myLiveBids(call)
            }
        } catch let error as APIError {
            throw error
        } catch let error as AWSError {
            throw self.fault(error, context: context, logger: logger)
        } catch let error as EbayError {
            throw self.ebayFault(error, context: context, logger: logger)
        } catch {
            throw self.fault(error, context: context, logger: logger)
        }
    }

    /// What a route needs from the request.
    struct Call {
        var userId: String
        /// The caller's Cognito groups (`customer`, `vendor`, `admin`).
        var groups: Set<String>
        var claims: [String: String]
        /// Lower-cased names, as API Gateway passes them.
        var headers: [String: String]
        var parameters: [String: String]
        var query: [String: String]
        var body: String?
        var logger: Logger

        /// The token's address when Cognito verified it (`email_verified`); an unverified one is never stored
        /// or shown (the pool also keeps the old address until a change is confirmed).
        var verifiedEmail: String? {
            self.claims["email_verified"] == "true" ? self.claims["email"] : nil
        }

        /// The body decoded as `T`, which knows `fields`.
        func decode<T: Decodable>(_ type: T.Type, fields: Set<String>) throws(APIError) -> T {
            guard let body = self.body, !body.isEmpty else { throw .invalid(nil, "a JSON body is required") }
            do throws(ValidationError) {
                return try StrictJSON.decode(type, from: body, allowed: fields)
            } catch {
                throw .invalid(error)
            }
        }
    }

    /// Counts a hit of `rule`; 429 with `Retry-After` (the seconds left in the window) when the user is over it.
    func limit(_ rule: RateLimits.Rule, userId: String, nowMs: Int64) async throws {
        guard let limits = self.limits, !(try await limits.allow(rule, userId: userId, nowMs: nowMs)) else { return }
        let retryAfter = rule.windowSeconds - (nowMs / 1000) % rule.windowSeconds
        var error = APIError(
            429,
            "rate_limited",
            "at most \(rule.limit) \(rule.noun) a minute; try again in \(retryAfter) s"
        )
        error.headers["retry-after"] = String(retryAfter)
        throw error
    }

    /// The groups of a `cognito:groups` claim: API Gateway passes the list as `[admin vendor]`; a single
    /// group may arrive bare.
    static func groups(_ claim: String?) -> Set<String> {
        guard let claim else { return [] }
        let list = claim.hasPrefix("[") && claim.hasSuffix("]") ? claim.dropFirst().dropLast() : Substring(claim)
        return Set(list.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
    }

    /// A 500 or 503 that names the request id and nothing of our internals; the cause goes to the log.
    private func fault(_ error: any Error, context: LambdaContext, logger: Logger) -> APIError {
        let throttled = (error as? AWSError)?.retryClass == .throttling
        logger.error("request failed", metadata: ["error": "\(error)"])
        if throttled {
            return APIError(503, "service_unavailable", "busy; try again shortly (request id \(context.requestId))")
        }
        return APIError(500, "internal_error", "something went wrong on our side (request id \(context.requestId))")
    }

    private func ebayFault(_ error: EbayError, context: LambdaContext, logger: Logger) -> APIError {
        switch error {
        case .itemNotFound: return APIError(400, "item_not_found", "eBay has no such item", field: "itemId")
        case .invalidGrant:
            return APIError(409, "ebay_not_linked", "eBay refused the authorization; link your eBay account again")
        case .unavailable, .uncertain, .refused, .invalidResponse:
            logger.warning("eBay call failed", metadata: ["error": "\(error)"])
            return APIError(
                502,
                "ebay_unavailable",
                "eBay did not answer as expected; try again (request id \(context.requestId))"
            )
        case .configuration:
            return self.fault(error, context: context, logger: logger)
        }
    }
}
