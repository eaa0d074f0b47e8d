package import AWS
import FoundationEssentials
package import GavelCore
package import GavelDev
import GavelTesting
import LambdaRuntime
package import Sniper

/// The sniper's AWS side on moto (Users, Bids with its status index, BidHistory, the notification queue, a
/// KMS key, a schedule group, the eBay secret) and the environment the api and bid-executor read.
///
/// It uses moto's server without signature checks: with checks on, moto refuses correctly signed Scheduler
/// DELETE calls (it hashes their query as the body), and cancelling a bid deletes its schedule.
package struct SniperFixture: Sendable {
    package let moto: Moto.Account
    package let environment: [String: String]
    package let ebay: FakeEbay

    package var bidsTable: String { self.environment["BIDS_TABLE"]! }
    package var historyTable: String { self.environment["BID_HISTORY_TABLE"]! }
    package var usersTable: String { self.environment["USERS_TABLE"]! }
    package var queueURL: String { self.environment["NOTIFICATION_QUEUE_URL"]! }
    package var scheduleGroup: String { self.environment["SCHEDULE_GROUP"]! }

    /// Creates everything, with eBay at `ebayURL` (a `FakeEbay`).
    package static func make(ebay: FakeEbay, ebayURL: String) async throws -> SniperFixture {
        let moto = try await Moto.withoutSignatureChecks()
        let users = moto.unique("Users")
        let bids = moto.unique("Bids")
        let history = moto.unique("BidHistory")
        try await moto.createTable("UsersTable", named: users)
        try await moto.createTable("BidsTable", named: bids)
        try await moto.createTable("BidHistoryTable", named: history)
        let limits = moto.unique("RateLimits")
        try await moto.createTable("RateLimitsTable", named: limits)
        let queueURL = try await moto.createQueue(moto.unique("notification-queue") + ".fifo")
        let group = moto.unique("bid-schedules")
        try await moto.createScheduleGroup(group)
        let secret = moto.unique("ebay-credentials")
        try await moto.createSecret(secret, value: FakeEbay.secretJSON)
        var environment = moto.environment
        environment.merge([
            "USERS_TABLE": users, "BIDS_TABLE": bids, "BID_HISTORY_TABLE": history, "RATE_LIMITS_TABLE": limits,
            "NOTIFICATION_QUEUE_URL": queueURL, "SCHEDULE_GROUP": group,
            "BID_EXECUTOR_ARN": "arn:aws:lambda:us-east-1:123456789012:function:bid-executor",
            "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler",
            "KMS_KEY_ID": try await moto.createKey(), "EBAY_SECRET_ID": secret, "EBAY_API_URL": ebayURL,
            "APP_URL": "https://gavel.example",
        ]) { $1 }
        // The api serves the storefront too; its tables are not on this moto, and no sniper test reaches them.
        environment.merge(Self.storefrontPlaceholders) { old, _ in old }
        return SniperFixture(moto: moto, environment: environment, ebay: ebay)
    }

    /// Names for the api's storefront settings, so the api starts with the sniper's fixture alone.
    package static let storefrontPlaceholders = [
        "PRODUCTS_TABLE": "Products", "ORDERS_TABLE": "Orders", "VENDOR_ORDERS_TABLE": "VendorOrders",
        "CART_TABLE": "Cart",
    ]

    package func dynamo() throws -> DynamoDB { DynamoDB(client: try self.moto.client(.dynamoDB)) }

    /// Links `userId` to eBay as `POST /me/ebay` would: the refresh token `rt-<userId>`, encrypted.
    package func linkUser(_ userId: String, email: String = "ada@example.com") async throws {
        let refreshToken = "rt-\(userId)"
        self.ebay.allowRefreshToken(refreshToken)
        let ciphertext = try await KMS(client: try self.moto.client(.kms)).encrypt(
            Array(refreshToken.utf8),
            keyId: self.environment["KMS_KEY_ID"]!,
            context: ["userId": userId]
        )
        try await self.dynamo().putItem(
            table: self.usersTable,
            item: ["userId": .s(userId), "email": .s(email), "ebayRefreshToken": .b(ciphertext)]
        )
    }

    /// Writes a SCHEDULED bid straight into Bids (as `POST /bids` leaves it) on an auction ending at `endMs`;
    /// another `status` stands for a bid an executor left there (EXECUTING: it died; PLACED: it finished).
    package func scheduledBid(
        userId: String,
        itemId: String,
        maxBid: Money = Money(amount: 50_00, currency: "USD"),
        leadSeconds: Int = 2,
        endMs: Int64,
        status: BidStatus = .scheduled
    ) async throws -> SnipeBid {
        let now = WallClock.nowMs()
        let bid = SnipeBid(
            userId: userId,
            bidId: SnipeBid.newId(nowMs: now),
            itemId: itemId,
            itemTitle: "Test item \(itemId)",
            maxBid: maxBid,
            leadSeconds: leadSeconds,
            auctionEndTime: endMs,
            status: status,
            createdAt: now
        )
        try await self.dynamo().putItem(table: self.bidsTable, item: try DynamoDBEncoder().encode(bid))
        return bid
    }

    /// The bid as Bids holds it now.
    package func bid(_ bid: SnipeBid) async throws -> SnipeBid? {
        try await self.dynamo().getItem(table: self.bidsTable, key: bid.key, consistentRead: true).map {
            try DynamoDBDecoder().decode(SnipeBid.self, from: $0)
        }
    }

    /// The user's BidHistory rows, oldest first.
    package func history(_ userId: String) async throws -> [BidHistoryEntry] {
        let read = DynamoDB.Read(
            table: self.historyTable,
            keyCondition: "userId = :u",
            values: [":u": .s(userId)],
            consistentRead: true
        )
        return try await self.dynamo().all(read).map { try DynamoDBDecoder().decode(BidHistoryEntry.self, from: $0) }
    }
}
