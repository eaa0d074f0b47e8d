import AWS
import GavelCore
import LambdaRuntime
import Logging

/// Recording outcomes, and the sweep that settles what the executors left: bids whose executor never ran or
/// never finished, auctions that ended (WON or LOST, from eBay), and notifications recorded but never queued.
extension BidExecutorHandler {
    /// Writes the bid's outcome to Bids (only while it is still `from`) and BidHistory in one transaction,
    /// then queues its notification.
    /// - Throws: when the notification cannot be queued, so the invocation fails and its retry (which finds
    ///   the bid recorded but not notified) queues it; the sweep re-sends it as well.
    func record(_ bid: inout SnipeBid, from previous: BidStatus, logger: Logger) async throws {
        bid.updatedAt = WallClock.nowMs()
        let outcome = bid
        // The outcome is known (a bid may be live on eBay): half a minute of AWS trouble must not lose it.
        bid = try await self.persistently(until: bid.updatedAt + 30_000, "recording the outcome", logger: logger) {
            try await self.bids.record(outcome, from: previous)
        }
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
        bid.notifyPending = nil
    }

    /// What one sweep did.
    package struct Sweep: Encodable, Sendable, Equatable {
        /// Bids whose executor never ran (SCHEDULED) or stopped before eBay took the bid, recorded MISSED.
        package var missed = 0
        /// Bids settled from eBay's answer: WON, LOST, or PLACED for a dead executor's bid.
        package var settled = 0
        /// Outcomes recorded earlier whose notification was queued only now.
        package var renotified = 0
        /// Bids whose handling failed (eBay or AWS unavailable); the next sweep tries them again.
        package var failed = 0

        package init(missed: Int = 0, settled: Int = 0, renotified: Int = 0, failed: Int = 0) {
            self.missed = missed
            self.settled = settled
            self.renotified = renotified
            self.failed = failed
        }

        /// What became of one bid.
        fileprivate enum Step { case missed, settled, renotified, unchanged, failed }

        fileprivate mutating func count(_ step: Step) {
            switch step {
            case .missed: self.missed += 1
            case .settled: self.settled += 1
            case .renotified: self.renotified += 1
            case .failed: self.failed += 1
            case .unchanged: break
            }
        }
    }

    /// How long after the auction's end each status is looked at: SCHEDULED (its executor starts a minute or
    /// more before the end), EXECUTING (every executor's 300 s timeout has passed), PLACED (eBay has closed the
    /// auction). Bids whose auction ended more than `settleWithin` ago are left as they are.
    static let settleAfter: [(status: BidStatus, grace: Int64)] = [
        (.scheduled, 60_000), (.executing, 600_000), (.placed, 60_000),
    ]
    static let settleWithin: Int64 = 3 * 86_400_000
    /// A recorded outcome is re-sent only when its executor has had this long to queue it itself.
    static let notifyGrace: Int64 = 60_000

    /// Settles every bid the executors left, one at a time: a failure on one bid is logged and counted, and
    /// the others go on (the schedule runs this every minute, so the failed ones are tried again soon).
    func sweep(logger: Logger) async throws -> Sweep {
        var sweep = Sweep()
        let now = WallClock.nowMs()
        for (status, grace) in Self.settleAfter {
            let bids = try await self.bids.overdue(status, endedBetween: now - Self.settleWithin, and: now - grace)
            for bid in bids {
                sweep.count(
                    await self.isolated(bid, logger: logger) {
                        try await self.settle(&$0, from: status, logger: logger)
                    }
                )
            }
        }
        for bid in try await self.bids.unnotified(recordedBefore: now - Self.notifyGrace) {
            sweep.count(
                await self.isolated(bid, logger: logger) { bid in
                    // A snipe_scheduled email still owed by a bid claimed since: too late to tell, so only clear it.
                    guard bid.notifyPending == bid.status.rawValue else {
                        try await self.bids.markNotified(bid, at: WallClock.nowMs())
                        return .unchanged
                    }
                    try await self.notify(&bid)
                    return .renotified
                }
            )
        }
        if sweep != Sweep() { logger.info("swept", metadata: ["sweep": "\(sweep)"]) }
        self.metrics.count(["SweepFailures": sweep.failed])
        return sweep
    }

    /// Runs `body` on one bid; a row that moved on meanwhile is skipped, any other failure counted.
    private func isolated(
        _ bid: SnipeBid,
        logger: Logger,
        _ body: (inout SnipeBid) async throws -> Sweep.Step
    ) async -> Sweep.Step {
        var bid = bid
        do {
            return try await body(&bid)
        } catch is BidStore.StaleTransition {
            return .unchanged  // an executor or another sweep got there first
        } catch {
            logger.error("the sweep could not settle a bid", metadata: ["bidId": "\(bid.bidId)", "error": "\(error)"])
            return .failed
        }
    }

    /// Records what became of a bid whose auction is over, from what eBay holds where a bid may have gone in.
    private func settle(_ bid: inout SnipeBid, from previous: BidStatus, logger: Logger) async throws -> Sweep.Step {
        guard previous != .scheduled else {
            bid.status = .missed
            bid.detail = "the executor did not run before the auction ended; nothing was bid"
            try await self.record(&bid, from: previous, logger: logger)
            return .missed
        }
        // A failure to read the link is AWS's (tried again next minute); no link at all is the user's doing.
        guard let refreshToken = try await self.refreshToken(of: bid.userId) else {
            guard previous == .executing else { return .unchanged }  // PLACED stays PLACED: nobody to ask
            bid.status = .failed
            bid.detail =
                "the executor stopped and, the eBay account being unlinked, eBay could not be asked whether the bid went in"
            try await self.record(&bid, from: previous, logger: logger)
            return .settled
        }
        let held: EbayBidding?
        switch await self.bidding(of: bid, refreshToken: refreshToken) {
        case .success(let answer): held = answer
        case .failure(let error):
            // eBay's refusal to answer is final for a bid in doubt; anything else is asked again next minute.
            guard previous == .executing, error.isRefusal else { throw error }
            bid.status = .failed
            bid.detail = "the executor stopped and eBay could not be asked whether the bid went in: \(error)"
            try await self.record(&bid, from: previous, logger: logger)
            return .settled
        }
        guard let held else {
            bid.status = previous == .placed ? .lost : .missed
            bid.detail =
                previous == .placed
                ? "eBay holds no bid of yours on this item"
                : "the executor stopped before eBay took the bid; nothing was bid"
            try await self.record(&bid, from: previous, logger: logger)
            return bid.status == .missed ? .missed : .settled
        }
        bid.currentPrice = held.currentPrice ?? bid.currentPrice
        if held.ended {
            bid.status = held.highBidder ? .won : .lost
            bid.detail = held.highBidder ? nil : "another bidder went higher than your maximum"
        } else if previous == .executing {
            bid.status = .placed
            bid.detail = "eBay confirmed the bid after its executor stopped"
        } else {
            return .unchanged  // eBay has not closed the auction yet: next minute
        }
        try await self.record(&bid, from: previous, logger: logger)
        return .settled
    }
}

extension BidExecutorHandler {
    /// What eBay holds of the user's bidding on the bid's item, with a fresh token.
    /// (A helper of its own: a typed catch that filters inside an untyped async function crashes Swift 6.3.1.)
    fileprivate func bidding(of bid: SnipeBid, refreshToken: String) async -> Result<EbayBidding?, EbayError> {
        do throws(EbayError) {
            let token = try await self.ebay.accessToken(refreshToken: refreshToken)
            return .success(try await self.ebay.bidding(itemId: bid.itemId, accessToken: token.token))
        } catch {
            return .failure(error)
        }
    }
}

extension EbayError {
    /// eBay answered and said no: the refresh token is revoked or the request is not allowed.
    fileprivate var isRefusal: Bool {
        switch self {
        case .invalidGrant, .refused: true
        default: false
        }
    }
}

extension String {
    /// `PLACED` → `Placed`, for metric names.
    fileprivate var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst().lowercased() }
}
