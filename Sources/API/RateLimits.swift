package import AWS
import GavelCore
package import Synchronization

/// Per-user limits that keep one account from spending capacity everyone shares: fixed one-minute windows
/// counted in the RateLimits table (key `limit_key`, TTL `expires_at`), one conditional UpdateItem per hit.
///
/// A hit whose reply was lost and is retried by the client counts twice: a limit errs towards refusing one
/// request early, never towards letting more through.
package struct RateLimits: Sendable {
    /// One limit: at most `limit` hits per user in each `windowSeconds`.
    package struct Rule: Sendable, Equatable {
        /// The counter's name in its key.
        package var name: String
        /// What is counted, for the error message (`live bids`).
        package var noun: String
        package var limit: Int
        package var windowSeconds: Int64

        package init(name: String, noun: String, limit: Int, windowSeconds: Int64) {
            self.name = name
            self.noun = noun
            self.limit = limit
            self.windowSeconds = windowSeconds
        }
    }

    /// Live bids: a person bidding by hand makes a few a minute; 30 stops a script from flooding an auction's
    /// message group (every bid is one queue message and one history row).
    package static let liveBids = Rule(name: "live-bids", noun: "live bids", limit: 30, windowSeconds: 60)
    /// eBay item lookups (creating or changing a snipe): the Browse API's daily quota is the application's,
    /// so one user cycling through item ids could spend everyone's. 20 a minute is generous for a person.
    package static let itemLookups = Rule(name: "item-lookups", noun: "eBay item lookups", limit: 20, windowSeconds: 60)
    /// Open (SCHEDULED) snipes per user: each holds a schedule and an executor run; 50 is far beyond what a
    /// person follows, and keeps one account from filling the schedule group's quota.
    package static let openSnipes = 50

    private let dynamo: DynamoDB
    private let table: String

    package init(dynamo: DynamoDB, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// Counts a hit of `rule` for `userId`; false when the window is full (nothing is counted then).
    package func allow(_ rule: Rule, userId: String, nowMs: Int64) async throws(AWSError) -> Bool {
        let window = nowMs / 1000 / rule.windowSeconds
        do throws(AWSError) {
            try await self.dynamo.updateItem(
                table: self.table,
                key: ["limit_key": .s("\(rule.name)#\(userId)#\(window)")],
                update: "ADD hits :one SET expires_at = :expires",
                values: [
                    ":one": .n("1"), ":limit": .n(String(rule.limit)),
                    ":expires": .n(String((window + 2) * rule.windowSeconds)),
                ],
                condition: DynamoDB.Condition("attribute_not_exists(hits) OR hits < :limit")
            )
            return true
        } catch  where error.isConditionalCheckFailed {
            return false
        }
    }
}

/// eBay items looked up in the last 30 seconds, per instance: a user (or several) scheduling and changing
/// snipes on one item asks eBay once, not on every request.
package final class ItemCache<Item: Sendable>: Sendable {
    private let entries = Mutex<[String: (item: Item, atMs: Int64)]>([:])
    package let ttlMs: Int64
    /// Entries kept at most; the oldest go first.
    package let capacity: Int

    package init(ttlMs: Int64 = 30_000, capacity: Int = 1_000) {
        self.ttlMs = ttlMs
        self.capacity = capacity
    }

    package func item(_ key: String, nowMs: Int64) -> Item? {
        self.entries.withLock { entries in
            guard let entry = entries[key], nowMs - entry.atMs < self.ttlMs else { return nil }
            return entry.item
        }
    }

    package func store(_ item: Item, for key: String, nowMs: Int64) {
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                entries = entries.filter { nowMs - $0.value.atMs < self.ttlMs }
                if entries.count >= self.capacity, let oldest = entries.min(by: { $0.value.atMs < $1.value.atMs }) {
                    entries[oldest.key] = nil
                }
            }
            entries[key] = (item, nowMs)
        }
    }
}
