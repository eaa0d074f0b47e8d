import API
import APIGatewayEvents
import AWS
import FoundationEssentials
import GavelCore
import GavelFixtures
import GavelTesting
import LambdaRuntime
import Sniper

/// Calling the api handler in-process as API Gateway would, and reading its answers.
struct SniperAPI {
    let handler: APIHandler
    let fixture: SniperFixture

    init(_ fixture: SniperFixture, environment: [String: String]? = nil) throws {
        let environment = environment ?? fixture.environment
        self.fixture = fixture
        self.handler = try APIHandler(
            environment: environment,
            aws: AWSClients(environment: environment, transport: Moto.transport),
            metrics: MetricLines().metrics(function: "api")
        )
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(type, from: Data(self.body.utf8))
        }
        var error: ErrorBody.Detail? { (try? self.decode(ErrorBody.self))?.error }
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable, Equatable {
            var code: String
            var message: String
            var field: String?
        }
        var error: Detail
    }

    struct Bid: Decodable, Equatable {
        var bidId: String
        var itemId: String
        var itemTitle: String
        var maxBid: Money
        var leadSeconds: Int
        var auctionEndTime: String
        var status: String
        var detail: String?
    }

    struct Listing<Item: Decodable>: Decodable {
        var items: [Item]
        var nextCursor: String?
    }

    /// `method path` as `user` (nil: no claims).
    func call(
        _ method: String,
        _ path: String,
        body: String? = nil,
        query: [String: String] = [:],
        user: String? = "u-ada",
        email: String = "ada@example.com"
    ) async throws -> Answer {
        let request = APIGatewayRequest(
            method: method,
            path: path,
            query: query,
            body: body,
            claims: user.map { ["sub": $0, "email": email, "email_verified": "true"] }
        )
        let response = try await self.handler.handle(request, context: TestContext.make(function: "api"))
        return Answer(status: response.statusCode, headers: response.headers, body: response.body)
    }

    /// Creates a bid on `itemId` as `user`; the answer must be 201.
    func createBid(_ itemId: String, amount: Int64 = 50_00, lead: Int = 5, user: String = "u-ada") async throws -> Bid {
        let answer = try await self.call(
            "POST",
            "/bids",
            body: #"{"itemId":"\#(itemId)","maxBid":{"amount":\#(amount),"currency":"USD"},"leadSeconds":\#(lead)}"#,
            user: user
        )
        guard answer.status == 201 else {
            throw MissingPrerequisite("POST /bids answered \(answer.status): \(answer.body)")
        }
        return try answer.decode(Bid.self)
    }
}
