import APIGatewayEvents
import AWS
import GavelCore
import LambdaRuntime
import Logging
import Sniper

/// `POST /bids`, `GET /bids/{bidId}`, `PATCH /bids/{bidId}`, `DELETE /bids/{bidId}`.
///
/// Ordering keeps a bid and its schedule together: a new bid's schedule is created first and the bid put
/// second (a schedule whose bid was never written finds nothing and does nothing; a bid without a schedule
/// would never run), and the schedule is deleted again when the put fails. A cancel marks the bid first, so
/// a schedule that fires anyway finds it CANCELLED.
extension APIHandler {
    func createBid(_ call: Call) async throws -> APIGatewayResponse {
        let input = try call.decode(APIRequests.CreateBid.self, fields: APIRequests.CreateBid.fields)
        let itemId = try APIRequests.itemId(input.itemId)
        let maxBid = try input.maxBid.validated(field: "maxBid")
        let lead = try APIRequests.leadSeconds(input.leadSeconds)
        let user = try await self.users.profile(call.userId)
        guard user?.ebayRefreshToken != nil else {
            throw APIError(409, "ebay_not_linked", "link your eBay account (POST /me/ebay) before scheduling bids")
        }
        let open = try await self.bids.bids(
            of: call.userId,
            status: .scheduled,
            after: nil,
            limit: RateLimits.openSnipes
        )
        guard open.items.count < RateLimits.openSnipes else {
            throw APIError(
                409,
                "too_many_snipes",
                "at most \(RateLimits.openSnipes) snipes can be scheduled at once; cancel one or wait for one to run"
            )
        }
        let item = try await self.liveItem(itemId, maxBid: maxBid, userId: call.userId)
        let now = WallClock.nowMs()
        var bid = SnipeBid(
            userId: call.userId,
            bidId: SnipeBid.newId(nowMs: now),
            itemId: itemId,
            itemTitle: item.title,
            maxBid: maxBid,
            leadSeconds: lead,
            auctionEndTime: item.endTime,
            status: .scheduled,
            createdAt: now
        )
        bid.currentPrice = item.currentPrice
        guard let fireAt = BidSchedules.fireTime(dueAtMs: bid.dueAt, nowMs: now) else {
            throw Self.tooSoon
        }
        try await self.schedules.create(bid, fireAt: fireAt)
        try await self.store(bid, logger: call.logger)
        call.logger.info("bid scheduled", metadata: ["bidId": "\(bid.bidId)", "fireAt": "\(fireAt)"])
        await self.notify(bid, logger: call.logger)
        bid.updatedAt = now
        return .json(201, bid.publicView, headers: ["location": "/bids/\(bid.bidId)"])
    }

    /// Puts a new bid whose schedule exists; when the put fails, deletes the schedule again.
    private func store(_ bid: SnipeBid, logger: Logger) async throws {
        do {
            try await self.bids.create(bid)
        } catch {
            await self.deleteSchedule(of: bid, logger: logger)
            throw error
        }
    }

    static let tooSoon = APIError(
        409,
        "auction_ends_too_soon",
        "the auction ends too soon to schedule a snipe (Scheduler needs about three minutes' notice)"
    )

    /// The item, checked to be an auction still running in `maxBid`'s currency below `maxBid`: from the
    /// 30-second cache, or from eBay within the user's lookup limit.
    private func liveItem(_ itemId: String, maxBid: Money, userId: String) async throws -> EbayItem {
        let now = WallClock.nowMs()
        let item: EbayItem
        if let cached = self.itemCache.item(itemId, nowMs: now) {
            item = cached
        } else {
            try await self.limit(RateLimits.itemLookups, userId: userId, nowMs: now)
            item = try await self.ebay.item(itemId)
            self.itemCache.store(item, for: itemId, nowMs: now)
        }
        guard item.isAuction else {
            throw APIError(400, "not_an_auction", "the item is not an auction", field: "itemId")
        }
        guard !item.hasEnded(nowMs: WallClock.nowMs()) else {
            throw APIError(409, "auction_ended", "the auction has ended")
        }
        guard item.currentPrice.currency == maxBid.currency else {
            throw APIError.invalid("maxBid.currency", "the item is priced in \(item.currentPrice.currency)")
        }
        guard maxBid.amount >= item.floor.amount, maxBid.amount > item.currentPrice.amount else {
            throw APIError(
                400,
                "bid_too_low",
                "must be above the current price of \(item.currentPrice.display)",
                field: "maxBid.amount"
            )
        }
        return item
    }

    /// The caller's bid named in the path; 404 for a bid of another user exactly as for none at all.
    func loadBid(_ call: Call) async throws -> SnipeBid {
        let bidId = call.parameters["bidId"] ?? ""
        guard bidId.utf8.count <= 64, let bid = try await self.bids.bid(userId: call.userId, bidId: bidId) else {
            throw APIError.notFound
        }
        return bid
    }

    func changeBid(_ call: Call) async throws -> APIGatewayResponse {
        let input = try call.decode(APIRequests.ChangeBid.self, fields: APIRequests.ChangeBid.fields)
        guard input.maxBid != nil || input.leadSeconds != nil else {
            throw APIError.invalid(nil, "nothing to change: send maxBid, leadSeconds or both")
        }
        let old = try await self.loadBid(call)
        var bid = old
        if let input = input.maxBid {
            let maxBid = try input.validated(field: "maxBid")
            guard maxBid.currency == old.maxBid.currency else {
                throw APIError.invalid("maxBid.currency", "must stay \(old.maxBid.currency)")
            }
            bid.maxBid = maxBid
        }
        if input.leadSeconds != nil { bid.leadSeconds = try APIRequests.leadSeconds(input.leadSeconds) }
        guard old.status == .scheduled else { throw Self.notScheduled(old) }
        let item = try await self.liveItem(bid.itemId, maxBid: bid.maxBid, userId: call.userId)
        let now = WallClock.nowMs()
        bid.auctionEndTime = item.endTime  // eBay may have extended it
        bid.updatedAt = now
        guard let fireAt = BidSchedules.fireTime(dueAtMs: bid.dueAt, nowMs: now) else { throw Self.tooSoon }
        try await self.replace(old, with: bid)
        if fireAt != BidSchedules.fireTime(dueAtMs: old.dueAt, nowMs: now) {
            do throws(AWSError) {
                try await self.schedules.update(bid, fireAt: fireAt)
            } catch {
                try? await self.replace(bid, with: old)
                throw error
            }
        }
        return .json(200, bid.publicView)
    }

    /// Writes `new` over `old` while the bid is still SCHEDULED; 409 when the executor claimed it meanwhile.
    private func replace(_ old: SnipeBid, with new: SnipeBid) async throws {
        guard try await self.bids.replaceScheduled(with: new) else { throw Self.notScheduled(old) }
    }

    static func notScheduled(_ bid: SnipeBid) -> APIError {
        APIError(409, "not_scheduled", "the bid is \(bid.status.rawValue), so it can no longer change")
    }

    /// Cancels a SCHEDULED bid; cancelling a cancelled bid again returns it unchanged.
    func cancelBid(_ call: Call) async throws -> APIGatewayResponse {
        var bid = try await self.loadBid(call)
        if bid.status == .cancelled { return .json(200, bid.publicView) }
        guard bid.status == .scheduled else { throw Self.notScheduled(bid) }
        bid.status = .cancelled
        bid.updatedAt = WallClock.nowMs()
        guard try await self.bids.cancel(bid) else {
            // Changed meanwhile: cancelled by a concurrent request (fine) or claimed by the executor (too late).
            let current = try await self.loadBid(call)
            if current.status == .cancelled { return .json(200, current.publicView) }
            throw Self.notScheduled(current)
        }
        await self.deleteSchedule(of: bid, logger: call.logger)
        return .json(200, bid.publicView)
    }

    /// Deletes the bid's schedule. A failure is logged, not raised: the executor's claim needs SCHEDULED, so a
    /// schedule that fires for a cancelled or unsaved bid changes nothing.
    private func deleteSchedule(of bid: SnipeBid, logger: Logger) async {
        do throws(AWSError) {
            try await self.schedules.delete(bidId: bid.bidId)
        } catch {
            logger.warning(
                "the bid's schedule was not deleted; it will fire and do nothing",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// Puts the bid's notification on the queue and notes that it did; a failure is logged, never the
    /// request's failure: the row still owes the email (`notifyPending`), so the executor's sweep sends it.
    private func notify(_ bid: SnipeBid, logger: Logger) async {
        guard let notification = bid.notification(appURL: self.configuration.appURL) else { return }
        do {
            _ = try await self.sqs.send(notification.outgoingMessage, to: self.configuration.notificationQueueURL)
            try await self.bids.markNotified(bid, at: WallClock.nowMs())
        } catch {
            logger.warning("the confirmation email was not queued; the sweep will", metadata: ["error": "\(error)"])
        }
    }
}
