package import AWS
package import GavelCore
import JSON
import LambdaRuntime
import Synchronization

/// eBay's REST APIs a snipe needs, over the same transport as AWS: OAuth (authorization code, refresh,
/// client credentials), Browse `getItem`, Offer `place_proxy_bid` and `getBidding`.
///
/// The application's credentials come from Secrets Manager (`{"app_id", "cert_id", "ru_name"}`: eBay's
/// client id, client secret and RuName, as seed 000 names them). The application token Browse needs is
/// cached until a minute before it expires. No token or secret is ever part of an error or a log line.
package final class Ebay: Sendable {
    /// A user's long-lived grant from the authorization-code exchange.
    package struct UserGrant: Sendable {
        package var refreshToken: String
        /// Unix milliseconds.
        package var refreshTokenExpiresAt: Int64
    }

    /// A short-lived access token.
    package struct AccessToken: Sendable {
        package var token: String
        /// Unix milliseconds.
        package var expiresAt: Int64
    }

    /// The scope a user grants us: bidding for them.
    package static let bidScope = "https://api.ebay.com/oauth/api_scope/buy.offer.auction"
    static let publicScope = "https://api.ebay.com/oauth/api_scope"

    package let configuration: EbayConfiguration
    let transport: any HTTPTransport
    let secrets: SecretsManager
    /// Between retries: 50 ms doubling to at most 3.2 s, so a refused bid is tried again many times
    /// before an auction ends.
    private let backoff: Backoff
    private let applicationToken = Mutex<AccessToken?>(nil)

    package init(
        configuration: EbayConfiguration,
        transport: any HTTPTransport,
        secrets: SecretsManager,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.secrets = secrets
        self.backoff = Backoff(base: .milliseconds(50), cap: .milliseconds(3_200), random: random, sleep: sleep)
    }

    /// An eBay client on the process's shared transport, reading the app's keys through Secrets Manager.
    package convenience init(configuration: EbayConfiguration, aws: AWSClients) {
        self.init(
            configuration: configuration,
            transport: aws.transport,
            secrets: SecretsManager(client: aws.client(.secretsManager))
        )
    }

    // MARK: OAuth

    private struct Credentials: Decodable {
        var app_id: String
        var cert_id: String
        var ru_name: String?
    }

    private func credentials() async throws(EbayError) -> Credentials {
        let text: String
        do throws(AWSError) {
            text = try await self.secrets.secret(self.configuration.secretId).string ?? ""
        } catch {
            // Secrets Manager down past the client's retries may pass; a missing secret or a refusal will not.
            if error.retryClass != .none { throw .unavailable("the eBay secret cannot be read now: \(error)") }
            throw .configuration("the eBay secret cannot be read: \(error)")
        }
        guard let credentials = try? JSONCoder.decode(Credentials.self, from: Array(text.utf8)) else {
            throw .configuration("the eBay secret must be JSON with app_id and cert_id")
        }
        guard !credentials.cert_id.hasPrefix("REPLACE"), !credentials.app_id.isEmpty else {
            throw .configuration("the eBay secret still holds its placeholder: put the app's keys in it")
        }
        return credentials
    }

    private struct TokenAnswer: Decodable {
        var access_token: String?
        var expires_in: Int64?
        var refresh_token: String?
        var refresh_token_expires_in: Int64?
        var error: String?
        var error_description: String?
    }

    /// Calls the token endpoint with the form `form` builds from the application's credentials.
    private func token(_ form: (Credentials) -> [(String, String)]) async throws(EbayError) -> TokenAnswer {
        let credentials = try await self.credentials()
        let basic = Base64.encode("\(credentials.app_id):\(credentials.cert_id)".utf8)
        let body = form(credentials).map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        let request = TransportRequest(
            method: "POST",
            url: self.configuration.baseURL + "/identity/v1/oauth2/token",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8),
            timeout: .seconds(10)
        )
        let response = try await self.send(request, retryingUntil: nil)
        let answer = try? JSONCoder.decode(TokenAnswer.self, from: response.body)
        guard response.status == 200, let answer, answer.access_token != nil else {
            let reason = answer?.error_description ?? answer?.error ?? "HTTP \(response.status)"
            if answer?.error == "invalid_grant" { throw .invalidGrant(reason) }
            if response.status == 401 || answer?.error == "invalid_client" {
                throw .configuration("eBay refused the application's credentials: \(reason)")
            }
            throw .refused(status: response.status, errorId: nil, message: reason)
        }
        return answer
    }

    /// Exchanges the code from eBay's consent page for the user's refresh token.
    package func exchange(code: String) async throws(EbayError) -> UserGrant {
        let answer = try await self.token { credentials in
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", credentials.ru_name ?? "")]
        }
        guard let refresh = answer.refresh_token else { throw .invalidResponse("no refresh_token in the answer") }
        let lifetime = answer.refresh_token_expires_in ?? 47_304_000  // eBay's documented 18 months
        return UserGrant(refreshToken: refresh, refreshTokenExpiresAt: WallClock.nowMs() + lifetime * 1000)
    }

    /// A fresh user access token allowed to bid.
    package func accessToken(refreshToken: String) async throws(EbayError) -> AccessToken {
        let answer = try await self.token { _ in
            [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", Self.bidScope)]
        }
        return AccessToken(
            token: answer.access_token ?? "",
            expiresAt: WallClock.nowMs() + (answer.expires_in ?? 7200) * 1000
        )
    }

    /// The application token Browse calls use, from the cache while it has a minute left.
    private func appToken() async throws(EbayError) -> String {
        let now = WallClock.nowMs()
        if let cached = self.applicationToken.withLock({ $0 }), cached.expiresAt - 60_000 > now { return cached.token }
        let answer = try await self.token { _ in [("grant_type", "client_credentials"), ("scope", Self.publicScope)] }
        let token = AccessToken(token: answer.access_token ?? "", expiresAt: now + (answer.expires_in ?? 7200) * 1000)
        self.applicationToken.withLock { $0 = token }
        return token.token
    }

    // MARK: Browse and Offer

    /// The item, as Browse shows it now.
    package func item(_ itemId: String) async throws(EbayError) -> EbayItem {
        let token = try await self.appToken()
        let request = TransportRequest(
            method: "GET",
            url: self.configuration.baseURL + "/buy/browse/v1/item/" + URIEncoding.encode(itemId),
            headers: [
                ("Authorization", "Bearer \(token)"), ("X-EBAY-C-MARKETPLACE-ID", self.configuration.marketplace),
            ],
            timeout: .seconds(10)
        )
        let response = try await self.send(request, retryingUntil: nil)
        if response.status == 404 { throw .itemNotFound(itemId) }
        guard response.status == 200 else { throw Self.refusal(response) }
        return try EbayItem.parse(response.body)
    }

    /// The `place_proxy_bid` request, built ahead so that sending it is the only work left at the due time.
    package func bidRequest(itemId: String, maxBid: Money, accessToken: String) -> TransportRequest {
        let body = #"{"maxAmount":{"value":"\#(maxBid.decimalString)","currency":"\#(maxBid.currency)"}}"#
        return TransportRequest(
            method: "POST",
            url: self.configuration.baseURL + "/buy/offer/v1_beta/bidding/" + URIEncoding.encode(itemId)
                + "/place_proxy_bid",
            headers: [
                ("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/json"),
                ("X-EBAY-C-MARKETPLACE-ID", self.configuration.marketplace),
            ],
            body: Array(body.utf8),
            timeout: .seconds(5)
        )
    }

    /// Sends a prepared bid so that it takes effect at most once: it is sent again only when it provably did
    /// not reach eBay (no connection was made) or eBay said it did nothing (429), until `retryingUntil` (Unix ms).
    /// - Returns: eBay's `proxyBidId`.
    /// - Throws: `EbayError.refused` for a 4xx (401 when the access token was refused); `EbayError.uncertain`
    ///   when the bid may have gone in (timeout, broken connection, 5xx): ask `bidding` before sending again.
    package func place(_ request: TransportRequest, retryingUntil: Int64) async throws(EbayError) -> String {
        struct Answer: Decodable { var proxyBidId: String? }
        let response = try await self.send(request, retryingUntil: retryingUntil, repeatable: false)
        guard (200..<300).contains(response.status) else { throw Self.refusal(response) }
        return (try? JSONCoder.decode(Answer.self, from: response.body))?.proxyBidId ?? ""
    }

    /// What eBay holds of the buyer's bidding on `itemId` (Offer `getBidding`, with the buyer's token).
    /// - Returns: nil when eBay holds no bid of this buyer on the item (eBay answers 404, or a Bidding
    ///   without `currentProxyBid`).
    package func bidding(itemId: String, accessToken: String) async throws(EbayError) -> EbayBidding? {
        let request = TransportRequest(
            method: "GET",
            url: self.configuration.baseURL + "/buy/offer/v1_beta/bidding/" + URIEncoding.encode(itemId),
            headers: [
                ("Authorization", "Bearer \(accessToken)"), ("X-EBAY-C-MARKETPLACE-ID", self.configuration.marketplace),
            ],
            timeout: .seconds(10)
        )
        let response = try await self.send(request, retryingUntil: nil)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw Self.refusal(response) }
        return try EbayBidding.parse(response.body)
    }

    private struct Errors: Decodable {
        struct Entry: Decodable {
            var errorId: Int?
            var message: String?
            var longMessage: String?
        }
        var errors: [Entry]?
    }

    private static func refusal(_ response: TransportResponse) -> EbayError {
        let first = (try? JSONCoder.decode(Errors.self, from: response.body))?.errors?.first
        return .refused(status: response.status, errorId: first?.errorId, message: first?.message ?? "no message")
    }

    /// Sends `request`; 429 and failures to connect are retried with full-jitter backoff (3 attempts, or until
    /// `retryingUntil` in Unix ms, within the invocation deadline), and so are other transport failures and 5xx
    /// when the request is `repeatable` (a read, a token). Other statuses are returned.
    /// - Throws: `.unavailable` when the attempts run out; `.uncertain` at once for a request that is not
    ///   repeatable and may have reached eBay.
    private func send(
        _ request: TransportRequest,
        retryingUntil: Int64?,
        repeatable: Bool = true
    ) async throws(EbayError) -> TransportResponse {
        var attempt = 1
        while true {
            let failure: EbayError
            do throws(TransportError) {
                let response = try await self.transport.send(request)
                if response.status != 429, response.status < 500 { return response }
                let maybeTaken = response.status >= 500 && !repeatable
                failure = maybeTaken ? .uncertain("HTTP \(response.status)") : .unavailable("HTTP \(response.status)")
            } catch {
                let maybeTaken = !repeatable && !error.isConnectFailure && !error.isTLSFailure
                failure = maybeTaken ? .uncertain("\(error)") : .unavailable("\(error)")
            }
            if case .uncertain = failure { throw failure }
            let delay = self.backoff.delay(after: attempt)
            let now = WallClock.nowMs()
            if let until = retryingUntil {
                if now + delay.milliseconds >= until { throw failure }
            } else if attempt >= 3 {
                throw failure
            }
            if !Backoff.fits(delay, reserving: .milliseconds(500)) { throw failure }
            await self.backoff.sleep(for: delay)
            attempt += 1
        }
    }
}

/// Where eBay is and which secret holds the application's keys.
///
/// Environment:
/// - `EBAY_SECRET_ID` (required): the Secrets Manager secret with `app_id`, `cert_id`, `ru_name`.
/// - `EBAY_ENVIRONMENT` (`production` or `sandbox`, default `production`): picks `api.ebay.com` or
///   `api.sandbox.ebay.com`.
/// - `EBAY_API_URL` (optional): overrides that host (the local fake eBay).
/// - `EBAY_MARKETPLACE_ID` (default `EBAY_US`).
package struct EbayConfiguration: Sendable, Equatable {
    package var baseURL: String
    package var marketplace: String
    package var secretId: String

    package init(environment: [String: String]) throws(ValidationError) {
        self.secretId = try environment.required("EBAY_SECRET_ID")
        let host: String
        switch environment["EBAY_ENVIRONMENT"] ?? "production" {
        case "production": host = "https://api.ebay.com"
        case "sandbox": host = "https://api.sandbox.ebay.com"
        default: throw ValidationError(field: "EBAY_ENVIRONMENT", "must be production or sandbox")
        }
        let url = environment["EBAY_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? host
        self.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.marketplace = environment["EBAY_MARKETPLACE_ID"] ?? "EBAY_US"
    }
}
