package import AWS
import GavelCore
import JSON

/// One one-time Scheduler schedule per snipe bid, named `snipe-<bidId>`, invoking the bid executor with
/// `{"userId", "bidId"}`.
///
/// Scheduler fires an `at()` schedule anywhere inside its minute (DESIGN 9), so a bid due at T is scheduled
/// for the start of the minute that ends at least 60 s before T: the executor starts 60 to 180 s early,
/// gets its token and connection ready, and sleeps until T. Its timeout (300 s) covers that wait.
package struct BidSchedules: Sendable {
    package let scheduler: Scheduler
    package let configuration: SchedulingConfiguration

    package init(scheduler: Scheduler, configuration: SchedulingConfiguration) {
        self.scheduler = scheduler
        self.configuration = configuration
    }

    /// Scheduler needs the time to be ahead of it; a schedule closer than this is refused.
    static let minimumNoticeSeconds: Int64 = 10

    /// The schedule's `at()` time in Unix seconds for a bid due at `dueAtMs`, or nil when that minute has
    /// already begun (the auction ends too soon to schedule).
    package static func fireTime(dueAtMs: Int64, nowMs: Int64) -> Int64? {
        let latestStart = dueAtMs / 1000 - 120
        let start = latestStart - ((latestStart % 60) + 60) % 60
        return start >= nowMs / 1000 + Self.minimumNoticeSeconds ? start : nil
    }

    package static func name(bidId: String) -> String { "snipe-\(bidId)" }

    private func schedule(_ bid: SnipeBid, fireAt: Int64) -> Scheduler.Schedule {
        Scheduler.Schedule(
            name: Self.name(bidId: bid.bidId),
            group: self.configuration.group,
            fireAt: fireAt,
            targetARN: self.configuration.executorARN,
            roleARN: self.configuration.roleARN,
            input: Self.input(bid)
        )
    }

    /// The executor's event, `{"userId", "bidId"}`, encoded (not interpolated: an id holding a quote or a
    /// backslash must not change the JSON).
    static func input(_ bid: SnipeBid) -> String {
        struct Input: Encodable {  // members in sorted order: the text is compared
            var bidId: String
            var userId: String
        }
        let data = (try? JSONCoder.encode(Input(bidId: bid.bidId, userId: bid.userId))) ?? []
        return String(decoding: data, as: UTF8.self)
    }

    /// Creates the bid's schedule; the bid id doubles as the idempotency token, so a retried create is one
    /// schedule (`Scheduler.createOnce`).
    package func create(_ bid: SnipeBid, fireAt: Int64) async throws(AWSError) {
        try await self.scheduler.createOnce(self.schedule(bid, fireAt: fireAt), clientToken: bid.bidId)
    }

    /// Moves the bid's schedule to `fireAt`.
    package func update(_ bid: SnipeBid, fireAt: Int64) async throws(AWSError) {
        try await self.scheduler.update(self.schedule(bid, fireAt: fireAt))
    }

    /// Deletes the bid's schedule; one already gone (fired, or deleted before) is not an error.
    package func delete(bidId: String) async throws(AWSError) {
        do throws(AWSError) {
            try await self.scheduler.delete(name: Self.name(bidId: bidId), group: self.configuration.group)
        } catch  where error.context.code == "ResourceNotFoundException" {}
    }
}
