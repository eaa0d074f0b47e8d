package import GavelCore

/// The bid-persistence function's settings.
///
/// Environment:
/// - `BIDS_HISTORY_TABLE` (string, required): the bids_history table.
/// - `DEAD_LETTER_QUEUE_URL` (string, required): where invalid messages go.
/// - `BID_RETENTION_DAYS` (integer, default 90): how long after a bid its row is kept (TTL `ttl_expiry`).
package struct BidPersistenceConfiguration: Sendable, Equatable {
    package var table: String
    package var deadLetterQueueURL: String
    package var retentionDays: Int

    /// - Throws: `ValidationError` naming the variable that is missing or wrong.
    package init(environment: [String: String]) throws(ValidationError) {
        self.table = try environment.required("BIDS_HISTORY_TABLE")
        self.deadLetterQueueURL = try environment.required("DEAD_LETTER_QUEUE_URL")
        let days = environment["BID_RETENTION_DAYS"] ?? "90"
        guard let retention = Int(days), (1...3650).contains(retention) else {
            throw ValidationError(field: "BID_RETENTION_DAYS", "must be a whole number of days from 1 to 3650")
        }
        self.retentionDays = retention
    }
}
