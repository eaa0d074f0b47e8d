package import AWS
package import GavelCore
import JSON
package import LambdaRuntime
import Logging

/// Places one snipe bid when its schedule fires (`{"userId", "bidId"}`), or sweeps overdue bids
/// (`{"sweep": "overdue"}`, from the stack's five-minute schedule).
///
/// A bid: claim it (SCHEDULED → EXECUTING, conditional, so a second delivery does nothing); get a fresh
/// user access token and check the item; build the request; sleep until `auctionEndTime − leadSeconds`
/// (touching eBay two seconds before, so the connection is warm); send it so that it takes effect at most
/// once (`placeOnce`); record the outcome in Bids and BidHistory in one transaction; queue the notification.
/// When eBay's answer was lost and eBay cannot be asked, the bid stays EXECUTING for the sweep to settle.
package struct BidExecutorHandler: FunctionHandler {
    package struct Event: Decodable, Sendable {
        package var userId: String?
        package var bidId: String?
        package var sweep: String?

        package init(userId: String? = nil, bidId: String? = nil, sweep: String? = nil) {
            self.userId = userId
            self.bidId = bidId
            self.sweep = sweep
        }
    }

    package struct Output: Encodable, Sendable {
        package var bidId: String?
        package var status: BidStatus?
        package var detail: String?
        package var sweep: Sweep?
    }

    package let bids: BidStore
    package let users: UserStore
    package let vault: RefreshTokenVault
    package let sqs: SQS
    package let ebay: Ebay
    package let configuration: SniperConfiguration
    package let metrics: Metrics

    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "bid-executor")
    ) throws {
        let configuration = try SniperConfiguration(environment: environment)
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        self.bids = BidStore(dynamo: dynamo, configuration: configuration)
        self.users = UserStore(dynamo: dynamo, table: configuration.usersTable)
        self.vault = RefreshTokenVault(kms: KMS(client: aws.client(.kms)), keyId: nil)
        self.sqs = SQS(client: aws.client(.sqs))
        self.ebay = Ebay(configuration: configuration.ebay, aws: aws)
        self.configuration = configuration
        self.metrics = metrics
    }

    package func serve(_ event: Event, context: LambdaContext) async throws -> Output {
        if event.sweep == "overdue" {
            return Output(sweep: try await self.sweep(logger: context.logger))
        }
        guard let userId = event.userId, let bidId = event.bidId, !userId.isEmpty, !bidId.isEmpty, event.sweep == nil
        else {
            throw ValidationError(field: nil, #"the event must be {"userId", "bidId"} or {"sweep": "overdue"}"#)
        }
        var logger = context.logger
        logger[metadataKey: "bidId"] = "\(bidId)"
        return try await self.execute(userId: userId, bidId: bidId, context: context, logger: logger)
    }

    private func execute(userId: String, bidId: String, context: LambdaContext, logger: Logger) async throws -> Output {
        let token = TimeOrderedId.make(nowMs: WallClock.nowMs())
        // The executor starts a minute or more before the bid is due: twenty seconds of AWS trouble can wait
        // (the claim knows its own effect, so trying it again is safe).
        let deadline = WallClock.nowMs() + 20_000
        let claimed = try await self.persistently(until: deadline, "claiming the bid", logger: logger) {
            try await self.bids.claim(userId: userId, bidId: bidId, token: token, at: WallClock.nowMs())
        }
        guard var bid = claimed else {
            return try await self.alreadyHandled(userId: userId, bidId: bidId, logger: logger)
        }
        let attempt = await self.attempt(&bid, context: context, logger: logger)
        guard attempt.status != .executing else {
            logger.error(
                "the bid's outcome is unknown; the sweep asks eBay",
                metadata: ["detail": "\(attempt.detail ?? "")"]
            )
            return Output(bidId: bid.bidId, status: .executing, detail: attempt.detail)
        }
        bid.status = attempt.status
        bid.detail = attempt.detail
        try await self.record(&bid, from: .executing, logger: logger)
        return Output(bidId: bid.bidId, status: bid.status, detail: bid.detail)
    }

    /// A second delivery: nothing to do, unless the first stopped between recording and notifying.
    private func alreadyHandled(userId: String, bidId: String, logger: Logger) async throws -> Output {
        guard var bid = try await self.bids.bid(userId: userId, bidId: bidId) else {
            logger.warning("no such bid: the schedule outlived its bid")
            return Output(detail: "no such bid")
        }
        logger.info("already handled; nothing to do", metadata: ["status": "\(bid.status.rawValue)"])
        if bid.notifiedAt == nil, bid.status != .executing, bid.status != .scheduled {
            try await self.notify(&bid)
        }
        return Output(bidId: bid.bidId, status: bid.status, detail: "already handled")
    }

    /// Everything between the claim and the record: the outcome and why (EXECUTING: not known).
    private func attempt(
        _ bid: inout SnipeBid,
        context: LambdaContext,
        logger: Logger
    ) async -> (status: BidStatus, detail: String?) {
        do throws(EbayError) {
            let stored: String?
            do {
                stored = try await self.refreshToken(of: bid.userId, retryingUntil: bid.dueAt - 5_000, logger: logger)
            } catch {
                // Not the same as "not linked": the ciphertext does not decrypt for this user, or AWS kept
                // failing until the bid was due. The cause goes to the log, not to the user.
                logger.error("the eBay refresh token could not be read", metadata: ["error": "\(error)"])
                return (.failed, "the eBay account link could not be read; link your eBay account again")
            }
            guard let refreshToken = stored else { return (.failed, "the eBay account is not linked") }
            // Until the bid is due there is time to outlast eBay or AWS being down: each step is tried again.
            let prepareBy = bid.dueAt - 3_000
            var token = try await self.beforeDue(prepareBy, "getting an eBay token", logger: logger) {
                () async throws(EbayError) in try await self.ebay.accessToken(refreshToken: refreshToken)
            }
            var item = try await self.beforeDue(prepareBy, "reading the item", logger: logger) {
                () async throws(EbayError) in try await self.ebay.item(bid.itemId)
            }
            bid.auctionEndTime = item.endTime
            bid.currentPrice = item.currentPrice
            if let early = Self.unbiddable(item, bid) { return early }
            if bid.dueAt - WallClock.nowMs() > context.remainingTime.milliseconds - 10_000 {
                logger.error("the bid is due after this invocation's deadline: raise the function timeout")
                return (.failed, "the executor was started too early to wait for the bid")
            }
            // Two seconds before: refresh what might have gone stale and wake the connection up.
            try? await Task.sleep(for: .milliseconds(max(0, bid.dueAt - 2_000 - WallClock.nowMs())))
            if token.expiresAt < bid.dueAt + 30_000 {
                token = try await self.beforeDue(bid.dueAt - 300, "refreshing the eBay token", logger: logger) {
                    () async throws(EbayError) in try await self.ebay.accessToken(refreshToken: refreshToken)
                }
            }
            item = try await self.beforeDue(bid.dueAt - 300, "reading the item again", logger: logger) {
                () async throws(EbayError) in try await self.ebay.item(bid.itemId)
            }
            bid.auctionEndTime = item.endTime
            bid.currentPrice = item.currentPrice
            if let late = Self.unbiddable(item, bid) { return late }
            let request = self.ebay.bidRequest(itemId: bid.itemId, maxBid: bid.maxBid, accessToken: token.token)
            try? await Task.sleep(for: .milliseconds(max(0, bid.dueAt - WallClock.nowMs())))
            bid.placedAt = WallClock.nowMs()
            let outcome = try await self.placeOnce(
                bid,
                request,
                token: token,
                refreshToken: refreshToken,
                logger: logger
            )
            if outcome.status == .placed {
                logger.info("bid placed", metadata: ["lateMs": "\(bid.placedAt! - bid.dueAt)"])
            }
            return outcome
        } catch {
            return Self.outcome(of: error, logger: logger)
        }
    }

    /// Runs an eBay step that comes before the bid again while eBay (or the secret behind it) is unavailable,
    /// until `until` (Unix ms); other errors, and unavailability past `until`, are thrown.
    private func beforeDue<Value>(
        _ until: Int64,
        _ what: String,
        logger: Logger,
        _ step: () async throws(EbayError) -> Value
    ) async throws(EbayError) -> Value {
        var attempt = 1
        while true {
            // The catch only keeps the error: a typed catch that goes on to other work crashes Swift 6.3.1.
            let result: Result<Value, EbayError>
            do {
                result = .success(try await step())
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let value): return value
            case .failure(let error):
                guard error.isTransient, WallClock.nowMs() + 1_000 < until else { throw error }
                logger.warning("\(what) failed; trying again before the bid is due", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(2_000, 250 * attempt)))
                attempt += 1
            }
        }
    }

    /// Sends the bid so that eBay takes it at most once. After an answer that leaves open whether it went in
    /// (timeout, broken connection, 5xx), eBay is asked (`getBidding`): a proxy bid of our maximum means it
    /// did; none means it did not, and only then is it sent again (three sends at most). A refused token
    /// (401: revoked, clock skew) gets one fresh token and one more send.
    private func placeOnce(
        _ bid: SnipeBid,
        _ prepared: TransportRequest,
        token first: Ebay.AccessToken,
        refreshToken: String,
        logger: Logger
    ) async throws(EbayError) -> (status: BidStatus, detail: String?) {
        var token = first
        var request = prepared
        var refreshed = false
        var lost: String?
        for _ in 1...3 {
            let failure: EbayError
            do throws(EbayError) {
                _ = try await self.ebay.place(request, retryingUntil: bid.auctionEndTime)
                return (.placed, nil)
            } catch {
                failure = error
            }
            switch failure {
            case .refused(status: 401, _, _) where !refreshed:
                refreshed = true
                token = try await self.ebay.accessToken(refreshToken: refreshToken)
                request = self.ebay.bidRequest(itemId: bid.itemId, maxBid: bid.maxBid, accessToken: token.token)
            case .uncertain(let cause):
                logger.warning("eBay's answer to the bid was lost; asking eBay", metadata: ["cause": "\(cause)"])
                lost = cause
                let held: EbayBidding?
                do throws(EbayError) {
                    held = try await self.ebay.bidding(itemId: bid.itemId, accessToken: token.token)
                } catch {
                    logger.error("eBay could not be asked whether the bid went in", metadata: ["error": "\(error)"])
                    return (.executing, "eBay's answer to the bid was lost (\(cause)) and eBay could not be asked")
                }
                if held?.maxAmount == bid.maxBid { return (.placed, "eBay's answer was lost; eBay confirmed the bid") }
            default:
                throw failure
            }
        }
        return (.failed, "eBay did not take the bid: \(lost ?? "no answer")")
    }

    /// An outcome decided before bidding: the auction is over, or already above the user's maximum.
    private static func unbiddable(_ item: EbayItem, _ bid: SnipeBid) -> (status: BidStatus, detail: String?)? {
        if item.hasEnded(nowMs: WallClock.nowMs()) { return (.ended, "the auction ended before the bid was due") }
        if item.currentPrice.amount >= bid.maxBid.amount || item.floor.amount > bid.maxBid.amount {
            return (.outbid, "the price reached \(item.currentPrice.display) before the bid was due")
        }
        return nil
    }

    /// eBay's refusal as an outcome the user can read. The Offer API's error catalogue is not public, so
    /// besides the checks before bidding its message is read for the two refusals a snipe expects.
    static func outcome(of error: EbayError, logger: Logger) -> (status: BidStatus, detail: String?) {
        switch error {
        case .refused(_, _, let message):
            let text = message.lowercased()
            if text.contains(text: "ended") || text.contains(text: "closed") { return (.ended, "eBay: \(message)") }
            if text.contains(text: "outbid") || text.contains(text: "too low") || text.contains(text: "minimum") {
                return (.outbid, "eBay: \(message)")
            }
            return (.failed, error.description)
        case .itemNotFound: return (.ended, "the item no longer exists on eBay")
        case .invalidGrant: return (.failed, "eBay no longer accepts the account link: link your eBay account again")
        case .unavailable: return (.failed, "\(error.description), until the auction ended")
        case .uncertain: return (.executing, error.description)
        case .configuration, .invalidResponse:
            logger.error("bid failed on our side", metadata: ["error": "\(error)"])
            return (.failed, error.description)
        }
    }

    /// The user's eBay refresh token, read again after AWS failures that may pass until `until` (Unix ms): the
    /// executor starts a minute or more before the bid is due, time enough to outlast a blip.
    private func refreshToken(of userId: String, retryingUntil until: Int64, logger: Logger) async throws -> String? {
        try await self.persistently(until: until, "reading the eBay link", logger: logger) {
            try await self.refreshToken(of: userId)
        }
    }

    /// Runs `body` again after AWS failures that may pass (the client's own attempts spent: throttling, 5xx,
    /// a broken connection), while `until` (Unix ms) leaves time: a snipe must not fail, nor its outcome go
    /// unrecorded, for a blip it had time to outlast. Other errors are thrown at once.
    func persistently<Value>(
        until: Int64,
        _ what: String,
        logger: Logger,
        _ body: () async throws -> Value
    ) async throws -> Value {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as AWSError where error.retryClass != .none && WallClock.nowMs() + 2_000 < until {
                logger.warning("\(what) failed; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(2_000, 250 * attempt)))
                attempt += 1
            }
        }
    }

    /// The user's eBay refresh token, decrypted; nil when the account is not linked.
    func refreshToken(of userId: String) async throws -> String? {
        guard let ciphertext = try await self.users.profile(userId)?.ebayRefreshToken else { return nil }
        return try await self.vault.open(ciphertext, for: userId)
    }
}
