import AWS
import Foundation  // test helper only: percent-decoding of form bodies
import GavelCore
import Hummingbird
import JSON
import LambdaRuntime
import NIOCore
import Sniper
import Synchronization

/// A loopback eBay: the OAuth token endpoint, Browse `getItem`, Offer `place_proxy_bid` and `getBidding`,
/// with the behaviour a snipe meets (expired tokens, ended auctions, bids below the price, rival bidders,
/// outages, answers lost after the bid was taken), recording each bid with its arrival time and each proxy
/// bid it took, per buyer (the buyer is the refresh token behind the access token).
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

    /// A proxy bid eBay took: the buyer (their refresh token) and the maximum, in minor units.
    package struct Proxy: Sendable, Equatable {
        package var itemId: String
        package var buyer: String
        package var maxAmount: Int64
    }

    /// What the next `place_proxy_bid` meets instead of a plain answer.
    package enum BidFault: Sendable, Equatable {
        /// Refused with this status before anything is taken.
        case refuse(Int)
        /// Taken, then answered with this status (a 5xx whose bid went in anyway).
        case takeThenAnswer(Int)
        /// Taken, then the connection drops before the answer: the client sees a broken transfer.
        case takeThenLoseReply
    }

    private struct AccessGrant {
        var expiresAt: Int64
        /// The refresh token it came from: who the buyer is (nil for application tokens).
        var buyer: String?
    }

    private struct State {
        var items: [String: Item] = [:]
        var codes: [String: String] = [:]  // authorization code → refresh token
        var refreshTokens: Set<String> = []
        var accessTokens: [String: AccessGrant] = [:]
        var accessLifetimeSeconds: Int64 = 7200
        var bidFaults: [BidFault] = []
        var bids: [Bid] = []
        var proxies: [Proxy] = []
        var rivals: [String: Int64] = [:]  // item → another bidder's maximum
        var grants: [String] = []
        var counter = 0
        var anyCode = false
    }

    private let state = Mutex(State())

    package init() {}

    package func addItem(_ id: String, _ item: Item) { self.state.withLock { $0.items[id] = item } }

    /// Every auction, by id (the console's page lists them).
    package var items: [String: Item] { self.state.withLock { $0.items } }

    /// Makes `code` a valid authorization code that yields `refreshToken`.
    package func allowCode(_ code: String, refreshToken: String) {
        self.state.withLock {
            $0.codes[code] = refreshToken
            $0.refreshTokens.insert(refreshToken)
        }
    }

    /// Makes every authorization code valid, each yielding `refresh-<hash of the code>` (`gavel-local dev`: the developer
    /// links eBay with any code, as after a real consent screen).
    package func allowAnyCode() { self.state.withLock { $0.anyCode = true } }

    /// A refresh token the OAuth endpoint accepts.
    package func allowRefreshToken(_ token: String) { _ = self.state.withLock { $0.refreshTokens.insert(token) } }

    /// How long new user access tokens live (eBay: two hours).
    package func setAccessTokenLifetime(seconds: Int64) { self.state.withLock { $0.accessLifetimeSeconds = seconds } }

    /// The statuses the next `place_proxy_bid` calls are refused with (nothing taken) before one succeeds.
    package func failNextBids(_ statuses: [Int]) {
        self.state.withLock { $0.bidFaults = statuses.map(BidFault.refuse) }
    }

    /// What the next `place_proxy_bid` calls meet, in order.
    package func faultNextBids(_ faults: [BidFault]) { self.state.withLock { $0.bidFaults = faults } }

    /// Another bidder's maximum on `itemId`: above the buyer's, the buyer is not the high bidder.
    package func rivalBid(_ itemId: String, maxAmount: Int64) { self.state.withLock { $0.rivals[itemId] = maxAmount } }

    /// Takes a proxy bid as if it had arrived (an executor that bid and then died).
    package func takeBid(_ itemId: String, buyer refreshToken: String, maxAmount: Int64) {
        self.state.withLock { $0.proxies.append(Proxy(itemId: itemId, buyer: refreshToken, maxAmount: maxAmount)) }
    }

    /// Every request that reached `place_proxy_bid`, taken or not.
    package var bids: [Bid] { self.state.withLock { $0.bids } }
    /// The proxy bids eBay took, in order: a bid placed exactly once is here once.
    package var proxies: [Proxy] { self.state.withLock { $0.proxies } }
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
        if parts.count == 5, parts[0...3] == ["buy", "offer", "v1_beta", "bidding"], request.method == .get {
            return self.bidding(itemId: parts[4], token: bearer)
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
                    // Derived, not copied: a code holding a quote must not break the JSON answer below.
                    let refresh = "refresh-" + Digest.hex(Array(Digest.sha256(Array(code.utf8)).prefix(12)))
                    state.codes[code] = refresh
                    state.refreshTokens.insert(refresh)
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
                state.accessTokens[access] = AccessGrant(
                    expiresAt: now + state.accessLifetimeSeconds * 1000,
                    buyer: refresh
                )
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
                state.accessTokens[access] = AccessGrant(
                    expiresAt: now + state.accessLifetimeSeconds * 1000,
                    buyer: refresh
                )
                return Self.json(
                    .ok,
                    #"{"access_token":"\#(access)","expires_in":\#(state.accessLifetimeSeconds),"token_type":"User Access Token"}"#
                )
            case "client_credentials":
                let access = "app-\(state.counter)"
                state.accessTokens[access] = AccessGrant(expiresAt: now + 7_200_000, buyer: nil)
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
            #"{"itemId":"\#(id)","title":"\#(item.title)","buyingOptions":\#(options),"currentBidPrice":{"value":"\#(price)","currency":"\#(item.currency)"},"itemEndDate":"\#(ISO8601.string(ms: item.endMs))"}"#
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
            guard let grant = state.accessTokens[token], grant.expiresAt > arrival, let buyer = grant.buyer else {
                return Self.invalidToken
            }
            state.bids.append(Bid(itemId: itemId, arrivalMs: arrival, body: body, accessToken: token))
            let fault = state.bidFaults.isEmpty ? nil : state.bidFaults.removeFirst()
            if case .refuse(let status) = fault {
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
            state.proxies.append(Proxy(itemId: itemId, buyer: buyer, maxAmount: amount.amount))
            switch fault {
            case .takeThenAnswer(let status):
                return Self.errors(
                    .init(code: status),
                    120_000 + status,
                    "scripted failure \(status) after taking the bid"
                )
            case .takeThenLoseReply: return LoopbackServer.droppedReply()
            default: return Self.json(.ok, #"{"proxyBidId":"pb-\#(state.proxies.count)"}"#)
            }
        }
    }

    /// `getBidding`: the buyer's latest proxy bid on the item against the rival's maximum; 404 when the buyer
    /// has not bid (eBay: "the buyer must have placed a bid for this item").
    private func bidding(itemId: String, token: String) -> Response {
        self.state.withLock { state in
            guard let grant = state.accessTokens[token], grant.expiresAt > WallClock.nowMs(), let buyer = grant.buyer
            else { return Self.invalidToken }
            guard let item = state.items[itemId],
                let proxy = state.proxies.last(where: { $0.itemId == itemId && $0.buyer == buyer })
            else { return Self.errors(.notFound, 120_014, "The buyer has not bid on this item.") }
            let rival = state.rivals[itemId] ?? 0
            let high = proxy.maxAmount > rival
            let price = high ? max(item.price, rival) : rival
            let status = item.endMs <= WallClock.nowMs() ? "ENDED" : "ACTIVE"
            func amount(_ minor: Int64) -> String {
                #"{"value":"\#(Money(amount: minor, currency: item.currency).decimalString)","currency":"\#(item.currency)"}"#
            }
            return Self.json(
                .ok,
                #"{"itemId":"\#(itemId)","auctionStatus":"\#(status)","auctionEndDate":"\#(ISO8601.string(ms: item.endMs))","currentPrice":\#(amount(price)),"currentProxyBid":{"proxyBidId":"pb-1","maxAmount":\#(amount(proxy.maxAmount))},"highBidder":\#(high)}"#
            )
        }
    }

    private static let invalidToken = errors(
        .unauthorized,
        1001,
        "Invalid access token. Check the value of the Authorization HTTP request header."
    )

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
