package import AWS
package import GavelCore

/// The Auctions table: create, read, list the open ones, accept a bid in one conditional write, and close
/// exactly once.
package struct AuctionStore: Sendable {
    private let dynamo: DynamoDB
    private let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    private static func key(_ auctionId: String) -> [String: AttributeValue] { ["auction_id": .s(auctionId)] }

    /// Puts a new auction; false when the id is taken (by this create's own earlier try, the caller checks).
    package func create(_ auction: Auction) async throws -> Bool {
        try await self.putNew(try DynamoDBEncoder().encode(auction))
    }

    /// A helper of its own: a typed catch that goes on to other work crashes Swift 6.3.1.
    private func putNew(_ item: [String: AttributeValue]) async throws(AWSError) -> Bool {
        do throws(AWSError) {
            try await self.dynamo.putItem(
                table: self.table,
                item: item,
                condition: DynamoDB.Condition("attribute_not_exists(auction_id)")
            )
            return true
        } catch  where error.isConditionalCheckFailed {
            return false
        }
    }

    package func auction(_ auctionId: String, consistent: Bool = false) async throws -> Auction? {
        try await self.dynamo.getItem(table: self.table, key: Self.key(auctionId), consistentRead: consistent).map {
            try DynamoDBDecoder().decode(Auction.self, from: $0)
        }
    }

    /// Auctions in `status`, ending soonest first (`status-end-index`), after the auction `cursor`.
    package func auctions(status: String, after cursor: Auction?, limit: Int) async throws -> Page<Auction> {
        let read = DynamoDB.Read(
            table: self.table,
            index: "status-end-index",
            keyCondition: "#status = :status",
            names: ["#status": "status"],
            values: [":status": .s(status)]
        )
        let start = cursor.map {
            ["status": AttributeValue.s(status), "end_time": .n(String($0.endTime)), "auction_id": .s($0.auctionId)]
        }
        let page = try await self.dynamo.items(read, after: start, limit: limit)
        let auctions = try page.items.map { try DynamoDBDecoder().decode(Auction.self, from: $0) }
        return Page(items: auctions, nextCursor: page.more ? auctions.last?.auctionId : nil)
    }

    /// Why a bid was not accepted.
    package enum Refusal: Error, Sendable, Equatable {
        case noSuchAuction
        case notOpen
        case ownAuction
        case currencyMismatch(String)
        /// The lowest acceptable bid now.
        case tooLow(Int64)
    }

    /// Makes `bid` the high bid, and records it in the outbox, in one conditional UpdateItem: accepted only
    /// while the auction is open, from someone other than the seller, at or above the lowest acceptable bid.
    /// Concurrent bidders race on this one condition; there is no read-then-write.
    /// - Returns: the auction as it was just before (its high bidder is the one now outbid; its outbox holds
    ///   any earlier bid whose send was not confirmed).
    package func accept(_ bid: LiveBid, bidId: String, increment: Int64, nowMs: Int64) async throws -> Auction {
        let (next, overflow) = bid.amount.addingReportingOverflow(increment)
        let entry = try DynamoDBEncoder().encodeValue(
            Auction.OutboxEntry(userId: bid.userId, amount: bid.amount, timestamp: bid.timestamp)
        )
        let old = try await self.conditionalAccept(
            bid,
            bidId: bidId,
            next: overflow ? Int64.max : next,
            entry: entry,
            nowMs: nowMs
        )
        if let old { return try DynamoDBDecoder().decode(Auction.self, from: old) }
        // Refused: say why from the row as it is now.
        guard let current = try await self.auction(bid.auctionId, consistent: true) else { throw Refusal.noSuchAuction }
        // Our own write, whose reply was lost and whose retry the condition then refused.
        if let before = current.asFoundBy(bidId) { return before }
        if current.status != Auction.open || nowMs < current.startTime || nowMs >= current.endTime {
            throw Refusal.notOpen
        }
        if current.sellerId == bid.userId { throw Refusal.ownAuction }
        if current.currency != bid.currency { throw Refusal.currencyMismatch(current.currency) }
        throw Refusal.tooLow(current.minNextBid)
    }

    /// The row before the write, or nil when the condition failed.
    private func conditionalAccept(
        _ bid: LiveBid,
        bidId: String,
        next: Int64,
        entry: AttributeValue,
        nowMs: Int64
    ) async throws(AWSError) -> [String: AttributeValue]? {
        do throws(AWSError) {
            return try await self.dynamo.updateItem(
                table: self.table,
                key: Self.key(bid.auctionId),
                // Operands read the row before the write, so previous_* get the high bid this one replaces.
                update: "SET high_bid = :amount, high_bidder = :user, high_bid_id = :bid, min_next_bid = :next,"
                    + " previous_high_bidder = if_not_exists(high_bidder, :nobody),"
                    + " previous_high_bid = if_not_exists(high_bid, :zero),"
                    + " bid_count = bid_count + :one, outbox.#bid = :entry",
                names: ["#status": "status", "#bid": bidId],
                values: [
                    ":amount": .n(String(bid.amount)), ":user": .s(bid.userId), ":next": .n(String(next)),
                    ":bid": .s(bidId), ":nobody": .s(""), ":zero": .n("0"),
                    ":one": .n("1"), ":entry": entry, ":open": .s(Auction.open), ":now": .n(String(nowMs)),
                    ":currency": .s(bid.currency),
                ],
                condition: DynamoDB.Condition(
                    "attribute_exists(auction_id) AND #status = :open AND start_time <= :now AND end_time > :now"
                        + " AND seller_id <> :user AND min_next_bid <= :amount AND currency = :currency"
                ),
                returnValues: .allOld
            ) ?? [:]
        } catch  where error.isConditionalCheckFailed {
            return nil
        }
    }

    /// Removes bids from the outbox once the queue has them; removing one that is gone is harmless.
    package func clearOutbox(_ auctionId: String, bidIds: [String]) async throws(AWSError) {
        guard !bidIds.isEmpty else { return }
        var names: [String: String] = [:]
        for (index, bidId) in bidIds.enumerated() { names["#b\(index)"] = bidId }
        try await self.dynamo.updateItem(
            table: self.table,
            key: Self.key(auctionId),
            update: "REMOVE " + bidIds.indices.map { "outbox.#b\($0)" }.joined(separator: ", "),
            names: names,
            condition: DynamoDB.Condition("attribute_exists(outbox)")
        )
    }

    /// Closes the auction if it is still OPEN and its end has passed: status, winner and time in one
    /// conditional write, the outbox cleared (the close wrote it to bids_history first).
    /// - Returns: false when it was closed already (a redelivered close message), so nothing more is done.
    package func close(_ auction: Auction, nowMs: Int64) async throws(AWSError) -> Bool {
        var values: [String: AttributeValue] = [
            ":closed": .s(Auction.closed), ":open": .s(Auction.open), ":now": .n(String(nowMs)),
        ]
        var update = "SET #status = :closed, closed_at = :now REMOVE outbox"
        if let winner = auction.winner {
            update = "SET #status = :closed, closed_at = :now, winner_id = :winner REMOVE outbox"
            values[":winner"] = .s(winner)
        }
        do throws(AWSError) {
            try await self.dynamo.updateItem(
                table: self.table,
                key: Self.key(auction.auctionId),
                update: update,
                names: ["#status": "status"],
                values: values,
                condition: DynamoDB.Condition("#status = :open AND end_time <= :now")
            )
            return true
        } catch  where error.isConditionalCheckFailed {
            return false
        }
    }
}
