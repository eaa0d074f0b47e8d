package import AWS
import GavelCore

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
}
