package import GavelCore

/// The settings the api and bid-executor functions share.
///
/// Environment:
/// - `USERS_TABLE`, `BIDS_TABLE`, `BID_HISTORY_TABLE` (required): the seed 000 tables.
/// - `BIDS_STATUS_INDEX` (default `status-auctionEndTime-index`): the Bids index the sweep finds unsettled bids in.
/// - `BIDS_NOTIFY_INDEX` (default `notify-pending-index`): the sparse Bids index of notifications still owed.
/// - `NOTIFICATION_QUEUE_URL` (required): the notification FIFO queue.
/// - `BID_HISTORY_RETENTION_DAYS` (default 365): BidHistory rows expire (TTL `ttl`) this long after writing,
///   Bids rows this long after their auction ends.
/// - `APP_URL` (optional): links in emails point at `<APP_URL>/bids/<bidId>`.
/// - the eBay settings of `EbayConfiguration`.
package struct SniperConfiguration: Sendable, Equatable {
    package var usersTable: String
    package var bidsTable: String
    package var historyTable: String
    package var statusIndex: String
    package var notifyIndex: String
    package var notificationQueueURL: String
    package var historyRetentionDays: Int
    package var appURL: String?
    package var ebay: EbayConfiguration

    package init(environment: [String: String]) throws(ValidationError) {
        self.usersTable = try environment.required("USERS_TABLE")
        self.bidsTable = try environment.required("BIDS_TABLE")
        self.historyTable = try environment.required("BID_HISTORY_TABLE")
        self.statusIndex = environment["BIDS_STATUS_INDEX"] ?? "status-auctionEndTime-index"
        self.notifyIndex = environment["BIDS_NOTIFY_INDEX"] ?? "notify-pending-index"
        self.notificationQueueURL = try environment.required("NOTIFICATION_QUEUE_URL")
        guard let days = Int(environment["BID_HISTORY_RETENTION_DAYS"] ?? "365"), (1...3650).contains(days) else {
            throw ValidationError(field: "BID_HISTORY_RETENTION_DAYS", "must be a whole number of days from 1 to 3650")
        }
        self.historyRetentionDays = days
        self.appURL = environment["APP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        self.ebay = try EbayConfiguration(environment: environment)
    }
}

/// The api function's scheduling and encryption settings.
///
/// Environment:
/// - `SCHEDULE_GROUP` (required): the stack's Scheduler group; every bid's schedule lives there.
/// - `BID_EXECUTOR_ARN` (required): the function each schedule invokes.
/// - `SCHEDULER_ROLE_ARN` (required): the role Scheduler assumes to invoke it.
/// - `KMS_KEY_ID` (required): the stack's key; eBay refresh tokens are encrypted with it.
package struct SchedulingConfiguration: Sendable, Equatable {
    package var group: String
    package var executorARN: String
    package var roleARN: String
    package var kmsKeyId: String

    package init(environment: [String: String]) throws(ValidationError) {
        self.group = try environment.required("SCHEDULE_GROUP")
        self.executorARN = try environment.required("BID_EXECUTOR_ARN")
        self.roleARN = try environment.required("SCHEDULER_ROLE_ARN")
        self.kmsKeyId = try environment.required("KMS_KEY_ID")
    }
}
