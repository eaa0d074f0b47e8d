import Foundation  // test helper only: percent-decoding of form bodies
import GavelCore
import Hummingbird
import LambdaRuntime
import NIOCore
import Sniper
import Synchronization

/// A loopback eBay: the OAuth token endpoint, Browse `getItem` and Offer `place_proxy_bid`, with the
/// behaviour a snipe meets (expired tokens, ended auctions, bids below the price, outages), recording each
/// bid with its arrival time.
package final class FakeEbay: Sendable {
    /// The application's keys the fake accepts (put them in the eBay secret).
    package static let appId = "gavel-app-id"
    package static let certId = "gavel-cert-secret"
    package static let secretJSON =
        #"{"app_id":"gavel-app-id","dev_id":"unused","cert_id":"gavel-cert-secret","ru_name":"Gavel-RuName"}"#

    package struct Item: Sendable {
        package var title: String
        package var price: Int64
        package var currency: String
        package var endMs: Int64
        package var auction: Bool

        package init(title: String, price: Int64, currency: String = "USD", endMs: Int64, auction: Bool = true) {
            self.title = title
            self.price = price
            self.currency = currency
            self.endMs = endMs
            self.auction = auction
        }
    }

    /// A bid as eBay received it.
    package struct Bid: Sendable, Equatable {
        package var itemId: String
        package var arrivalMs: Int64
        package var body: String
        package var accessToken: String
    }

    private struct State {
        var items: [String: Item] = [:]
        var codes: [String: String] = [:]  // authorization code → refresh token
        var refreshTokens: Set<String> = []
        var accessTokens: [String: Int64] = [:]  // token → expiry (ms)
        var accessLifetimeSeconds: Int64 = 7200
        var placeFailures: [Int] = []
        var bids: [Bid] = []
        var grants: [String] = []
        var counter = 0
        var anyCode = false
    }

    private let state = Mutex(State())

    package init() {}

    package func addItem(_ id: String, _ item: Item) { self.state.withLock { $0.items[id] = item } }

    /// Makes `code` a valid authorization code that yields `refreshToken`.
    package func allowCode(_ code: String, refreshToken: String) {
        self.state.withLock {
            $0.codes[code] = refreshToken
            $0.refreshTokens.insert(refreshToken)
        }
    }

    /// Makes every authorization code valid, each yielding `refresh-<code>` (`gavel-local dev`: the developer
    /// links eBay with any code, as after a real consent screen).
    package func allowAnyCode() { self.state.withLock { $0.anyCode = true } }

    /// A refresh token the OAuth endpoint accepts.
    package func allowRefreshToken(_ token: String) { _ = self.state.withLock { $0.refreshTokens.insert(token) } }

    /// How long new user access tokens live (eBay: two hours).
    package func setAccessTokenLifetime(seconds: Int64) { self.state.withLock { $0.accessLifetimeSeconds = seconds } }

    /// The statuses the next `place_proxy_bid` calls answer with before one succeeds.
    package func failNextBids(_ statuses: [Int]) { self.state.withLock { $0.placeFailures = statuses } }

    package var bids: [Bid] { self.state.withLock { $0.bids } }
    /// The `grant_type` of each token request, in order.
    package var grants: [String] { self.state.withLock { $0.grants } }

    /// Runs `body` with the fake's base URL (`EBAY_API_URL`).
    package func with<Output: Sendable>(_ body: (String) async throws -> Output) async throws -> Output {
        try await LoopbackServer.with({ request in try await self.answer(request) }) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    /// Serves until cancelled, yielding the port (for `gavel-local` and benchmarks).
    package func serve(port: @escaping @Sendable (Int) -> Void) async throws {
        try await LoopbackServer.with({ request in try await self.answer(request) }) { bound in
            port(bound)
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let arrival = WallClock.nowMs()
        let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
        let path = request.uri.path
        let authorization = request.headers[.authorization] ?? ""
        if path == "/identity/v1/oauth2/token", request.method == .post {
            return self.token(form: Self.form(body), authorization: authorization)
        }
        let bearer = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
        let parts = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        if parts.count == 5, parts[0...3] == ["buy", "browse", "v1", "item"], request.method == .get {
            guard self.state.withLock({ $0.accessTokens[bearer] != nil }) else {
                return Self.errors(.unauthorized, 1001, "Invalid access token")
            }
            return self.item(parts[4])
        }
        if parts.count == 6, parts[0...3] == ["buy", "offer", "v1_beta", "bidding"], parts[5] == "place_proxy_bid",
            request.method == .post
        {
            return self.place(itemId: parts[4], body: body, token: bearer, arrival: arrival)
        }
        return Self.errors(.notFound, 2002, "Resource not found")
    }

    private func token(form: [String: String], authorization: String) -> Response {
        let expected = "Basic " + Data("\(Self.appId):\(Self.certId)".utf8).base64EncodedString()
        guard authorization == expected else {
            return Self.json(
                .unauthorized,
                #"{"error":"invalid_client","error_description":"client authentication failed"}"#
            )
        }
        let grant = form["grant_type"] ?? ""
        return self.state.withLock { state in
            state.grants.append(grant)
            state.counter += 1
            let now = WallClock.nowMs()
            switch grant {
            case "authorization_code":
                if state.anyCode, let code = form["code"], state.codes[code] == nil {
                    state.codes[code] = "refresh-\(code)"
                    state.refreshTokens.insert("refresh-\(code)")
                }
                guard let code = form["code"], let refresh = state.codes.removeValue(forKey: code),
                    form["redirect_uri"] == "Gavel-RuName"
                else {
                    return Self.json(
                        .badRequest,
                        #"{"error":"invalid_grant","error_description":"the provided authorization grant code is invalid or was issued to another client"}"#
                    )
                }
                let access = "at-\(state.counter)"
                state.accessTokens[access] = now + state.accessLifetimeSeconds * 1000
                return Self.json(
                    .ok,
                    #"{"access_token":"\#(access)","expires_in":\#(state.accessLifetimeSeconds),"refresh_token":"\#(refresh)","refresh_token_expires_in":47304000,"token_type":"User Access Token"}"#
                )
            case "refresh_token":
                guard let refresh = form["refresh_token"], state.refreshTokens.contains(refresh) else {
                    return Self.json(
                        .badRequest,
                        #"{"error":"invalid_grant","error_description":"the provided authorization refresh token is invalid or was issued to another client"}"#
                    )
                }
                let access = "at-\(state.counter)"
                state.accessTokens[access] = now + state.accessLifetimeSeconds * 1000
                return Self.json(
                    .ok,
                    #"{"access_token":"\#(access)","expires_in":\#(state.accessLifetimeSeconds),"token_type":"User Access Token"}"#
                )
            case "client_credentials":
                let access = "app-\(state.counter)"
                state.accessTokens[access] = now + 7_200_000
                return Self.json(
                    .ok,
                    #"{"access_token":"\#(access)","expires_in":7200,"token_type":"Application Access Token"}"#
                )
            default:
                return Self.json(.badRequest, #"{"error":"unsupported_grant_type"}"#)
            }
        }
    }

    private func item(_ id: String) -> Response {
        guard let item = self.state.withLock({ $0.items[id] }) else {
            return Self.errors(.notFound, 11001, "The specified item ID was not found.")
        }
        let price = Money(amount: item.price, currency: item.currency).decimalString
        let options = item.auction ? #"["AUCTION"]"# : #"["FIXED_PRICE"]"#
        return Self.json(
            .ok,
            #"{"itemId":"\#(id)","title":"\#(item.title)","buyingOptions":\#(options),"currentBidPrice":{"value":"\#(price)","currency":"\#(item.currency)"},"itemEndDate":"\#(WallClock.iso8601(ms: item.endMs))"}"#
        )
    }

    private struct PlaceBody: Decodable {
        struct Amount: Decodable {
            var value: String
            var currency: String
        }
        var maxAmount: Amount
    }

    private func place(itemId: String, body: String, token: String, arrival: Int64) -> Response {
        self.state.withLock { state in
            guard let expiry = state.accessTokens[token], expiry > arrival, token.hasPrefix("at-") else {
                return Self.errors(
                    .unauthorized,
                    1001,
                    "Invalid access token. Check the value of the Authorization HTTP request header."
                )
            }
            state.bids.append(Bid(itemId: itemId, arrivalMs: arrival, body: body, accessToken: token))
            if !state.placeFailures.isEmpty {
                let status = state.placeFailures.removeFirst()
                return Self.errors(.init(code: status), 120_000 + status, "scripted failure \(status)")
            }
            guard let item = state.items[itemId] else {
                return Self.errors(.notFound, 11001, "The specified item ID was not found.")
            }
            guard item.endMs > arrival else { return Self.errors(.conflict, 120017, "The auction has ended.") }
            guard let bid = try? JSONDecoder().decode(PlaceBody.self, from: Data(body.utf8)),
                let amount = Money(decimal: bid.maxAmount.value, currency: bid.maxAmount.currency)
            else { return Self.errors(.badRequest, 120002, "The request body is invalid.") }
            guard amount.currency == item.currency, amount.amount > item.price else {
                return Self.errors(.badRequest, 120011, "Your bid is too low: it must be above the current price.")
            }
            return Self.json(.ok, #"{"proxyBidId":"pb-\#(state.bids.count)"}"#)
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        LoopbackServer.text(status, text, headers: [.contentType: "application/json"])
    }

    private static func errors(_ status: HTTPResponse.Status, _ id: Int, _ message: String) -> Response {
        self.json(
            status,
            #"{"errors":[{"errorId":\#(id),"domain":"API_OFFER","category":"REQUEST","message":"\#(message)"}]}"#
        )
    }

    private static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count == 2 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            fields[String(parts[0])] = value.removingPercentEncoding ?? value
        }
        return fields
    }
}
