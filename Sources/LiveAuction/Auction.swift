package import AWS
package import GavelCore
import JSON

/// A live auction, as the Auctions table holds it (key `auction_id`; index `status-end-index` on `status` +
/// `end_time`), seed 001's auction on DynamoDB.
///
/// The current high bid lives on the row, and so does the **outbox**: every accepted bid is written into
/// `outbox` by the same conditional UpdateItem that makes it the high bid, so a bid accepted is a bid
/// recorded, whatever happens to the process next. The api then puts it on the bid-persistence queue and
/// removes it from the outbox; whatever is still there when the auction closes is written to bids_history
/// by the close.
package struct Auction: Codable, Sendable, Equatable {
    package var auctionId: String
    package var sellerId: String
    package var title: String
    package var currency: String
    /// The first bid must be at least this (minor units).
    package var startingPrice: Int64
    /// The lowest price at which the item sells; below it the auction ends without a winner.
    package var reserve: Int64
    package var minIncrement: Int64
    /// Unix milliseconds.
    package var startTime: Int64
    package var endTime: Int64
    /// `OPEN` or `CLOSED`.
    package var status: String
    package var highBid: Int64?
    package var highBidder: String?
    /// The high bid's id (its bids_history sort key): how a retried accept knows the high bid is its own.
    package var highBidId: String?
    /// Who held the high bid before the current one ("" when no one did), and at what amount, written by the
    /// accepting write itself: what a retried accept whose reply was lost tells the outbid bidder from.
    package var previousHighBidder: String?
    package var previousHighBid: Int64?
    package var bidCount: Int64
    /// The lowest acceptable next bid: the starting price, then the high bid plus the increment. Kept on the
    /// row so the acceptance condition is one comparison DynamoDB can make.
    package var minNextBid: Int64
    /// Accepted bids not yet known to be on the queue, by bid id.
    package var outbox: [String: OutboxEntry]?
    package var winnerId: String?
    package var closedAt: Int64?
    package var createdAt: Int64

    package static let open = "OPEN"
    package static let closed = "CLOSED"

    /// One accepted bid waiting in the outbox.
    package struct OutboxEntry: Codable, Sendable, Equatable {
        package var userId: String
        package var amount: Int64
        package var timestamp: Int64

        package init(userId: String, amount: Int64, timestamp: Int64) {
            self.userId = userId
            self.amount = amount
            self.timestamp = timestamp
        }

        private enum CodingKeys: String, CodingKey {
            case userId = "user_id", amount, timestamp
        }
    }

    package init(
        auctionId: String,
        sellerId: String,
        title: String,
        currency: String,
        startingPrice: Int64,
        reserve: Int64,
        minIncrement: Int64,
        startTime: Int64,
        endTime: Int64,
        createdAt: Int64
    ) {
        self.auctionId = auctionId
        self.sellerId = sellerId
        self.title = title
        self.currency = currency
        self.startingPrice = startingPrice
        self.reserve = reserve
        self.minIncrement = minIncrement
        self.startTime = startTime
        self.endTime = endTime
        self.status = Self.open
        self.bidCount = 0
        self.minNextBid = startingPrice
        // An empty map, not none: the accepting write sets `outbox.<bid>`, and DynamoDB sets a map's entry only
        // in a map that exists.
        self.outbox = [:]
        self.createdAt = createdAt
    }

    /// Whether the high bid, if any, met the reserve: then its bidder won.
    package var winner: String? {
        guard let bid = self.highBid, bid >= self.reserve else { return nil }
        return self.highBidder
    }

    /// The row as the accepting write of `bidId` found it, rebuilt from this later read of it, when that
    /// write took effect: its bid is the high bid (the previous high bidder is on the row), or another bid has
    /// replaced it while it is still in the outbox (then who it outbid is no longer known: nil). Nil when
    /// the row shows no sign of the write.
    package func asFoundBy(_ bidId: String) -> Auction? {
        var before = self
        if self.highBidId == bidId {
            before.highBidder = self.previousHighBidder.flatMap { $0.isEmpty ? nil : $0 }
            before.highBid = before.highBidder == nil ? nil : self.previousHighBid
        } else if self.outbox?[bidId] != nil {
            before.highBidder = nil
            before.highBid = nil
        } else {
            return nil
        }
        return before
    }

    /// The bid as bid-persistence reads it from the queue.
    package func liveBid(_ entry: OutboxEntry) -> LiveBid {
        LiveBid(
            auctionId: self.auctionId,
            userId: entry.userId,
            amount: entry.amount,
            currency: self.currency,
            timestamp: entry.timestamp
        )
    }

    private enum CodingKeys: String, CodingKey {
        case auctionId = "auction_id", sellerId = "seller_id", title, currency
        case startingPrice = "starting_price", reserve, minIncrement = "min_increment"
        case startTime = "start_time", endTime = "end_time", status
        case highBid = "high_bid", highBidder = "high_bidder", highBidId = "high_bid_id"
        case previousHighBidder = "previous_high_bidder", previousHighBid = "previous_high_bid"
        case bidCount = "bid_count", minNextBid = "min_next_bid"
        case outbox, winnerId = "winner_id", closedAt = "closed_at", createdAt = "created_at"
    }
}

/// What the auction's one-time schedule puts on the bid-persistence queue at the end time, in the auction's
/// message group, so it is handled after every bid sent before it: `{"type": "close", "auction_id"}`.
package struct AuctionClose: Codable, Sendable, Equatable {
    package var type = "close"
    package var auctionId: String

    package init(auctionId: String) { self.auctionId = auctionId }

    private enum CodingKeys: String, CodingKey { case type, auctionId = "auction_id" }

    /// The body, or nil when `body` is not a close message (then it is read as a bid).
    package static func parse(_ body: String) -> AuctionClose? {
        guard body.contains(text: #""type""#) else { return nil }
        return try? StrictJSON.decode(AuctionClose.self, from: body, allowed: ["type", "auction_id"])
    }

    package var body: String { #"{"type":"close","auction_id":"\#(self.auctionId)"}"# }
}
