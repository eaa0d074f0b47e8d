package import AWS
package import GavelCore

/// A bid placed in a live auction, as the auction service puts it on the bid-persistence FIFO queue:
/// `{auction_id, user_id, amount, currency, timestamp}`, the amount in minor units, the time in milliseconds.
package struct LiveBid: Sendable, Equatable, Decodable {
    package var auctionId: String
    package var userId: String
    /// Minor units (cents, pence): money is never floating point.
    package var amount: Int64
    /// ISO 4217, three capital letters.
    package var currency: String
    /// Milliseconds since the Unix epoch.
    package var timestamp: Int64

    enum CodingKeys: String, CodingKey, CaseIterable {
        case auctionId = "auction_id", userId = "user_id", amount, currency, timestamp
    }

    package init(auctionId: String, userId: String, amount: Int64, currency: String, timestamp: Int64) {
        self.auctionId = auctionId
        self.userId = userId
        self.amount = amount
        self.currency = currency
        self.timestamp = timestamp
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.auctionId = try container.decode(String.self, forKey: .auctionId)
        self.userId = try container.decode(String.self, forKey: .userId)
        self.amount = try container.integer(.amount)
        self.currency = try container.decode(String.self, forKey: .currency)
        self.timestamp = try container.integer(.timestamp)
    }

    /// Reads and checks a queue message body.
    /// - Throws: `ValidationError` naming the field at fault.
    package static func parse(_ body: String) throws(ValidationError) -> LiveBid {
        let bid = try StrictJSON.decode(
            LiveBid.self,
            from: body,
            allowed: Set(CodingKeys.allCases.map(\.rawValue))
        )
        try bid.validate()
        return bid
    }

    private func validate() throws(ValidationError) {
        for (field, value) in [("auction_id", self.auctionId), ("user_id", self.userId)] {
            guard !value.isEmpty, value.utf8.count <= 256 else {
                throw ValidationError(field: field, "must be 1 to 256 bytes")
            }
            // `#` separates the sort key's parts; a user id holding one would make keys ambiguous.
            guard !value.contains("#") else { throw ValidationError(field: field, "must not contain '#'") }
        }
        guard self.amount > 0 else { throw ValidationError(field: "amount", "must be a positive count of minor units") }
        guard self.currency.utf8.count == 3, self.currency.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw ValidationError(field: "currency", "must be an ISO 4217 code (three capital letters)")
        }
        // 2001-09-09 to 2286-11-20: milliseconds with 13 digits, which also catches seconds sent by mistake.
        guard (1_000_000_000_000...9_999_999_999_999).contains(self.timestamp) else {
            throw ValidationError(field: "timestamp", "must be milliseconds since the Unix epoch")
        }
    }

    /// The bids_history sort key (seed 001 names it `timestamp#user_id`): the timestamp zero-padded so text
    /// order is time order, the user, then the amount.
    ///
    /// Why the amount: two bids by one user in the same millisecond shared `timestamp#user_id`, and the second
    /// overwrote the first. With the amount, two messages share a key only when every field of the message is
    /// equal, and such messages are indistinguishable: the same bid delivered again, which must overwrite
    /// (idempotent). Neither part can contain `#` (checked at parse), so the key reads back unambiguously.
    package var sortKey: String {
        let digits = String(self.timestamp)
        return String(repeating: "0", count: max(0, 13 - digits.count)) + digits + "#" + self.userId + "#"
            + String(self.amount)
    }

    /// The bids_history item. Everything, `ttl_expiry` included, derives from the bid itself, so writing a
    /// redelivered message again is an identical overwrite. (`currency` is not in the key: an auction has one.)
    /// - Parameter retentionSeconds: how long after the bid DynamoDB's TTL may delete it.
    package func item(retentionSeconds: Int64) -> [String: AttributeValue] {
        [
            "auction_id": .s(self.auctionId),
            "timestamp#user_id": .s(self.sortKey),
            "user_id": .s(self.userId),
            "timestamp": .n(String(self.timestamp)),
            "amount": .n(String(self.amount)),
            "currency": .s(self.currency),
            "ttl_expiry": .n(String(self.timestamp / 1000 + retentionSeconds)),
        ]
    }
}
