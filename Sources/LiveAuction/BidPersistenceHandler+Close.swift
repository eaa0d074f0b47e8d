import AWS
import GavelCore
import LambdaRuntime
import Logging

/// Closing an auction at its end: exactly once, and only after every accepted bid is in bids_history.
///
/// The close message is in the auction's FIFO group, so every bid the api put on the queue before the end is
/// written before it (`process` flushes them first). A bid accepted but never queued (the api died between
/// the two) is still in the row's outbox: it is written here. Then each bidder is told (`auction_won` to the
/// winner, `auction_lost` to the others; ids fixed per auction and user, so a redelivered close sends no
/// second email), and the row is closed by one conditional write.
extension BidPersistenceHandler {
    struct CloseTooEarly: Error, CustomStringConvertible {
        var auctionId: String
        var description: String { "auction \(self.auctionId) has not ended yet; its close message comes back" }
    }

    struct NoAuctionsTable: Error, CustomStringConvertible {
        var description: String { "AUCTIONS_TABLE is not set: this function cannot close auctions" }
    }

    /// - Returns: true when this call closed the auction; false when it was closed already or never existed.
    func close(_ message: AuctionClose, logger: Logger) async throws -> Bool {
        guard let auctions = self.auctions else { throw NoAuctionsTable() }
        guard let auction = try await auctions.auction(message.auctionId, consistent: true) else {
            logger.warning(
                "close message for an auction that does not exist",
                metadata: ["auctionId": "\(message.auctionId)"]
            )
            return false
        }
        guard auction.status == Auction.open else { return false }
        let now = WallClock.nowMs()
        guard now >= auction.endTime else { throw CloseTooEarly(auctionId: auction.auctionId) }
        let stranded = (auction.outbox ?? [:]).values.map(auction.liveBid)
        try await self.bids.write(stranded)
        if !stranded.isEmpty {
            logger.info("bids from the outbox written", metadata: ["count": "\(stranded.count)"])
        }
        try await self.tellBidders(auction, bids: try await self.bids.allBids(of: auction.auctionId))
        if try await auctions.close(auction, nowMs: now) {
            logger.info(
                "auction closed",
                metadata: ["auctionId": "\(auction.auctionId)", "winner": "\(auction.winner != nil)"]
            )
            return true
        }
        return false  // closed by a concurrent delivery of the same message
    }

    /// `auction_won` to the winner and `auction_lost` to every other bidder, with their own highest bid.
    private func tellBidders(_ auction: Auction, bids: [LiveBid]) async throws {
        guard let queue = self.configuration.notificationQueueURL, !bids.isEmpty else { return }
        var highest: [String: Int64] = [:]
        for bid in bids { highest[bid.userId] = max(highest[bid.userId] ?? 0, bid.amount) }
        let finalPrice = Money(amount: auction.highBid ?? 0, currency: auction.currency).display
        let link = self.configuration.appURL.map { "\($0)/auctions/\(auction.auctionId)" }
        let winner = auction.winner
        let notifications = highest.keys.sorted().map { user -> Notification in
            var data = ["itemTitle": auction.title, "finalPrice": finalPrice]
            data["link"] = link
            if user == winner {
                return Notification(
                    notificationId: "auction-\(auction.auctionId)-won-\(user)",
                    kind: .auctionWon,
                    userId: user,
                    data: data
                )
            }
            data["maxBid"] = Money(amount: highest[user] ?? 0, currency: auction.currency).display
            return Notification(
                notificationId: "auction-\(auction.auctionId)-lost-\(user)",
                kind: .auctionLost,
                userId: user,
                data: data
            )
        }
        for start in stride(from: 0, to: notifications.count, by: 10) {
            let chunk = notifications[start..<min(start + 10, notifications.count)]
            let result = try await self.sqs.sendBatch(chunk.map(\.outgoingMessage), to: queue)
            if let failure = result.failed.first {
                throw AWSError.service(
                    .init(service: "sqs", operation: "SendMessageBatch", code: failure.code),
                    message: failure.message ?? "an auction notification was not queued"
                )
            }
        }
    }
}
