package import GavelCore
import JSON

/// What eBay holds of one buyer's bidding on an auction (Offer `getBidding`,
/// `GET /buy/offer/v1_beta/bidding/{item_id}` with the buyer's token): the only way to learn whether a bid
/// whose reply was lost took effect, and, after the end, whether the buyer won.
package struct EbayBidding: Sendable, Equatable {
    /// eBay's `auctionStatus` is ENDED.
    package var ended: Bool
    /// The buyer is the highest bidder (after the end: the buyer won).
    package var highBidder: Bool
    /// The buyer's proxy bid (`currentProxyBid.maxAmount`).
    package var maxAmount: Money?
    /// The highest bid: the price now, or the final price after the end.
    package var currentPrice: Money?

    package init(ended: Bool, highBidder: Bool, maxAmount: Money?, currentPrice: Money?) {
        self.ended = ended
        self.highBidder = highBidder
        self.maxAmount = maxAmount
        self.currentPrice = currentPrice
    }

    private struct Wire: Decodable {
        struct ProxyBid: Decodable { var maxAmount: EbayAmount? }
        var auctionStatus: String?
        var highBidder: Bool?
        var currentProxyBid: ProxyBid?
        var currentPrice: EbayAmount?
    }

    /// Reads `getBidding`'s JSON; nil when it holds no proxy bid of the buyer.
    static func parse(_ body: [UInt8]) throws(EbayError) -> EbayBidding? {
        guard let wire = try? JSONCoder.decode(Wire.self, from: body) else {
            throw .invalidResponse("the answer is not an Offer API Bidding")
        }
        guard let maxAmount = wire.currentProxyBid?.maxAmount?.money else { return nil }
        return EbayBidding(
            ended: wire.auctionStatus == "ENDED",
            highBidder: wire.highBidder ?? false,
            maxAmount: maxAmount,
            currentPrice: wire.currentPrice?.money
        )
    }
}
