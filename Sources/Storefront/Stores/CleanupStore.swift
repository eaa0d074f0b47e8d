package import AWS

/// The tables the daily cleanup sweeps (Analytics, Sessions) and the Jobs row (`job` = `cleanup`) where it
/// keeps its checkpoint between runs.
///
/// Neither swept table has a key or index on age that spans partitions, so each sweep is a Scan filtered to
/// what has expired and projected to the keys, read a page (and a segment) at a time.
package struct CleanupStore: Sendable {
    private let dynamo: DynamoDB
    private let analyticsTable: String
    private let sessionsTable: String
    private let jobsTable: String

    package init(dynamo: DynamoDB, configuration: CleanupConfiguration) {
        self.dynamo = dynamo
        self.analyticsTable = configuration.analyticsTable
        self.sessionsTable = configuration.sessionsTable
        self.jobsTable = configuration.jobsTable
    }

    /// What one sweep reads: expired items of one table, keys only.
    package struct Sweep: Sendable {
        fileprivate var read: DynamoDB.Read
        fileprivate var keyNames: [String]
    }

    /// Analytics items whose `timestamp` (Unix ms) is before `cutoffMs`.
    package func analytics(olderThan cutoffMs: Int64, pageSize: Int) -> Sweep {
        Sweep(
            read: DynamoDB.Read(
                table: self.analyticsTable,
                filter: "#timestamp < :cutoff",
                projection: "#product, #timestamp",
                names: ["#product": "product_id", "#timestamp": "timestamp"],
                values: [":cutoff": .n(String(cutoffMs))],
                limit: pageSize
            ),
            keyNames: ["product_id", "timestamp"]
        )
    }

    /// Sessions whose `expires_at` (the TTL attribute, Unix seconds) is before `nowSeconds`.
    package func sessions(expiredBefore nowSeconds: Int64, pageSize: Int) -> Sweep {
        Sweep(
            read: DynamoDB.Read(
                table: self.sessionsTable,
                filter: "#expires < :now",
                projection: "#session",
                names: ["#session": "session_id", "#expires": "expires_at"],
                values: [":now": .n(String(nowSeconds))],
                limit: pageSize
            ),
            keyNames: ["session_id"]
        )
    }

    /// One page of `sweep`'s segment `segment.index` of `segment.of`, after `startKey`.
    /// - Returns: the expired items' keys, and where the segment goes on (nil when it is done).
    package func page(
        of sweep: Sweep,
        after startKey: [String: AttributeValue]?,
        segment: (index: Int, of: Int)
    ) async throws -> (keys: [[String: AttributeValue]], next: [String: AttributeValue]?) {
        let page = try await self.dynamo.page(sweep.read, startKey: startKey, segment: segment)
        return (page.items.map { $0.filter { sweep.keyNames.contains($0.key) } }, page.lastEvaluatedKey)
    }

    /// Deletes the items of `keys` (read by `sweep`); deleting what is gone already is no error.
    package func delete(_ keys: [[String: AttributeValue]], of sweep: Sweep) async throws {
        try await self.dynamo.batchWrite(table: sweep.read.table, keys.map { .delete(key: $0) })
    }

    /// What the Jobs table holds for the cleanup.
    package enum SavedCheckpoint: Sendable, Equatable {
        case none
        /// A row that is not a checkpoint this code wrote.
        case unreadable
        case saved(CleanupCheckpoint)
    }

    /// The checkpoint a previous run left, read consistently.
    package func checkpoint() async throws -> SavedCheckpoint {
        guard
            let item = try await self.dynamo.getItem(
                table: self.jobsTable,
                key: Self.checkpointKey,
                consistentRead: true
            )
        else {
            return .none
        }
        return CleanupCheckpoint(item: item).map(SavedCheckpoint.saved) ?? .unreadable
    }

    /// Saves `checkpoint` over any earlier one.
    package func save(_ checkpoint: CleanupCheckpoint) async throws {
        try await self.dynamo.putItem(table: self.jobsTable, item: checkpoint.item)
    }

    /// Deletes the checkpoint: the cleanup finished.
    package func deleteCheckpoint() async throws {
        try await self.dynamo.deleteItem(table: self.jobsTable, key: Self.checkpointKey)
    }

    private static let checkpointKey: [String: AttributeValue] = ["job": .s(CleanupCheckpoint.job)]
}
