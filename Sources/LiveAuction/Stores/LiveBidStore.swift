package import AWS
package import GavelCore

/// The bids_history table (keys `auction_id`, `timestamp#user_id`; TTL `ttl_expiry`): every accepted live bid.
///
/// Writes are plain puts of rows whose keys and contents derive from the bid alone, so writing a bid twice
/// (a redelivery) is an identical overwrite: idempotent without a condition.
package struct LiveBidStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String
    private let retentionSeconds: Int64

    package init(dynamo: DynamoDB, table: String, retentionDays: Int) {
        self.dynamo = dynamo
        self.table = table
        self.retentionSeconds = Int64(retentionDays) * 86_400
    }

    /// Writes `bids` with BatchWriteItem (unprocessed items retried), one write per key.
    package func write(_ bids: [LiveBid]) async throws(AWSError) {
        // One write per key: a batch holding the same bid twice (a producer retry) would make DynamoDB refuse
        // the whole BatchWriteItem.
        var items: [String: [String: AttributeValue]] = [:]
        for bid in bids {
            items[bid.auctionId + "\u{0}" + bid.sortKey] = bid.item(retentionSeconds: self.retentionSeconds)
        }
        guard !items.isEmpty else { return }
        try await self.dynamo.batchWrite(table: self.table, items.values.map { .put($0) })
    }

    /// One row of bids_history as the API shows it.
    package struct Row: Sendable, Equatable {
        package var bid: LiveBid
        /// The row's sort key: the bid's id, and the cursor after it.
        package var bidId: String { self.bid.sortKey }
    }

    private static func row(_ item: [String: AttributeValue]) -> Row? {
        guard case .s(let auction)? = item["auction_id"], case .s(let user)? = item["user_id"],
            case .n(let amount)? = item["amount"], case .s(let currency)? = item["currency"],
            case .n(let timestamp)? = item["timestamp"], let amount = Int64(amount), let timestamp = Int64(timestamp)
        else { return nil }
        return Row(
            bid: LiveBid(auctionId: auction, userId: user, amount: amount, currency: currency, timestamp: timestamp)
        )
    }

    /// The auction's bids, newest first, after the bid `cursor` (a sort key this store returned).
    package func bids(of auctionId: String, after cursor: String?, limit: Int) async throws(AWSError) -> Page<Row> {
        let read = DynamoDB.Read(
            table: self.table,
            keyCondition: "auction_id = :auction",
            values: [":auction": .s(auctionId)],
            ascending: false,
            consistentRead: true
        )
        let start = cursor.map { ["auction_id": AttributeValue.s(auctionId), "timestamp#user_id": .s($0)] }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let rows = page.items.compactMap(Self.row)
        return Page(items: rows, nextCursor: page.more ? rows.last?.bidId : nil)
    }

    /// Every bid of the auction (the close reads them to tell each bidder how it ended).
    package func allBids(of auctionId: String) async throws(AWSError) -> [LiveBid] {
        let read = DynamoDB.Read(
            table: self.table,
            keyCondition: "auction_id = :auction",
            values: [":auction": .s(auctionId)],
            consistentRead: true
        )
        return try await self.dynamo.all(read).compactMap(Self.row).map(\.bid)
    }

    /// The user's bids in every auction, newest first (`user_id-timestamp-index`), after the bid `cursor`
    /// (`<auction_id>/<sort key>`, as returned).
    package func bids(byUser userId: String, after cursor: String?, limit: Int) async throws(AWSError) -> Page<Row> {
        let read = DynamoDB.Read(
            table: self.table,
            index: "user_id-timestamp-index",
            keyCondition: "user_id = :user",
            values: [":user": .s(userId)],
            ascending: false
        )
        var start: [String: AttributeValue]?
        if let cursor, let slash = cursor.firstIndex(of: "/") {
            let sortKey = String(cursor[cursor.index(after: slash)...])
            let timestamp = sortKey.prefix { $0 != "#" }.drop { $0 == "0" }
            start = [
                "user_id": .s(userId), "timestamp": .n(timestamp.isEmpty ? "0" : String(timestamp)),
                "auction_id": .s(String(cursor[..<slash])), "timestamp#user_id": .s(sortKey),
            ]
        }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let rows = page.items.compactMap(Self.row)
        return Page(items: rows, nextCursor: page.more ? rows.last.map { "\($0.bid.auctionId)/\($0.bidId)" } : nil)
    }
}
