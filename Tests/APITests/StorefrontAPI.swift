import API
import APIGatewayEvents
import AWS
import Catalog
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime

/// The api handler's storefront routes in-process against moto (the storefront fixture's tables), called as
/// API Gateway would after its JWT authorizer: claims carry `sub`, `email` and `cognito:groups`.
struct StorefrontAPI {
    let handler: APIHandler
    let fixture: StorefrontFixture

    /// The sniper settings the handler needs to start; no storefront route reaches them.
    static let sniperNames = [
        "BIDS_TABLE": "Bids", "BID_HISTORY_TABLE": "BidHistory", "SCHEDULE_GROUP": "g",
        "BID_EXECUTOR_ARN": "arn:aws:lambda:us-east-1:123456789012:function:bid-executor",
        "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler", "KMS_KEY_ID": "k", "EBAY_SECRET_ID": "s",
    ]

    init(_ fixture: StorefrontFixture, environment: [String: String]? = nil) throws {
        var environment = (environment ?? fixture.environment).merging(Self.sniperNames) { old, _ in old }
        environment["CDN_URL"] = environment["CDN_URL"] ?? "https://cdn.example"
        self.fixture = fixture
        self.handler = try APIHandler(
            environment: environment,
            aws: AWSClients(environment: environment, transport: Moto.transport),
            metrics: MetricLines().metrics(function: "api"),
            orderMetrics: MetricLines().metrics(function: "order-validation")
        )
    }

    static func make() async throws -> StorefrontAPI { try StorefrontAPI(try await StorefrontFixture.make()) }

    typealias Answer = SniperAPI.Answer

    /// `method path` as `user` in `groups` (user nil: no claims, as on a public route).
    func call(
        _ method: String,
        _ path: String,
        body: String? = nil,
        query: [String: String] = [:],
        headers: [String: String] = [:],
        user: String? = "u-ada",
        groups: [String] = ["customer"]
    ) async throws -> Answer {
        var request = APIGatewayRequest(
            method: method,
            path: path,
            query: query,
            body: body,
            claims: user.map {
                [
                    "sub": $0, "email": "\($0)@example.com", "email_verified": "true",
                    "cognito:groups": "[\(groups.joined(separator: " "))]",
                ]
            }
        )
        request.headers = (request.headers ?? [:]).merging(headers) { $1 }
        let response = try await self.handler.handle(request, context: TestContext.make(function: "api"))
        return Answer(status: response.statusCode, headers: response.headers, body: response.body)
    }

    struct ProductBody: Decodable, Equatable {
        var productId: String
        var vendorId: String
        var name: String
        var category: String?
        var description: String?
        var price: Money
        var stock: Int64
        var status: String
        var images: [String: String]
    }

    struct CartBody: Decodable {
        struct Item: Decodable {
            var productId: String
            var quantity: Int64
            var name: String?
            var unitPrice: Money?
            var lineTotal: Money?
            var available: Bool
        }
        var items: [Item]
        var subtotal: Money?
    }

    struct OrderBody: Decodable {
        struct Line: Decodable {
            var productId: String
            var quantity: Int64
            var unitPrice: Int64
            var lineTotal: Int64
        }
        var orderId: String
        var status: String
        var lines: [Line]
        var total: Int64
        var currency: String
        var createdAt: String
    }

    struct ErrorLines: Decodable {
        struct Detail: Decodable {
            struct Line: Decodable {
                var productId: String?
                var code: String
            }
            var code: String
            var lines: [Line]?
        }
        var error: Detail
    }

    /// Creates a product as vendor `vendor`; the answer must be 201.
    func createProduct(
        _ name: String,
        price: Int64 = 25_00,
        currency: String = "GBP",
        stock: Int64 = 10,
        category: String? = nil,
        vendor: String = "v-kit"
    ) async throws -> ProductBody {
        let category = category.map { #","category":"\#($0)""# } ?? ""
        let answer = try await self.call(
            "POST",
            "/products",
            body:
                #"{"name":"\#(name)","price":{"amount":\#(price),"currency":"\#(currency)"},"stock":\#(stock)\#(category)}"#,
            user: vendor,
            groups: ["vendor"]
        )
        guard answer.status == 201 else {
            throw MissingPrerequisite("POST /products answered \(answer.status): \(answer.body)")
        }
        return try answer.decode(ProductBody.self)
    }
}
