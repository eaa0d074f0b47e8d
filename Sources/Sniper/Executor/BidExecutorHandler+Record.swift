import AWS
import GavelCore
import LambdaRuntime
import Logging

/// Recording outcomes, and the overdue sweep that records the bids no executor finished.
extension BidExecutorHandler {
    /// Writes the bid's outcome to Bids (only while it is still `from`) and BidHistory in one transaction,
    /// then queues its notification.
    /// - Throws: when the notification cannot be queued, so the invocation fails and its retry (which finds
    ///   the bid recorded but not notified) queues it.
    func record(_ bid: inout SnipeBid, from previous: BidStatus, logger: Logger) async throws {
        bid.updatedAt = WallClock.nowMs()
        try await self.bids.record(bid, from: previous)
        self.metrics.count(["Bids\(bid.status.rawValue.capitalizedFirst)": 1])
        logger.info(
            "outcome recorded",
            metadata: ["status": "\(bid.status.rawValue)", "detail": "\(bid.detail ?? "")"]
        )
        try await self.notify(&bid)
    }

    /// Queues the bid's notification and notes that it did.
    func notify(_ bid: inout SnipeBid) async throws {
        guard let notification = bid.notification(appURL: self.configuration.appURL) else { return }
        _ = try await self.sqs.send(notification.outgoingMessage, to: self.configuration.notificationQueueURL)
        let now = WallClock.nowMs()
        try await self.bids.markNotified(bid, at: now)
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
            for var bid in try await self.bids.overdue(status, endedBefore: WallClock.nowMs() - grace) {
                bid.status = .missed
                bid.detail = "the executor did not run before the auction ended; nothing was bid"
                do {
                    try await self.record(&bid, from: status, logger: logger)
                    missed += 1
                } catch is BidStore.StaleTransition {
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
