/// The event EventBridge (a rule's `ScheduleExpression`) and EventBridge Scheduler's "default notification"
/// deliver to a scheduled target that has no `Input`: `detail-type` `Scheduled Event`, an empty `detail`.
/// Cleanup reads it; `gavel-local` sends it for template schedules without `Input`. AWS always sends every
/// field; only `detail-type` is required when decoding, so a hand-written event file works.
package struct ScheduledEvent: Codable, Sendable, Equatable {
    package var version: String?
    package var id: String?
    package var detailType: String
    /// `aws.events` or `aws.scheduler`.
    package var source: String?
    package var account: String?
    /// ISO 8601 in whole seconds: `2026-11-22T03:00:00Z`.
    package var time: String?
    package var region: String?
    package var resources: [String]?
    package var detail: [String: String]?

    package static let detailTypeName = "Scheduled Event"

    package init(
        id: String,
        source: String = "aws.scheduler",
        account: String,
        time: String,
        region: String,
        resources: [String] = []
    ) {
        self.version = "0"
        self.id = id
        self.detailType = Self.detailTypeName
        self.source = source
        self.account = account
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = [:]
    }

    private enum CodingKeys: String, CodingKey {
        case version, id, source, account, time, region, resources, detail
        case detailType = "detail-type"
    }
}
