import API
import AWS
import FoundationEssentials
import GavelCore
import GavelDev
import GavelFixtures
import GavelTesting
import JSON
import LambdaRuntime
import Sniper
import Testing

/// Every route of the api function and its errors, in-process against moto and the fake eBay.
@Suite struct APIHandlerTests {
    /// Runs `body` with a fresh fixture, the fake eBay holding a few items, and `u-ada` linked.
    static func with(_ body: (SniperAPI, FakeEbay) async throws -> Void) async throws {
        let ebay = FakeEbay()
        let hour = WallClock.nowMs() + 3_600_000
        ebay.addItem("v1|100|0", .init(title: "Leica M6", price: 20_00, endMs: hour))
        ebay.addItem("v1|200|0", .init(title: "Rolleiflex", price: 30_00, endMs: hour))
        ebay.addItem("v1|ended|0", .init(title: "Gone", price: 10_00, endMs: WallClock.nowMs() - 1000))
        ebay.addItem("v1|soon|0", .init(title: "Soon", price: 10_00, endMs: WallClock.nowMs() + 60_000))
        ebay.addItem("v1|fixed|0", .init(title: "Buy now", price: 10_00, endMs: hour, auction: false))
        ebay.addItem("v1|gbp|0", .init(title: "Pounds", price: 10_00, currency: "GBP", endMs: hour))
        try await ebay.with { url in
            let fixture = try await SniperFixture.make(ebay: ebay, ebayURL: url)
            try await fixture.linkUser("u-ada")
            try await fixture.linkUser("u-bob", email: "bob@example.com")
            try await body(try SniperAPI(fixture), ebay)
        }
    }

    @Test func aScheduleWhoseCreateReplyWasLostIsStillOurs() async throws {
        try await Self.with { api, _ in
            let proxy = FaultProxy(
                upstream: api.fixture.moto.endpoint,
                operation: "POST /schedules/",
                count: 1,
                fault: .lostReply
            )
            try await proxy.with { endpoint in
                var environment = api.fixture.environment
                environment["AWS_ENDPOINT_URL_SCHEDULER"] = endpoint
                let faulty = try SniperAPI(api.fixture, environment: environment)
                let created = try await faulty.call(
                    "POST",
                    "/bids",
                    body: #"{"itemId":"v1|100|0","maxBid":{"amount":7500,"currency":"USD"}}"#
                )
                #expect(created.status == 201, "\(created.body)")
                #expect(proxy.attempts == 2)  // the lost create, and the client's retry
                let bid = try created.decode(SniperAPI.Bid.self)
                let scheduler = Scheduler(client: try api.fixture.moto.client(.scheduler))
                #expect(try await scheduler.get(name: "snipe-\(bid.bidId)", group: api.fixture.scheduleGroup) != nil)
                let stored = try await BidStore(
                    dynamo: try api.fixture.dynamo(),
                    configuration: try SniperConfiguration(environment: api.fixture.environment)
                ).bid(userId: "u-ada", bidId: bid.bidId)
                #expect(stored?.status == .scheduled)
            }
        }
    }

    @Test func routingAnswersHealthUnknownPathsWrongMethodsAndMissingClaims() async throws {
        try await Self.with { api, _ in
            let health = try await api.call("GET", "/health", user: nil)
            #expect(health.status == 200 && health.body == #"{"status":"ok"}"#)
            let unknown = try await api.call("GET", "/nope")
            #expect(unknown.status == 404 && unknown.error?.code == "not_found")
            let wrong = try await api.call("POST", "/me")
            #expect(wrong.status == 405 && wrong.headers["allow"] == "GET, PUT")
            #expect(wrong.body.contains(#""field":null"#))  // one shape: field present even when there is none
            let anonymous = try await api.call("GET", "/me", user: nil)
            #expect(anonymous.status == 401 && anonymous.error?.code == "unauthorized")
            let huge = try await api.call(
                "PUT",
                "/me",
                body: #"{"name":""# + String(repeating: "x", count: 70_000) + #""}"#
            )
            #expect(huge.status == 413 && huge.error?.code == "payload_too_large")
        }
    }

    @Test func theProfileIsReadWrittenAndValidated() async throws {
        try await Self.with { api, _ in
            struct Profile: Decodable {
                struct Link: Decodable { var linked: Bool }
                var userId: String
                var email: String?
                var name: String?
                var timeZone: String
                var notifications: [String: Bool]
                var ebay: Link
                var emailSuppression: [String: String]?
            }
            let fresh = try await api.call("GET", "/me", user: "u-new", email: "new@example.com").decode(Profile.self)
            #expect(fresh.userId == "u-new" && fresh.email == "new@example.com" && fresh.timeZone == "UTC")
            #expect(
                fresh.notifications.count == Notification.Kind.allCases.count
                    && fresh.notifications.values.allSatisfy { $0 }
            )
            #expect(!fresh.ebay.linked)

            let put = try await api.call(
                "PUT",
                "/me",
                body: #"{"name":"Ada L","timeZone":"Europe/London","notifications":{"bid_outbid":false}}"#
            )
            #expect(put.status == 200, "\(put.body)")
            let saved = try await api.call("GET", "/me").decode(Profile.self)
            #expect(
                saved.name == "Ada L" && saved.timeZone == "Europe/London" && saved.notifications["bid_outbid"] == false
            )
            #expect(saved.ebay.linked)  // PUT /me keeps the eBay link
            // The notifications consumer reads the same row.
            let row = try await api.fixture.dynamo().getItem(
                table: api.fixture.usersTable,
                key: ["userId": .s("u-ada")]
            )
            let profile = try DynamoDBDecoder().decode(UserProfile.self, from: try #require(row))
            #expect(!profile.wants(.bidOutbid) && profile.wants(.bidPlaced) && profile.email == "ada@example.com")
            #expect(saved.emailSuppression == nil)

            // SES reported the stored address (the notifications function wrote this): GET /me says why no
            // email comes; a report about an address the user no longer has is not shown.
            for (address, shown) in [("old@example.com", false), ("ada@example.com", true)] {
                try await api.fixture.dynamo().updateItem(
                    table: api.fixture.usersTable,
                    key: ["userId": .s("u-ada")],
                    update: "SET emailSuppression = :s",
                    values: [
                        ":s": .m(["address": .s(address), "reason": .s("complaint"), "at": .n("1764669600000")])
                    ]
                )
                let suppressed = try await api.call("GET", "/me").decode(Profile.self).emailSuppression
                #expect(
                    suppressed
                        == (shown
                            ? ["address": address, "reason": "complaint", "since": "2025-12-02T10:00:00.000Z"] : nil)
                )
            }

            for (body, field) in [
                (#"{"notifications":{"bid_lost":true}}"#, "notifications.bid_lost"),
                (#"{"timeZone":"Europe/../etc"}"#, "timeZone"),
                (#"{"nickname":"A"}"#, "nickname"),
                (#"{"name":7}"#, "name"),
                (#"{"notifications":{"bid_placed":"no"}}"#, "notifications.bid_placed"),
            ] {
                let answer = try await api.call("PUT", "/me", body: body)
                #expect(answer.status == 400 && answer.error?.field == field, "\(body) → \(answer.body)")
            }
        }
    }

    @Test func linkingEBayStoresTheRefreshTokenEncryptedAndUnlinkingForgetsIt() async throws {
        try await Self.with { api, ebay in
            ebay.allowCode("code-123", refreshToken: "v^1.1#refresh-secret")
            let linked = try await api.call("POST", "/me/ebay", body: #"{"code":"code-123"}"#, user: "u-carol")
            #expect(linked.status == 200 && linked.body.contains(#""linked":true"#), "\(linked.body)")
            #expect(!linked.body.contains("refresh-secret"))
            let row = try #require(
                try await api.fixture.dynamo().getItem(table: api.fixture.usersTable, key: ["userId": .s("u-carol")])
            )
            guard case .b(let ciphertext)? = row["ebayRefreshToken"] else {
                Issue.record("no token stored")
                return
            }
            #expect(!String(decoding: ciphertext, as: UTF8.self).contains("refresh-secret"))
            let plain = try await KMS(client: try api.fixture.moto.client(.kms)).decrypt(
                ciphertext,
                context: ["userId": "u-carol"]
            )
            #expect(String(decoding: plain, as: UTF8.self) == "v^1.1#refresh-secret")

            let reused = try await api.call("POST", "/me/ebay", body: #"{"code":"code-123"}"#, user: "u-carol")
            #expect(reused.status == 400 && reused.error?.field == "code")
            let unlinked = try await api.call("DELETE", "/me/ebay", user: "u-carol")
            #expect(unlinked.status == 204)
            #expect(try await api.call("GET", "/me", user: "u-carol").body.contains(#""linked":false"#))
            // harmless when never linked
            #expect(try await api.call("DELETE", "/me/ebay", user: "u-nobody").status == 204)
        }
    }

    @Test func aBidIsStoredWithItsScheduleAndEveryBadInputNamesItsField() async throws {
        try await Self.with { api, _ in
            let bid = try await api.createBid("v1|100|0", amount: 75_00, lead: 7)
            #expect(bid.status == "SCHEDULED" && bid.itemTitle == "Leica M6" && bid.leadSeconds == 7)
            let stored = try #require(
                try await api.fixture.bid(
                    SnipeBid(
                        userId: "u-ada",
                        bidId: bid.bidId,
                        itemId: "",
                        itemTitle: "",
                        maxBid: bid.maxBid,
                        leadSeconds: 0,
                        auctionEndTime: 0,
                        status: .scheduled,
                        createdAt: 0
                    )
                )
            )
            let scheduler = Scheduler(client: try api.fixture.moto.client(.scheduler))
            let schedule = try #require(
                try await scheduler.get(name: "snipe-\(bid.bidId)", group: api.fixture.scheduleGroup)
            )
            #expect(schedule.input == #"{"bidId":"\#(bid.bidId)","userId":"u-ada"}"#)
            #expect(schedule.targetARN.hasSuffix(":function:bid-executor"))
            // DESIGN 9: the start of the minute that ends at least 60 s before the bid is due.
            #expect(schedule.fireAt % 60 == 0)
            #expect(
                schedule.fireAt + 60 <= stored.dueAt / 1000 - 60 && schedule.fireAt + 120 > stored.dueAt / 1000 - 60
            )
            let queued = try await api.fixture.moto.drain(api.fixture.queueURL, expecting: 1)
            #expect(try Emails.decoded(queued.map(\.body)).map(\.kind) == [.snipeScheduled])

            let cases: [(String, Int, String, String?)] = [
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":12.5,"currency":"USD"}}"#, 400, "invalid_request",
                    "maxBid.amount"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":0,"currency":"USD"}}"#, 400, "invalid_request",
                    "maxBid.amount"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"usd"}}"#, 400, "invalid_request",
                    "maxBid.currency"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"EUR"}}"#, 400, "invalid_request",
                    "maxBid.currency"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":2000,"currency":"USD"}}"#, 400, "bid_too_low",
                    "maxBid.amount"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"},"leadSeconds":31}"#, 400,
                    "invalid_request", "leadSeconds"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"},"leadSeconds":1}"#, 400,
                    "invalid_request", "leadSeconds"
                ),
                (
                    #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"},"lead":5}"#, 400,
                    "invalid_request", "lead"
                ),
                (#"{"maxBid":{"amount":5000,"currency":"USD"}}"#, 400, "invalid_request", "itemId"),
                (#"{"itemId":"a b","maxBid":{"amount":5000,"currency":"USD"}}"#, 400, "invalid_request", "itemId"),
                (#"{"itemId":"v1|404|0","maxBid":{"amount":5000,"currency":"USD"}}"#, 400, "item_not_found", "itemId"),
                (
                    #"{"itemId":"v1|fixed|0","maxBid":{"amount":5000,"currency":"USD"}}"#, 400, "not_an_auction",
                    "itemId"
                ),
                (#"{"itemId":"v1|ended|0","maxBid":{"amount":5000,"currency":"USD"}}"#, 409, "auction_ended", nil),
                (
                    #"{"itemId":"v1|soon|0","maxBid":{"amount":5000,"currency":"USD"}}"#, 409, "auction_ends_too_soon",
                    nil
                ),
                ("not json", 400, "invalid_request", nil),
            ]
            for (body, status, code, field) in cases {
                let answer = try await api.call("POST", "/bids", body: body)
                #expect(
                    answer.status == status && answer.error?.code == code && answer.error?.field == field,
                    "\(body) → \(answer.body)"
                )
            }
            let unlinked = try await api.call(
                "POST",
                "/bids",
                body: #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"}}"#,
                user: "u-stranger"
            )
            #expect(unlinked.status == 409 && unlinked.error?.code == "ebay_not_linked")
            // Nothing the refused requests asked for was stored.
            let listing = try await api.call("GET", "/bids").decode(SniperAPI.Listing<SniperAPI.Bid>.self)
            #expect(listing.items.map(\.bidId) == [bid.bidId])
        }
    }

    @Test func anotherUsersBidCannotBeReadChangedOrCancelled() async throws {
        try await Self.with { api, _ in
            let bid = try await api.createBid("v1|100|0")
            for (method, body) in [("GET", nil), ("PATCH", #"{"leadSeconds":9}"#), ("DELETE", nil)]
                as [(String, String?)]
            {
                let answer = try await api.call(method, "/bids/\(bid.bidId)", body: body, user: "u-bob")
                #expect(answer.status == 404 && answer.error?.code == "not_found", "\(method) → \(answer.body)")
                let missing = try await api.call(
                    method,
                    "/bids/0000000000000000000000000000",
                    body: body,
                    user: "u-ada"
                )
                #expect(missing.body == answer.body)  // indistinguishable from a bid that does not exist
            }
            #expect(
                try await api.call("GET", "/bids", user: "u-bob").decode(SniperAPI.Listing<SniperAPI.Bid>.self).items
                    .isEmpty
            )
            let mine = try await api.call("GET", "/bids/\(bid.bidId)").decode(SniperAPI.Bid.self)
            #expect(mine == bid)
        }
    }

    @Test func aBidIsChangedAndRescheduledThenCancelledOnce() async throws {
        try await Self.with { api, _ in
            let bid = try await api.createBid("v1|100|0", lead: 5)
            let scheduler = Scheduler(client: try api.fixture.moto.client(.scheduler))
            let group = api.fixture.scheduleGroup
            let before = try #require(try await scheduler.get(name: "snipe-\(bid.bidId)", group: group))

            let raised = try await api.call(
                "PATCH",
                "/bids/\(bid.bidId)",
                body: #"{"maxBid":{"amount":9000,"currency":"USD"},"leadSeconds":30}"#
            )
            #expect(raised.status == 200, "\(raised.body)")
            let changed = try raised.decode(SniperAPI.Bid.self)
            #expect(changed.maxBid.amount == 90_00 && changed.leadSeconds == 30)
            let after = try #require(try await scheduler.get(name: "snipe-\(bid.bidId)", group: group))
            let end = try #require(ISO8601.unixMs(bid.auctionEndTime)) / 1000
            #expect(after.fireAt == BidSchedules.fireTime(dueAtMs: (end - 30) * 1000, nowMs: WallClock.nowMs()))
            #expect(before.fireAt - after.fireAt <= 60)

            for (body, field) in [
                (#"{}"#, nil), (#"{"maxBid":{"amount":9000,"currency":"GBP"}}"#, "maxBid.currency"),
                (#"{"status":"PLACED"}"#, "status"),
            ] as [(String, String?)] {
                let answer = try await api.call("PATCH", "/bids/\(bid.bidId)", body: body)
                #expect(answer.status == 400 && answer.error?.field == field, "\(body) → \(answer.body)")
            }

            let cancelled = try await api.call("DELETE", "/bids/\(bid.bidId)")
            #expect(try cancelled.status == 200 && cancelled.decode(SniperAPI.Bid.self).status == "CANCELLED")
            #expect(try await scheduler.get(name: "snipe-\(bid.bidId)", group: group) == nil)
            let again = try await api.call("DELETE", "/bids/\(bid.bidId)")
            #expect(again.status == 200 && again.body == cancelled.body)
            let late = try await api.call("PATCH", "/bids/\(bid.bidId)", body: #"{"leadSeconds":9}"#)
            #expect(late.status == 409 && late.error?.code == "not_scheduled")
        }
    }

    @Test func bidsAndHistoryArePagedNewestFirstAndFiltered() async throws {
        try await Self.with { api, _ in
            var created: [String] = []
            for _ in 0..<5 { created.append(try await api.createBid("v1|200|0", amount: 40_00).bidId) }
            _ = try await api.call("DELETE", "/bids/\(created[1])")
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.call(
                    "GET",
                    "/bids",
                    query: ["limit": "2"].merging(cursor.map { ["cursor": $0] } ?? [:]) { $1 }
                )
                .decode(SniperAPI.Listing<SniperAPI.Bid>.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.bidId)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == created.reversed())
            let scheduled = try await api.call("GET", "/bids", query: ["status": "SCHEDULED", "limit": "3"])
                .decode(SniperAPI.Listing<SniperAPI.Bid>.self)
            #expect(
                scheduled.items.map(\.bidId) == [created[4], created[3], created[2]] && scheduled.nextCursor != nil
            )
            let rest = try await api.call(
                "GET",
                "/bids",
                query: ["status": "SCHEDULED", "cursor": scheduled.nextCursor!]
            )
            .decode(SniperAPI.Listing<SniperAPI.Bid>.self)
            #expect(rest.items.map(\.bidId) == [created[0]] && rest.nextCursor == nil)
            for query in [["limit": "101"], ["limit": "0"], ["status": "SOLD"], ["cursor": "../x"]] {
                let answer = try await api.call("GET", "/bids", query: query)
                #expect(answer.status == 400 && answer.error?.field == query.keys.first, "\(query)")
            }

            // History: three outcomes written as the executor writes them.
            let dynamo = try api.fixture.dynamo()
            let base = WallClock.nowMs()
            for (offset, status) in [BidStatus.placed, .outbid, .missed].enumerated() {
                var bid = SnipeBid(
                    userId: "u-ada",
                    bidId: created[offset],
                    itemId: "v1|200|0",
                    itemTitle: "Rolleiflex",
                    maxBid: Money(amount: 40_00, currency: "USD"),
                    leadSeconds: 5,
                    auctionEndTime: base,
                    status: status,
                    createdAt: base
                )
                bid.status = status
                let entry = BidHistoryEntry(bid: bid, at: base + Int64(offset), retentionDays: 30)
                #expect(entry.ttl == (base + Int64(offset)) / 1000 + 30 * 86_400)
                try await dynamo.putItem(table: api.fixture.historyTable, item: try DynamoDBEncoder().encode(entry))
            }
            struct Entry: Decodable {
                var status: String
                var bidId: String
            }
            let first = try await api.call("GET", "/history", query: ["limit": "2"]).decode(
                SniperAPI.Listing<Entry>.self
            )
            #expect(first.items.map(\.status) == ["MISSED", "OUTBID"])
            let second = try await api.call("GET", "/history", query: ["cursor": try #require(first.nextCursor)])
                .decode(SniperAPI.Listing<Entry>.self)
            #expect(second.items.map(\.status) == ["PLACED"] && second.nextCursor == nil)
            #expect(
                try await api.call("GET", "/history", user: "u-bob").decode(SniperAPI.Listing<Entry>.self).items.isEmpty
            )
        }
    }

    @Test func aFailedWriteLeavesNeitherBidNorScheduleAndA5xxNamesOnlyTheRequest() async throws {
        try await Self.with { api, _ in
            // Bids table missing: the schedule made first is deleted again.
            var environment = api.fixture.environment
            environment["BIDS_TABLE"] = "no-such-table"
            let broken = try SniperAPI(api.fixture, environment: environment)
            let answer = try await broken.call(
                "POST",
                "/bids",
                body: #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"}}"#
            )
            #expect(answer.status == 500 && answer.error?.code == "internal_error")
            #expect(answer.error?.message.contains("request id test-") == true)
            #expect(!answer.body.contains("no-such-table") && !answer.body.contains("ResourceNotFound"))
            #expect(try await api.fixture.moto.scheduleNames(group: api.fixture.scheduleGroup).isEmpty)

            // Schedule group missing: no bid is stored.
            environment = api.fixture.environment
            environment["SCHEDULE_GROUP"] = "no-such-group"
            let noGroup = try SniperAPI(api.fixture, environment: environment)
            let refused = try await noGroup.call(
                "POST",
                "/bids",
                body: #"{"itemId":"v1|100|0","maxBid":{"amount":5000,"currency":"USD"}}"#
            )
            #expect(refused.status == 500)
            #expect(try await api.call("GET", "/bids").decode(SniperAPI.Listing<SniperAPI.Bid>.self).items.isEmpty)
        }
    }

    @Test func oneUserCannotHoldMoreThanFiftyOpenSnipesNorSpendTheLookupQuota() async throws {
        try await Self.with { api, ebay in
            let store = BidStore(
                dynamo: try api.fixture.dynamo(),
                configuration: try SniperConfiguration(environment: api.fixture.environment)
            )
            let hour = WallClock.nowMs() + 3_600_000
            for n in 0..<RateLimits.openSnipes {
                try await store.create(
                    SnipeBid(
                        userId: "u-bob",
                        bidId: SnipeBid.newId(nowMs: WallClock.nowMs() + Int64(n)),
                        itemId: "v1|100|0",
                        itemTitle: "Leica M6",
                        maxBid: Money(amount: 50_00, currency: "USD"),
                        leadSeconds: 5,
                        auctionEndTime: hour,
                        status: .scheduled,
                        createdAt: WallClock.nowMs()
                    )
                )
            }
            let capped = try await api.call(
                "POST",
                "/bids",
                body: #"{"itemId":"v1|100|0","maxBid":{"amount":7500,"currency":"USD"}}"#,
                user: "u-bob",
                email: "bob@example.com"
            )
            #expect(capped.status == 409 && capped.error?.code == "too_many_snipes", "\(capped.body)")

            // A looked-up item is cached for 30 s: eBay's later title is not asked for again.
            let first = try await api.createBid("v1|200|0")
            ebay.addItem("v1|200|0", .init(title: "Renamed", price: 30_00, endMs: hour))
            let second = try await api.createBid("v1|200|0")
            #expect(first.itemTitle == "Rolleiflex" && second.itemTitle == "Rolleiflex")

            // Distinct items: the 21st lookup in a minute is refused (window permitting).
            let second0 = WallClock.nowMs() / 1000 % 60
            if second0 > 40 { try await Task.sleep(for: .seconds(61 - second0)) }
            for n in 0..<RateLimits.itemLookups.limit {
                ebay.addItem("v1|9\(n)|0", .init(title: "Item \(n)", price: 10_00, endMs: hour))
            }
            ebay.addItem("v1|999|0", .init(title: "One too many", price: 10_00, endMs: hour))
            var statuses: [Int] = []
            for n in 0..<RateLimits.itemLookups.limit {
                statuses.append(
                    try await api.call(
                        "POST",
                        "/bids",
                        body: #"{"itemId":"v1|9\#(n)|0","maxBid":{"amount":7500,"currency":"USD"}}"#
                    ).status
                )
            }
            let refused = try await api.call(
                "POST",
                "/bids",
                body: #"{"itemId":"v1|999|0","maxBid":{"amount":7500,"currency":"USD"}}"#
            )
            #expect(
                refused.status == 429 && refused.headers["retry-after"] != nil,
                "after \(statuses): \(refused.body)"
            )
        }
    }
}
