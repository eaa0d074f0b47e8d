package import GavelCore
import AWS
import LambdaRuntime
import Logging

/// Recording outcomes, and the overdue sweep that records the bids no executor finished.
extension BidExecutorHandler {
    /// Writes the bid's outcome to Bids (only while it is still `from`) and BidHistory in one transaction,
    /// then queues its notification.
    /// - Throws: when the notification cannot be queued, so the invocation fails and its retry (which finds
    ///   the bid recorded but not notified) queues it.
    func record(_ bid: inout SnipeBid, from previous: BidStatus, logger: Logger) async throws {
        let now = WallClock.nowMs()
        bid.updatedAt = now
        let history = BidHistoryEntry(bid: bid, at: now, retentionDays: self.configuration.historyRetentionDays)
        try await self.dynamo.transactWrite([
            .put(
                table: self.configuration.bidsTable,
                item: try DynamoDBEncoder().encode(bid),
                condition: .init("#status = :previous", names: ["#status": "status"], values: [":previous": .s(previous.rawValue)])
            ),
            .put(table: self.configuration.historyTable, item: try DynamoDBEncoder().encode(history)),
        ])
        self.metrics.count(["Bids\(bid.status.rawValue.capitalizedFirst)": 1])
        logger.info("outcome recorded", metadata: ["status": "\(bid.status.rawValue)", "detail": "\(bid.detail ?? "")"])
        try await self.notify(&bid)
    }

    /// Queues the bid's notification and notes that it did.
    func notify(_ bid: inout SnipeBid) async throws {
        guard let notification = bid.notification(appURL: self.configuration.appURL) else { return }
        _ = try await self.sqs.send(notification.outgoingMessage, to: self.configuration.notificationQueueURL)
        let now = WallClock.nowMs()
        try await self.dynamo.updateItem(
            table: self.configuration.bidsTable,
            key: bid.key,
            update: "SET notifiedAt = :now",
            values: [":now": .n(String(now))]
        )
        bid.notifiedAt = now
    }

    /// How long after the auction's end a bid may still be SCHEDULED (its executor starts a minute or more
    /// before the end) or EXECUTING (its executor's timeout has passed) before it counts as missed.
    static let overdueAfter: [BidStatus: Int64] = [.scheduled: 60_000, .executing: 600_000]

    /// Marks MISSED every bid whose executor never ran or never finished, found through the status index.
    /// - Returns: how many were marked.
    func sweepOverdue(logger: Logger) async throws -> Int {
        var missed = 0
        for (status, grace) in Self.overdueAfter.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let read = DynamoDB.Read(
                table: self.configuration.bidsTable,
                index: self.configuration.statusIndex,
                keyCondition: "#status = :status AND auctionEndTime < :before",
                names: ["#status": "status"],
                values: [":status": .s(status.rawValue), ":before": .n(String(WallClock.nowMs() - grace))]
            )
            for keys in try await self.dynamo.all(read) {
                // The index holds keys and attributes as of its last update: read the row itself.
                guard let item = try await self.dynamo.getItem(table: self.configuration.bidsTable, key: keys.filter {
                    $0.key == "userId" || $0.key == "bidId"
                }, consistentRead: true) else { continue }
                var bid = try DynamoDBDecoder().decode(SnipeBid.self, from: item)
                guard bid.status == status else { continue }
                bid.status = .missed
                bid.detail = "the executor did not run before the auction ended; nothing was bid"
                do {
                    try await self.record(&bid, from: status, logger: logger)
                    missed += 1
                } catch let error as AWSError where error.context.code == "TransactionCanceledException" {
                    continue  // the executor finished meanwhile
                }
            }
        }
        if missed > 0 { logger.warning("overdue bids marked missed", metadata: ["count": "\(missed)"]) }
        return missed
    }
}

extension String {
    /// `PLACED` → `Placed`, for metric names.
    fileprivate var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst().lowercased() }
}
