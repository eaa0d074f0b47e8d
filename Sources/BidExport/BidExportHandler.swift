import APIGatewayEvents
package import AWS
package import GavelCore
package import Identity
import JSON
package import LambdaRuntime
import LiveAuction
import Logging

/// `GET` on the bid-export Function URL: the signed-in user's live bids, newest first, as CSV, streamed page
/// by page as DynamoDB returns them (response streaming), so a long history starts arriving at once and is
/// not bound by the 6 MB of a buffered response.
///
/// A Function URL has no authorizer: the handler checks the caller's Cognito token itself, with the same
/// checks the HTTP API's JWT authorizer makes, and reads only the bids of the token's `sub`. Before the first
/// row, a refusal is a proper HTTP error (401, 405); a failure after rows were sent ends the stream with the
/// error in its trailers, and the caller sees a cut-off body rather than a short file that looks whole.
package struct BidExportHandler: FunctionStreamingHandler {
    /// Rows per DynamoDB page, and so per chunk of the stream.
    static let pageSize = 100

    private let bids: LiveBidStore
    private let authorizer: JWTAuthorizer
    private let clock: @Sendable () -> Int64

    package init(
        configuration: BidExportConfiguration,
        aws: AWSClients,
        clock: @escaping @Sendable () -> Int64 = { WallClock.nowMs() / 1000 }
    ) {
        // Retention only matters to writes; this store only reads.
        self.bids = LiveBidStore(
            dynamo: DynamoDB(client: aws.client(.dynamoDB)),
            table: configuration.table,
            retentionDays: 1
        )
        let cognito = aws.client(.cognitoIdentityProvider).endpoint.baseURL
        self.authorizer = JWTAuthorizer(
            issuer: configuration.issuer,
            audience: [configuration.clientId],
            // The pool's keys, at Cognito's endpoint in the cloud and at the embedded AWS locally.
            keysURL: "\(cognito)/\(configuration.userPoolId)/.well-known/jwks.json",
            transport: aws.transport
        )
        self.clock = clock
    }

    package func serve(_ event: [UInt8], context: LambdaContext, response: ResponseStream) async throws {
        let request = try RuntimeError.decodeEvent(APIGatewayRequest.self, from: event)
        guard request.requestContext.http.method == "GET" else {
            return try await Self.refuse(response, 405, "method_not_allowed", "only GET exports bids")
        }
        let claims: [String: String]
        do throws(JWTAuthorizer.Rejection) {
            claims = try await self.authorizer.claims(
                authorization: request.headers?["authorization"],
                nowSeconds: self.clock()
            )
        } catch {
            context.logger.info("export refused", metadata: ["reason": "\(error)"])
            return try await Self.refuse(response, 401, "unauthorized", "a valid token is required")
        }
        guard let userId = claims["sub"], !userId.isEmpty else {
            return try await Self.refuse(response, 401, "unauthorized", "the token names no user")
        }
        try await response.startHTTP(
            status: 200,
            headers: [
                "content-type": "text/csv; charset=utf-8",
                "content-disposition": #"attachment; filename="live-bids.csv""#,
                "cache-control": "no-store",
            ]
        )
        try await response.write(Array("bid_id,auction_id,amount,currency,placed_at\n".utf8))
        var cursor: String?
        var rows = 0
        repeat {
            let page = try await self.bids.bids(byUser: userId, after: cursor, limit: Self.pageSize)
            var chunk = ""
            for row in page.items { chunk += Self.csvLine(row) }
            try await response.write(Array(chunk.utf8))
            rows += page.items.count
            cursor = page.nextCursor
        } while cursor != nil
        context.logger.info("bids exported", metadata: ["rows": "\(rows)"])
    }

    /// One CSV line: the amount in minor units, as the API shows money.
    static func csvLine(_ row: LiveBidStore.Row) -> String {
        let bid = row.bid
        let fields = [row.bidId, bid.auctionId, String(bid.amount), bid.currency, ISO8601.string(ms: bid.timestamp)]
        return fields.map(Self.csvField).joined(separator: ",") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break (RFC 4180); a leading `=`, `+`, `-` or
    /// `@` is prefixed with `'`, so a spreadsheet never runs an id as a formula.
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// A refusal before any row: the API's error shape, `{"error": {"code", "message"}}`.
    private static func refuse(
        _ response: ResponseStream,
        _ status: Int,
        _ code: String,
        _ message: String
    ) async throws {
        try await response.startHTTP(status: status, headers: ["content-type": "application/json"])
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        try await response.write(Array(body.utf8))
    }
}
