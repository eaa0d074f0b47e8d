package import GavelCore

/// The bid-persistence function's settings.
///
/// Environment:
/// - `BIDS_HISTORY_TABLE` (string, required): the bids_history table.
/// - `DEAD_LETTER_QUEUE_URL` (string, required): where invalid messages go.
/// - `BID_RETENTION_DAYS` (integer, default 90): how long after a bid its row is kept (TTL `ttl_expiry`).
/// - `AUCTIONS_TABLE` (string, optional): the Auctions table, for the close messages the auctions' schedules
///   send; without it a close message is dead-lettered.
/// - `NOTIFICATION_QUEUE_URL` (string, optional): where the close's `auction_won` / `auction_lost` go.
/// - `APP_URL` (string, optional): emails link to `<APP_URL>/auctions/<auctionId>`.
package struct BidPersistenceConfiguration: Sendable, Equatable {
    package var table: String
    package var deadLetterQueueURL: String
    package var retentionDays: Int
    package var auctionsTable: String?
    package var notificationQueueURL: String?
    package var appURL: String?

    /// - Throws: `ValidationError` naming the variable that is missing or wrong.
    package init(environment: [String: String]) throws(ValidationError) {
        self.table = try environment.required("BIDS_HISTORY_TABLE")
        self.deadLetterQueueURL = try environment.required("DEAD_LETTER_QUEUE_URL")
        let days = environment["BID_RETENTION_DAYS"] ?? "90"
        guard let retention = Int(days), (1...3650).contains(retention) else {
            throw ValidationError(field: "BID_RETENTION_DAYS", "must be a whole number of days from 1 to 3650")
        }
        self.retentionDays = retention
        self.auctionsTable = environment["AUCTIONS_TABLE"].flatMap { $0.isEmpty ? nil : $0 }
        self.notificationQueueURL = environment["NOTIFICATION_QUEUE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        self.appURL = environment["APP_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
