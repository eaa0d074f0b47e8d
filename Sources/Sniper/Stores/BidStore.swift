package import AWS
package import GavelCore
import LambdaRuntime

/// The Bids and BidHistory tables: each snipe's row and the outcomes it went through.
///
/// The bid state machine (`BidStatus`) is enforced here, by conditional writes: a bid is created only if new,
/// changed or cancelled only while SCHEDULED, claimed SCHEDULED → EXECUTING by one executor, and its outcome
/// recorded only while it is still in the state the caller saw, together with its history entry.
package struct BidStore: Sendable {
    private let dynamo: DynamoDB
    private let bidsTable: String
    private let historyTable: String
    private let statusIndex: String
    private let notifyIndex: String
    private let historyRetentionDays: Int

    package init(dynamo: DynamoDB, configuration: SniperConfiguration) {
        self.dynamo = dynamo
        self.bidsTable = configuration.bidsTable
        self.historyTable = configuration.historyTable
        self.statusIndex = configuration.statusIndex
        self.notifyIndex = configuration.notifyIndex
        self.historyRetentionDays = configuration.historyRetentionDays
    }

    /// A transition found the bid in another state than the one it needs.
    package struct StaleTransition: Error, CustomStringConvertible {
        package var bidId: String
        package var expected: BidStatus
        package var description: String { "bid \(self.bidId) is no longer \(self.expected.rawValue)" }
    }

    /// The bid, read consistently; nil when there is none.
    package func bid(userId: String, bidId: String) async throws -> SnipeBid? {
        try await self.dynamo.getItem(table: self.bidsTable, key: Self.key(userId, bidId), consistentRead: true).map {
            try DynamoDBDecoder().decode(SnipeBid.self, from: $0)
        }
    }

    /// Puts a new bid; fails when its id exists.
    ///
    /// Retry-safe: when the client's retry of a put whose reply was lost finds the id taken, the row is read
    /// back, and a row equal to `bid` is this put's own effect.
    /// The new row owes its `snipe_scheduled` email (`notifyPending`) until `markNotified`.
    package func create(_ bid: SnipeBid) async throws {
        var bid = self.expiring(bid)
        bid.notifyPending = BidStatus.scheduled.rawValue
        let item = try DynamoDBEncoder().encode(bid)
        let created = try await self.conditionally { () async throws(AWSError) in
            try await self.dynamo.putItem(
                table: self.bidsTable,
                item: item,
                condition: .init("attribute_not_exists(bidId)")
            )
        }
        if created { return }
        guard try await self.bid(userId: bid.userId, bidId: bid.bidId) == bid else {
            throw AWSError.service(
                .init(service: "dynamodb", operation: "PutItem", code: "ConditionalCheckFailedException"),
                message: "bid \(bid.bidId) exists already"
            )
        }
    }

    /// Writes `bid` over the stored row while that row is still SCHEDULED.
    /// - Returns: false when it is no longer SCHEDULED (the executor claimed it, or it was cancelled).
    package func replaceScheduled(with bid: SnipeBid) async throws -> Bool {
        let item = try DynamoDBEncoder().encode(self.expiring(bid))
        return try await self.conditionally { () async throws(AWSError) in
            try await self.dynamo.putItem(table: self.bidsTable, item: item, condition: Self.while(.scheduled))
        }
    }

    /// SCHEDULED → CANCELLED, stamped `bid.updatedAt`.
    /// - Returns: false when the bid was no longer SCHEDULED.
    package func cancel(_ bid: SnipeBid) async throws -> Bool {
        try await self.conditionally { () async throws(AWSError) in
            try await self.dynamo.updateItem(
                table: self.bidsTable,
                key: bid.key,
                update: "SET #status = :cancelled, updatedAt = :now",
                names: ["#status": "status"],
                values: [
                    ":cancelled": .s(BidStatus.cancelled.rawValue), ":now": .n(String(bid.updatedAt)),
                    ":expected": .s(BidStatus.scheduled.rawValue),
                ],
                condition: .init("#status = :expected")
            )
        }
    }

    /// SCHEDULED → EXECUTING: the executor's claim, which only one attempt can win.
    ///
    /// Retry-safe: the claim writes `token` (random, one per executor attempt); when the client's retry of a
    /// claim whose reply was lost fails its condition, the row read back with our token is our own claim.
    /// - Returns: the claimed bid, or nil when it is not SCHEDULED (or does not exist) and not ours.
    package func claim(userId: String, bidId: String, token: String, at nowMs: Int64) async throws -> SnipeBid? {
        var claimed: [String: AttributeValue]?
        let won = try await self.conditionally { () async throws(AWSError) in
            claimed = try await self.dynamo.updateItem(
                table: self.bidsTable,
                key: Self.key(userId, bidId),
                update: "SET #status = :executing, updatedAt = :now, claimToken = :token",
                names: ["#status": "status"],
                values: [
                    ":executing": .s(BidStatus.executing.rawValue), ":expected": .s(BidStatus.scheduled.rawValue),
                    ":now": .n(String(nowMs)), ":token": .s(token),
                ],
                condition: .init("#status = :expected"),
                returnValues: .allNew
            )
        }
        guard won, let claimed else {
            let current = try await self.bid(userId: userId, bidId: bidId)
            return current?.status == .executing && current?.claimToken == token ? current : nil
        }
        return try DynamoDBDecoder().decode(SnipeBid.self, from: claimed)
    }

    /// Records `bid`'s outcome: its row (only while it is still `previous`) and a history entry stamped
    /// `bid.updatedAt`, in one transaction. The row owes its status's notification (`notifyPending`) until
    /// `markNotified`.
    ///
    /// Retry-safe: the transaction carries a token of this outcome (DynamoDB ignores a repeat within ten
    /// minutes); and when a retry whose first reply was lost finds the row moved on, a row equal to what this
    /// call wrote is its own effect.
    /// - Returns: the row as written.
    /// - Throws: `StaleTransition` when the row is no longer `previous`; `AWSError` when DynamoDB fails.
    @discardableResult
    package func record(_ bid: SnipeBid, from previous: BidStatus) async throws -> SnipeBid {
        var row = self.expiring(bid)
        row.notifiedAt = nil
        row.notifyPending = bid.status.notificationKind == nil ? nil : bid.status.rawValue
        let history = BidHistoryEntry(bid: row, at: row.updatedAt, retentionDays: self.historyRetentionDays)
        let writes: [DynamoDB.TransactWrite] = [
            .put(table: self.bidsTable, item: try DynamoDBEncoder().encode(row), condition: Self.while(previous)),
            .put(table: self.historyTable, item: try DynamoDBEncoder().encode(history)),
        ]
        let outcome = "\(row.bidId) \(previous.rawValue) \(row.status.rawValue) \(row.updatedAt)"
        let token = String(Digest.sha256Hex(outcome.utf8).prefix(36))  // at most 36 characters
        guard try await self.commit(writes, token: token) else {
            guard try await self.bid(userId: row.userId, bidId: row.bidId) == row else {
                throw StaleTransition(bidId: row.bidId, expected: previous)
            }
            return row
        }
        return row
    }

    /// Notes that the bid's current notification is on the queue (and leaves `notify-pending-index`).
    package func markNotified(_ bid: SnipeBid, at nowMs: Int64) async throws {
        try await self.dynamo.updateItem(
            table: self.bidsTable,
            key: bid.key,
            update: "SET notifiedAt = :now REMOVE notifyPending",
            values: [":now": .n(String(nowMs))]
        )
    }

    /// Bids whose outcome was recorded before `recordedBefore` (Unix ms) and whose notification is still owed,
    /// through the sparse `notify-pending-index` (empty but for rows an executor recorded and then died).
    package func unnotified(recordedBefore: Int64) async throws -> [SnipeBid] {
        var bids: [SnipeBid] = []
        for status in BidStatus.allCases where status.notificationKind != nil {
            let read = DynamoDB.Read(
                table: self.bidsTable,
                index: self.notifyIndex,
                keyCondition: "notifyPending = :status AND updatedAt < :before",
                values: [":status": .s(status.rawValue), ":before": .n(String(recordedBefore))]
            )
            bids += try await self.current(try await self.dynamo.all(read)) { $0.notifyPending != nil }
        }
        return bids
    }

    /// Bids still in `status` whose auction ended between `endedAfter` and `endedBefore` (Unix ms), through the
    /// status index, each read again from the table (the index lags) and kept only if it is still in `status`.
    package func overdue(
        _ status: BidStatus,
        endedBetween endedAfter: Int64,
        and endedBefore: Int64
    ) async throws -> [SnipeBid] {
        let read = DynamoDB.Read(
            table: self.bidsTable,
            index: self.statusIndex,
            keyCondition: "#status = :status AND auctionEndTime BETWEEN :after AND :before",
            names: ["#status": "status"],
            values: [
                ":status": .s(status.rawValue), ":after": .n(String(endedAfter)), ":before": .n(String(endedBefore)),
            ]
        )
        return try await self.current(try await self.dynamo.all(read)) { $0.status == status }
    }

    /// The rows behind index keys, each read again from the table (an index lags) and kept if `still` holds.
    private func current(
        _ keys: [[String: AttributeValue]],
        where still: (SnipeBid) -> Bool
    ) async throws -> [SnipeBid] {
        var bids: [SnipeBid] = []
        for key in keys {
            guard case .s(let userId)? = key["userId"], case .s(let bidId)? = key["bidId"],
                let bid = try await self.bid(userId: userId, bidId: bidId), still(bid)
            else { continue }
            bids.append(bid)
        }
        return bids
    }

    /// One page of a user's rows, newest first.
    package typealias Page = GavelCore.Page

    /// The user's bids, newest first, optionally only those in `status`, after the bid `cursor`.
    package func bids(
        of userId: String,
        status: BidStatus?,
        after cursor: String?,
        limit: Int
    ) async throws -> Page<SnipeBid> {
        let filter = status.map {
            DynamoDB.Condition("#status = :status", names: ["#status": "status"], values: [":status": .s($0.rawValue)])
        }
        let page = try await self.page(
            table: self.bidsTable,
            sortKey: "bidId",
            cursor: cursor.map(AttributeValue.s),
            filter: filter,
            limit: limit,
            userId: userId
        )
        return Page(
            items: try page.items.map { try DynamoDBDecoder().decode(SnipeBid.self, from: $0) },
            nextCursor: page.next.flatMap { if case .s(let id) = $0 { id } else { nil } }
        )
    }

    /// The user's history entries, newest first, after the entry at `cursor` (Unix ms).
    package func history(of userId: String, after cursor: Int64?, limit: Int) async throws -> Page<BidHistoryEntry> {
        let page = try await self.page(
            table: self.historyTable,
            sortKey: "timestamp",
            cursor: cursor.map { .n(String($0)) },
            filter: nil,
            limit: limit,
            userId: userId
        )
        return Page(
            items: try page.items.map { try DynamoDBDecoder().decode(BidHistoryEntry.self, from: $0) },
            nextCursor: page.next.flatMap { if case .n(let text) = $0 { text } else { nil } }
        )
    }

    /// Reads the user's rows of `table` newest first, after the row whose sort key is `cursor`.
    ///
    /// The cursor is only a sort key, never a whole DynamoDB key: the partition is always the caller, so a
    /// cursor cannot reach another user's rows.
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
            ascending: false
        )
        let start = cursor.map { ["userId": AttributeValue.s(userId), sortKey: $0] }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        return (page.items, page.more ? page.items.last?[sortKey] : nil)
    }

    /// `bid` with its TTL: the auction's end plus the retention (it moves when eBay extends an auction).
    private func expiring(_ bid: SnipeBid) -> SnipeBid {
        var bid = bid
        bid.ttl = bid.auctionEndTime / 1000 + Int64(self.historyRetentionDays) * 86_400
        return bid
    }

    private static func key(_ userId: String, _ bidId: String) -> [String: AttributeValue] {
        ["userId": .s(userId), "bidId": .s(bidId)]
    }

    /// The condition that the row is in `status`.
    private static func `while`(_ status: BidStatus) -> DynamoDB.Condition {
        .init("#status = :expected", names: ["#status": "status"], values: [":expected": .s(status.rawValue)])
    }

    /// Runs a transaction; false when DynamoDB cancelled it (a condition failed).
    private func commit(_ writes: [DynamoDB.TransactWrite], token: String) async throws(AWSError) -> Bool {
        do {
            try await self.dynamo.transactWrite(writes, token: token)
            return true
        } catch {
            if error.context.code == "TransactionCanceledException" { return false }
            throw error
        }
    }

    /// Runs a conditional write; false when its condition failed.
    /// (A helper of its own: a typed catch that filters inside an untyped async function crashes Swift 6.3.1.)
    private func conditionally(_ write: () async throws(AWSError) -> Void) async throws(AWSError) -> Bool {
        do {
            try await write()
            return true
        } catch {
            if error.isConditionalCheckFailed { return false }
            throw error
        }
    }
}
