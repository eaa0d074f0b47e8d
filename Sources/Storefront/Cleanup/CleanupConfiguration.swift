package import GavelCore

/// The cleanup job's settings.
///
/// Environment:
/// - `ANALYTICS_TABLE` (string, required): Analytics, keys `product_id` + `timestamp` (Unix milliseconds).
/// - `SESSIONS_TABLE` (string, required): Sessions, key `session_id`, expiry `expires_at` (Unix seconds, the TTL
///   attribute).
/// - `JOBS_TABLE` (string, required): where a run cut short leaves its checkpoint (key `job`).
/// - `ANALYTICS_RETENTION_DAYS` (integer, default 90): Analytics items older than this are deleted.
/// - `CLEANUP_SEGMENTS` (integer 1–64, default 4): parallel Scan segments per table.
/// - `CLEANUP_PAGE_SIZE` (integer 25–10000, default 1000): items each Scan call evaluates; a checkpoint is
///   as fine as a page.
/// - `CLEANUP_STOP_BEFORE_DEADLINE_MS` (integer, default 10000): no new page starts closer than this to the
///   invocation's deadline, so the run ends cleanly and saves its checkpoint.
package struct CleanupConfiguration: Sendable, Equatable {
    package var analyticsTable: String
    package var sessionsTable: String
    package var jobsTable: String
    package var retentionDays: Int
    package var segments: Int
    package var pageSize: Int
    package var stopBeforeDeadline: Duration

    /// - Throws: `ValidationError` naming the variable that is missing or out of range.
    package init(environment: [String: String]) throws(ValidationError) {
        self.analyticsTable = try environment.required("ANALYTICS_TABLE")
        self.sessionsTable = try environment.required("SESSIONS_TABLE")
        self.jobsTable = try environment.required("JOBS_TABLE")
        self.retentionDays = try environment.integer("ANALYTICS_RETENTION_DAYS", default: 90, in: 1...3650)
        self.segments = try environment.integer("CLEANUP_SEGMENTS", default: 4, in: 1...64)
        self.pageSize = try environment.integer("CLEANUP_PAGE_SIZE", default: 1000, in: 25...10_000)
        self.stopBeforeDeadline = .milliseconds(
            try environment.integer("CLEANUP_STOP_BEFORE_DEADLINE_MS", default: 10_000, in: 0...600_000)
        )
    }
}
