import APIGatewayEvents
import AWS
import GavelCore
import JSON
import LambdaRuntime
import LiveAuction
import Logging
import Sniper

/// The live auction (seed 001 on DynamoDB): `POST /auctions` (vendors), `GET /auctions`, `GET /auctions/{id}`,
/// `POST /auctions/{id}/bids`, `GET /auctions/{id}/bids`, `GET /me/live-bids`.
///
/// A bid is accepted by one conditional UpdateItem on the auction row (`AuctionStore.accept`), which also
/// records it in the row's outbox; then it goes to the bid-persistence FIFO queue (group = auction,
/// deduplication id = the bid's) and leaves the outbox. If this process dies between the two, the bid is
/// still in the outbox: the next accepted bid sends it, and the close writes it to bids_history at the latest.
/// The close is a one-time schedule that puts a close message into the auction's group at its end time.
/// The live auction's stores, schedules and settings, when the stack has them.
package struct LiveAuctionStores: Sendable {
    var auctions: AuctionStore
    var bids: LiveBidStore
    var scheduler: Scheduler
    var settings: MarketplaceConfiguration.LiveAuctionSettings
}

extension APIHandler {
    struct AuctionView: Encodable {
        var auctionId: String
        var sellerId: String
        var title: String
        var startingPrice: Money
        var reserveMet: Bool
        var minIncrement: Money
        var startTime: String
        var endTime: String
        var status: String
        var highBid: Money?
        var bidCount: Int64
        /// The lowest bid that would be accepted now.
        var minNextBid: Money
        /// Once closed, the winner (nil when nobody bid or the reserve was not met).
        var winnerId: String?
    }

    static func view(_ auction: Auction) -> AuctionView {
        func money(_ amount: Int64) -> Money { Money(amount: amount, currency: auction.currency) }
        return AuctionView(
            auctionId: auction.auctionId,
            sellerId: auction.sellerId,
            title: auction.title,
            startingPrice: money(auction.startingPrice),
            reserveMet: (auction.highBid ?? -1) >= auction.reserve,
            minIncrement: money(auction.minIncrement),
            startTime: ISO8601.string(ms: auction.startTime),
            endTime: ISO8601.string(ms: auction.endTime),
            status: auction.status,
            highBid: auction.highBid.map(money),
            bidCount: auction.bidCount,
            minNextBid: money(auction.minNextBid),
            winnerId: auction.status == Auction.closed ? auction.winnerId : nil
        )
    }

    struct BidView: Encodable {
        var bidId: String
        var auctionId: String
        var userId: String
        var amount: Money
        var timestamp: String
    }

    static func view(_ bid: LiveBid) -> BidView {
        BidView(
            bidId: bid.sortKey,
            auctionId: bid.auctionId,
            userId: bid.userId,
            amount: Money(amount: bid.amount, currency: bid.currency),
            timestamp: ISO8601.string(ms: bid.timestamp)
        )
    }

    /// The live auction's stores and settings, or 503 when the stack has none.
    func liveAuction() throws(APIError) -> LiveAuctionStores {
        guard let live = self.live else {
            throw APIError(503, "service_unavailable", "live auctions are not configured (AUCTIONS_TABLE)")
        }
        return live
    }

    /// `auc_` and 28 lower-case hex digits.
    static func auctionId(_ text: String?) throws(APIError) -> String {
        guard let text, text.hasPrefix("auc_"), text.utf8.count == 32,
            text.utf8.dropFirst(4).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { throw APIError(404, "not_found", "no such auction") }
        return text
    }

    func createAuction(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let input = try call.decode(APIRequests.CreateAuction.self, fields: APIRequests.CreateAuction.fields)
        let now = WallClock.nowMs()
        var auction = try input.auction(id: "auc_" + TimeOrderedId.make(nowMs: now), sellerId: call.userId, nowMs: now)
        auction.createdAt = now
        // The close first, the auction second (as a snipe's schedule before its bid): a close for an auction
        // never written finds nothing and does nothing, while an auction without its close would never end.
        let close = Scheduler.Schedule(
            name: "close-\(auction.auctionId)",
            group: live.settings.scheduleGroup,
            fireAt: (auction.endTime + 999) / 1000,
            targetARN: live.settings.queueARN,
            roleARN: live.settings.schedulerRoleARN,
            input: AuctionClose(auctionId: auction.auctionId).body,
            messageGroupId: auction.auctionId
        )
        try await live.scheduler.createOnce(close, clientToken: auction.auctionId)
        if try await !live.auctions.create(auction) {
            // The id is taken: by our own put whose reply was lost (the client's retry found it), or not ours.
            guard let existing = try await live.auctions.auction(auction.auctionId, consistent: true),
                existing.sellerId == call.userId, existing.createdAt == auction.createdAt
            else { throw APIError(409, "conflict", "an auction with this id exists; try again") }
            auction = existing
        }
        call.logger.info("auction created", metadata: ["auctionId": "\(auction.auctionId)"])
        return .json(201, Self.view(auction), headers: ["location": "/auctions/\(auction.auctionId)"])
    }

    func listAuctions(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let limit = try Self.limit(call.query)
        let status = call.query["status"] ?? Auction.open
        guard status == Auction.open || status == Auction.closed else {
            throw APIError.invalid("status", "must be OPEN or CLOSED")
        }
        var after: Auction?
        if let cursor = call.query["cursor"] {
            guard let id = try? Self.auctionId(cursor) else {
                throw APIError.invalid("cursor", "is not a cursor this API returned")
            }
            // A cursor whose auction is gone has nothing after it that we can find: an empty last page.
            guard let auction = try await live.auctions.auction(id) else {
                return .json(200, Listing<AuctionView>(items: [], nextCursor: nil))
            }
            after = auction
        }
        let page = try await live.auctions.auctions(status: status, after: after, limit: limit)
        return .json(200, Listing(items: page.items.map(Self.view), nextCursor: page.nextCursor))
    }

    func getAuction(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let id = try Self.auctionId(call.parameters["auctionId"])
        guard let auction = try await live.auctions.auction(id) else {
            throw APIError(404, "not_found", "no such auction")
        }
        return .json(200, Self.view(auction))
    }

    func placeLiveBid(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let id = try Self.auctionId(call.parameters["auctionId"])
        let input = try call.decode(APIRequests.MoneyInput.self, fields: ["amount", "currency"])
        let money = try input.validated(field: "")
        guard let auction = try await live.auctions.auction(id) else {
            throw APIError(404, "not_found", "no such auction")
        }
        let now = WallClock.nowMs()
        try await self.limit(RateLimits.liveBids, userId: call.userId, nowMs: now)
        let bid = LiveBid(
            auctionId: id,
            userId: call.userId,
            amount: money.amount,
            currency: money.currency,
            timestamp: now
        )
        let before: Auction
        do {
            before = try await live.auctions.accept(
                bid,
                bidId: bid.sortKey,
                increment: auction.minIncrement,
                nowMs: now
            )
        } catch let refusal as AuctionStore.Refusal {
            throw Self.refusal(refusal, currency: auction.currency)
        }
        self.metrics.count(["LiveBidsAccepted": 1])
        await self.hand(bid, andStrandedOf: before, to: live, logger: call.logger)
        if let outbid = before.highBidder, outbid != call.userId {
            await self.tellOutbid(outbid, by: bid, in: before, logger: call.logger)
        }
        return .json(201, Self.view(bid), headers: ["location": "/auctions/\(id)/bids"])
    }

    static func refusal(_ refusal: AuctionStore.Refusal, currency: String) -> APIError {
        switch refusal {
        case .noSuchAuction: APIError(404, "not_found", "no such auction")
        case .notOpen: APIError(409, "auction_not_open", "the auction is not open for bids")
        case .ownAuction: APIError(403, "own_auction", "sellers cannot bid in their own auctions")
        case .currencyMismatch(let currency):
            APIError.invalid("currency", "the auction is in \(currency)")
        case .tooLow(let minimum):
            APIError(
                409,
                "bid_too_low",
                "the lowest acceptable bid is now \(Money(amount: minimum, currency: currency).display)",
                field: "amount"
            )
        }
    }

    /// Puts the bid, and any earlier bid still in the outbox, on the bid-persistence queue, then takes them
    /// out of the outbox. A failure is logged, not the request's: the bid was accepted and the outbox keeps it.
    private func hand(
        _ bid: LiveBid,
        andStrandedOf before: Auction,
        to live: LiveAuctionStores,
        logger: Logger
    ) async {
        let stranded = (before.outbox ?? [:]).values.map(before.liveBid).filter { $0 != bid }
        let bids = Array(([bid] + stranded.sorted { $0.timestamp < $1.timestamp }).prefix(SQS.batchLimit))
        do {
            let result = try await self.sqs.sendBatch(bids.map(Self.message), to: live.settings.queueURL)
            let ids = bids.indices.filter { result.succeeded[$0] != nil }.map { bids[$0].sortKey }
            try await live.auctions.clearOutbox(bid.auctionId, bidIds: ids)
        } catch {
            logger.warning(
                "an accepted bid is not on the queue yet; the outbox keeps it",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// The queue message of a bid: bid-persistence's body, in the auction's group, deduplicated by the bid.
    static func message(_ bid: LiveBid) -> SQS.OutgoingMessage {
        let body =
            #"{"auction_id":"\#(bid.auctionId)","user_id":"\#(bid.userId)","amount":\#(bid.amount),"currency":"\#(bid.currency)","timestamp":\#(bid.timestamp)}"#
        return SQS.OutgoingMessage(
            body: body,
            groupId: bid.auctionId,
            deduplicationId: Digest.hex(Array(Digest.sha256(Array(bid.sortKey.utf8)).prefix(32)))
        )
    }

    private func tellOutbid(_ userId: String, by bid: LiveBid, in auction: Auction, logger: Logger) async {
        var data = [
            "auctionTitle": auction.title, "newAmount": Money(amount: bid.amount, currency: bid.currency).display,
        ]
        data["link"] = self.configuration.appURL.map { "\($0)/auctions/\(auction.auctionId)" }
        let notification = Notification(
            notificationId: "outbid-\(Digest.hex(Array(Digest.sha256(Array((userId + bid.sortKey).utf8)).prefix(16))))",
            kind: .liveOutbid,
            userId: userId,
            data: data
        )
        do {
            _ = try await self.sqs.send(notification.outgoingMessage, to: self.configuration.notificationQueueURL)
        } catch {
            logger.warning("the outbid email was not queued", metadata: ["error": "\(error)"])
        }
    }

    func auctionBids(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let id = try Self.auctionId(call.parameters["auctionId"])
        let limit = try Self.limit(call.query)
        let cursor = call.query["cursor"]
        if let cursor, !Self.isBidId(cursor) { throw APIError.invalid("cursor", "is not a cursor this API returned") }
        guard try await live.auctions.auction(id) != nil else { throw APIError(404, "not_found", "no such auction") }
        let page = try await live.bids.bids(of: id, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map { Self.view($0.bid) }, nextCursor: page.nextCursor))
    }

    func myLiveBids(_ call: Call) async throws -> APIGatewayResponse {
        let live = try self.liveAuction()
        let limit = try Self.limit(call.query)
        let cursor = call.query["cursor"]
        if let cursor {
            let parts = cursor.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, (try? Self.auctionId(parts[0])) != nil, Self.isBidId(parts[1]) else {
                throw APIError.invalid("cursor", "is not a cursor this API returned")
            }
        }
        let page = try await live.bids.bids(byUser: call.userId, after: cursor, limit: limit)
        return .json(200, Listing(items: page.items.map { Self.view($0.bid) }, nextCursor: page.nextCursor))
    }

    /// `<13-digit ms>#<user>#<amount>`: a bids_history sort key.
    static func isBidId(_ text: String) -> Bool {
        let parts = text.split(separator: "#", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 13 && parts[0].allSatisfy(\.isWholeNumber)
            && APIRequests.isToken(String(parts[1]), maxLength: 128) && !parts[2].isEmpty
            && parts[2].count <= 19 && parts[2].allSatisfy(\.isWholeNumber)
    }
}
