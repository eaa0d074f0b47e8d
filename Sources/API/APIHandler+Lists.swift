import APIGatewayEvents
import GavelCore
import Sniper

/// `GET /bids` and `GET /history`: the caller's rows, newest first, `limit` (1 to 100, default 20) at a time.
///
/// The cursor is the sort key of the last row returned (a bid id, or a history timestamp), never a whole
/// DynamoDB key: the partition is always the caller (`BidStore`), so a cursor cannot reach another user's rows.
extension APIHandler {
    struct Listing<Row: Encodable>: Encodable {
        var items: [Row]
        var nextCursor: String?
    }

    static func limit(_ query: [String: String]) throws(APIError) -> Int {
        guard let text = query["limit"] else { return 20 }
        guard let limit = Int(text), (1...100).contains(limit) else { throw .invalid("limit", "must be from 1 to 100") }
        return limit
    }

    func listBids(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        var status: BidStatus?
        if let text = call.query["status"] {
            guard let parsed = BidStatus(rawValue: text) else {
                throw APIError.invalid(
                    "status",
                    "must be one of \(BidStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            status = parsed
        }
        let cursor = call.query["cursor"]
        if let text = cursor {
            guard text.utf8.count == 28, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else {
                throw APIError.invalid("cursor", "is not a cursor this API returned")
            }
        }
        let page = try await self.bids.bids(of: call.userId, status: status, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map(\.publicView), nextCursor: page.nextCursor))
    }

    func history(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        var cursor: Int64?
        if let text = call.query["cursor"] {
            guard let value = Int64(text), value > 0 else {
                throw APIError.invalid("cursor", "is not a cursor this API returned")
            }
            cursor = value
        }
        let page = try await self.bids.history(of: call.userId, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map(\.publicView), nextCursor: page.nextCursor))
    }
}
