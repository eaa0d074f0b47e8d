package import AWS
package import GavelCore
import JSON
import LambdaRuntime

/// Where a snipe bid is in its life.
///
/// SCHEDULED → EXECUTING (the executor's claim) → PLACED, OUTBID, FAILED or ENDED; SCHEDULED → CANCELLED (the
/// user). The sweep settles the rest once the auction is over, asking eBay (`getBidding`) where a bid may have
/// gone in: PLACED → WON or LOST; EXECUTING (an executor that died or lost eBay's answer) → WON, LOST, PLACED
/// or MISSED by what eBay holds; SCHEDULED → MISSED (the executor never ran, so nothing was bid).
package enum BidStatus: String, Codable, Sendable, CaseIterable {
    case scheduled = "SCHEDULED"
    case executing = "EXECUTING"
    case placed = "PLACED"
    case outbid = "OUTBID"
    case failed = "FAILED"
    case ended = "ENDED"
    case cancelled = "CANCELLED"
    case missed = "MISSED"
    case won = "WON"
    case lost = "LOST"

    /// The notification a user gets when a bid reaches this status, if any.
    package var notificationKind: Notification.Kind? {
        switch self {
        case .scheduled: .snipeScheduled
        case .placed: .bidPlaced
        case .outbid: .bidOutbid
        case .failed, .ended: .bidFailed
        case .missed: .bidMissed
        case .won: .auctionWon
        case .lost: .auctionLost
        case .executing, .cancelled: nil
        }
    }
}

/// A row of the Bids table (keys `userId`, `bidId`): one snipe a user scheduled. Times are Unix milliseconds.
package struct SnipeBid: Codable, Sendable, Equatable {
    package var userId: String
    /// Sorts by creation time (12 hex digits of milliseconds, then 16 random ones), so a Query on the user
    /// with the sort key descending lists the newest first.
    package var bidId: String
    package var itemId: String
    package var itemTitle: String
    package var maxBid: Money
    /// The bid goes to eBay this many seconds before the auction ends.
    package var leadSeconds: Int
    package var auctionEndTime: Int64
    package var status: BidStatus
    package var createdAt: Int64
    package var updatedAt: Int64
    /// Why a bid ended as it did (eBay's refusal, the item ended early…); shown to the user.
    package var detail: String?
    /// When the executor sent the bid to eBay.
    package var placedAt: Int64?
    /// The price as eBay last showed it to us: before bidding (Browse), or the final price once the auction is
    /// settled (`getBidding`). Emails quote it.
    package var currentPrice: Money?
    /// When the outcome's notification went on the queue; a redelivered schedule re-sends it while absent.
    package var notifiedAt: Int64?
    /// The status whose notification is owed, while it is not yet on the queue: the key of the sparse
    /// `notify-pending-index`, through which the sweep re-sends what an executor recorded but never queued.
    package var notifyPending: String?
    /// The executor attempt that claimed the bid (random, one per attempt): a claim whose reply was lost reads
    /// the row back and knows its own claim by it.
    package var claimToken: String?
    /// When DynamoDB's TTL may delete the row (Unix seconds): the auction's end plus the retention
    /// (`BID_HISTORY_RETENTION_DAYS`), set by `BidStore` on every write of the whole row.
    package var ttl: Int64?

    package init(
        userId: String,
        bidId: String,
        itemId: String,
        itemTitle: String,
        maxBid: Money,
        leadSeconds: Int,
        auctionEndTime: Int64,
        status: BidStatus,
        createdAt: Int64
    ) {
        self.userId = userId
        self.bidId = bidId
        self.itemId = itemId
        self.itemTitle = itemTitle
        self.maxBid = maxBid
        self.leadSeconds = leadSeconds
        self.auctionEndTime = auctionEndTime
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// A new bid id for a bid created at `nowMs`.
    package static func newId(nowMs: Int64) -> String { TimeOrderedId.make(nowMs: nowMs) }

    /// When the executor must send the bid: `leadSeconds` before the end.
    package var dueAt: Int64 { self.auctionEndTime - Int64(self.leadSeconds) * 1000 }

    /// The key of this row.
    package var key: [String: AttributeValue] { ["userId": .s(self.userId), "bidId": .s(self.bidId)] }

    /// The bid as the API shows it: times in ISO 8601.
    package struct Public: Encodable, Sendable {
        var bidId: String
        var itemId: String
        var itemTitle: String
        var maxBid: Money
        var leadSeconds: Int
        var auctionEndTime: String
        var status: BidStatus
        var createdAt: String
        var updatedAt: String
        var detail: String?
        var placedAt: String?
        var currentPrice: Money?
    }

    package var publicView: Public {
        Public(
            bidId: self.bidId,
            itemId: self.itemId,
            itemTitle: self.itemTitle,
            maxBid: self.maxBid,
            leadSeconds: self.leadSeconds,
            auctionEndTime: ISO8601.string(ms: self.auctionEndTime),
            status: self.status,
            createdAt: ISO8601.string(ms: self.createdAt),
            updatedAt: ISO8601.string(ms: self.updatedAt),
            detail: self.detail,
            placedAt: self.placedAt.map { ISO8601.string(ms: $0) },
            currentPrice: self.currentPrice
        )
    }
}

/// A row of the BidHistory table (keys `userId`, `timestamp` in milliseconds; TTL `ttl` in seconds): one outcome.
package struct BidHistoryEntry: Codable, Sendable, Equatable {
    package var userId: String
    package var timestamp: Int64
    package var bidId: String
    package var itemId: String
    package var itemTitle: String
    package var maxBid: Money
    package var status: BidStatus
    package var detail: String?
    package var ttl: Int64

    package init(bid: SnipeBid, at timestamp: Int64, retentionDays: Int) {
        self.userId = bid.userId
        self.timestamp = timestamp
        self.bidId = bid.bidId
        self.itemId = bid.itemId
        self.itemTitle = bid.itemTitle
        self.maxBid = bid.maxBid
        self.status = bid.status
        self.detail = bid.detail
        self.ttl = timestamp / 1000 + Int64(retentionDays) * 86_400
    }

    /// The entry as the API shows it.
    package struct Public: Encodable, Sendable {
        var timestamp: String
        var bidId: String
        var itemId: String
        var itemTitle: String
        var maxBid: Money
        var status: BidStatus
        var detail: String?
    }

    package var publicView: Public {
        Public(
            timestamp: ISO8601.string(ms: self.timestamp),
            bidId: self.bidId,
            itemId: self.itemId,
            itemTitle: self.itemTitle,
            maxBid: self.maxBid,
            status: self.status,
            detail: self.detail
        )
    }
}

extension SnipeBid {
    /// The email for this bid's current status, or nil when the status has none. Its id is the bid and the
    /// status, so a producer retry is one email (the queue and the notifications ledger both deduplicate).
    package func notification(appURL: String?) -> Notification? {
        guard let kind = self.status.notificationKind else { return nil }
        var data = [
            "itemTitle": self.itemTitle,
            "maxBid": self.maxBid.display,
            "leadSeconds": String(self.leadSeconds),
            "auctionEnd": ISO8601.string(ms: self.auctionEndTime),
        ]
        data["reason"] = self.detail
        data["currentPrice"] = self.currentPrice?.display
        if self.status == .won || self.status == .lost { data["finalPrice"] = self.currentPrice?.display }
        data["link"] = appURL.map { "\($0)/bids/\(self.bidId)" }
        return Notification(
            notificationId: "bid-\(self.bidId)-\(self.status.rawValue)",
            kind: kind,
            userId: self.userId,
            data: data
        )
    }
}
