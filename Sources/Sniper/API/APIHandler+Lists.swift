package import GavelCore
import AWS

/// `GET /bids` and `GET /history`: the caller's rows, newest first, `limit` (1 to 100, default 20) at a time.
///
/// The cursor is the sort key of the last row returned (a bid id, or a history timestamp), never a whole
/// DynamoDB key: the partition is always the caller, so a cursor cannot reach another user's rows.
extension APIHandler {
    private struct Listing<Row: Encodable>: Encodable {
        var items: [Row]
        var nextCursor: String?
    }

    private static func limit(_ query: [String: String]) throws(APIError) -> Int {
        guard let text = query["limit"] else { return 20 }
        guard let limit = Int(text), (1...100).contains(limit) else { throw .invalid("limit", "must be from 1 to 100") }
        return limit
    }

    /// Reads the caller's rows of `table` newest first, after the row whose sort key is `cursor`.
    private func page(
        table: String,
        sortKey: String,
        cursor: AttributeValue?,
        filter: DynamoDB.Condition?,
        limit: Int,
        userId: String
    ) async throws(AWSError) -> (items: [[String: AttributeValue]], next: AttributeValue?) {
        let read = DynamoDB.Read(
            table: table,
            keyCondition: "userId = :user",
            filter: filter?.expression,
            names: filter?.names ?? [:],
            values: (filter?.values ?? [:]).merging([":user": .s(userId)]) { $1 },
            ascending: false,
            limit: filter == nil ? limit + 1 : 100
        )
        var items: [[String: AttributeValue]] = []
        var start = cursor.map { ["userId": AttributeValue.s(userId), sortKey: $0] }
        // A filtered page may hold fewer than `limit` rows: read on until there are `limit` + 1 (so we know
        // whether another page exists) or the partition ends.
        repeat {
            let page = try await self.dynamo.page(read, startKey: start)
            items += page.items
            start = page.lastEvaluatedKey
        } while items.count <= limit && start != nil
        guard items.count > limit else { return (items, nil) }
        items.removeLast(items.count - limit)
        return (items, items.last?[sortKey])
    }

    func listBids(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        var filter: DynamoDB.Condition?
        if let text = call.query["status"] {
            guard let status = BidStatus(rawValue: text) else {
                throw APIError.invalid("status", "must be one of \(BidStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = .init("#status = :status", names: ["#status": "status"], values: [":status": .s(status.rawValue)])
        }
        var cursor: AttributeValue?
        if let text = call.query["cursor"] {
            guard text.utf8.count == 28, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw APIError.invalid("cursor", "is not a cursor this API returned")
            }
            cursor = .s(text)
        }
        let page = try await self.page(
            table: self.configuration.bidsTable,
            sortKey: "bidId",
            cursor: cursor,
            filter: filter,
            limit: limit,
            userId: call.userId
        )
        let bids = try page.items.map { try DynamoDBDecoder().decode(SnipeBid.self, from: $0).publicView }
        return .json(200, Listing(items: bids, nextCursor: page.next.flatMap { if case .s(let id) = $0 { id } else { nil } }))
    }

    func history(_ call: Call) async throws -> APIGatewayResponse {
        let limit = try Self.limit(call.query)
        var cursor: AttributeValue?
        if let text = call.query["cursor"] {
            guard let value = Int64(text), value > 0 else { throw APIError.invalid("cursor", "is not a cursor this API returned") }
            cursor = .n(String(value))
        }
        let page = try await self.page(
            table: self.configuration.historyTable,
            sortKey: "timestamp",
            cursor: cursor,
            filter: nil,
            limit: limit,
            userId: call.userId
        )
        let entries = try page.items.map { try DynamoDBDecoder().decode(BidHistoryEntry.self, from: $0).publicView }
        return .json(200, Listing(items: entries, nextCursor: page.next.flatMap { if case .n(let text) = $0 { text } else { nil } }))
    }
}
