package import GavelCore
import JSON
import LambdaRuntime

/// The parts of a Browse API item (`GET /buy/browse/v1/item/{item_id}`) a snipe needs.
package struct EbayItem: Sendable, Equatable {
    package var itemId: String
    package var title: String
    package var isAuction: Bool
    /// The current high bid, or the start price when nobody has bid.
    package var currentPrice: Money
    /// The least a new bid must be, when eBay says.
    package var minimumBid: Money?
    /// Unix milliseconds.
    package var endTime: Int64

    package init(
        itemId: String,
        title: String,
        isAuction: Bool,
        currentPrice: Money,
        minimumBid: Money?,
        endTime: Int64
    ) {
        self.itemId = itemId
        self.title = title
        self.isAuction = isAuction
        self.currentPrice = currentPrice
        self.minimumBid = minimumBid
        self.endTime = endTime
    }

    package func hasEnded(nowMs: Int64) -> Bool { self.endTime <= nowMs }

    /// The lowest amount a bid can be.
    package var floor: Money { self.minimumBid ?? self.currentPrice }

    private struct Wire: Decodable {
        var itemId: String
        var title: String?
        var buyingOptions: [String]?
        var currentBidPrice: EbayAmount?
        var price: EbayAmount?
        var minimumPriceToBid: EbayAmount?
        var itemEndDate: String?
    }

    /// Reads Browse's JSON.
    /// - Throws: `EbayError.invalidResponse` naming what is missing.
    static func parse(_ body: [UInt8]) throws(EbayError) -> EbayItem {
        guard let wire = try? JSONCoder.decode(Wire.self, from: body) else {
            throw .invalidResponse("the item is not a Browse API item")
        }
        guard let price = (wire.currentBidPrice ?? wire.price)?.money else {
            throw .invalidResponse("item \(wire.itemId) has no readable price")
        }
        guard let end = wire.itemEndDate.flatMap(ISO8601.unixMs) else {
            throw .invalidResponse("item \(wire.itemId) has no readable itemEndDate")
        }
        return EbayItem(
            itemId: wire.itemId,
            title: wire.title ?? wire.itemId,
            isAuction: wire.buyingOptions?.contains("AUCTION") ?? false,
            currentPrice: price,
            minimumBid: wire.minimumPriceToBid?.money,
            endTime: end
        )
    }
}

/// An amount as eBay's REST APIs write it: `{"value": "12.50", "currency": "USD"}`.
struct EbayAmount: Decodable {
    var value: String
    var currency: String
    var money: Money? { Money(decimal: self.value, currency: self.currency) }
}
