package import GavelCore

/// The api function's storefront settings beyond order-validation's own (`OrderValidationConfiguration`).
///
/// Environment:
/// - `CDN_URL` (string, optional): where browsers fetch thumbnails (the CloudFront distribution, or
///   `gavel-local dev`'s CDN port); a product's `images` are `<CDN_URL>/<key>`. Without it, `images` is empty.
/// - `IMAGES_BUCKET` (string, optional): the bucket vendors upload product images to; without it
///   `POST /products/{id}/images` answers 503.
/// - `MAX_UPLOAD_BYTES` (integer, default 26214400 = 25 MiB): the largest upload the presigned POST allows;
///   the template gives image-processing the same value, so nothing it would refuse can be uploaded.
/// - `AUCTIONS_TABLE`, `BIDS_HISTORY_TABLE`, `BID_PERSISTENCE_QUEUE_URL`, `BID_PERSISTENCE_QUEUE_ARN`,
///   `AUCTION_SCHEDULE_GROUP`, `AUCTION_SCHEDULER_ROLE_ARN` (strings, together or not at all): the live
///   auction; without them its routes answer 503. `BID_RETENTION_DAYS` (default 90) as bid-persistence's.
package struct MarketplaceConfiguration: Sendable, Equatable {
    package var cdnURL: String?
    package var imagesBucket: String?
    package var maxUploadBytes: Int
    package var liveAuction: LiveAuctionSettings?

    /// Where the live auction's rows, bids and close schedules live.
    package struct LiveAuctionSettings: Sendable, Equatable {
        package var auctionsTable: String
        package var bidsHistoryTable: String
        package var queueURL: String
        package var queueARN: String
        package var scheduleGroup: String
        package var schedulerRoleARN: String
        package var retentionDays: Int
    }

    /// How long a presigned upload stays usable: long enough to pick and send a file, short enough that a
    /// leaked form is soon worthless.
    package static let uploadExpiry: Duration = .seconds(300)

    package init(environment: [String: String]) throws(ValidationError) {
        self.cdnURL = environment["CDN_URL"].flatMap { $0.isEmpty ? nil : String($0.trimmingSuffix("/")) }
        self.imagesBucket = environment["IMAGES_BUCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.maxUploadBytes = try environment.integer("MAX_UPLOAD_BYTES", default: 25 * 1024 * 1024, in: 1...1 << 30)
        if environment["AUCTIONS_TABLE"].map({ !$0.isEmpty }) == true {
            self.liveAuction = LiveAuctionSettings(
                auctionsTable: try environment.required("AUCTIONS_TABLE"),
                bidsHistoryTable: try environment.required("BIDS_HISTORY_TABLE"),
                queueURL: try environment.required("BID_PERSISTENCE_QUEUE_URL"),
                queueARN: try environment.required("BID_PERSISTENCE_QUEUE_ARN"),
                scheduleGroup: try environment.required("AUCTION_SCHEDULE_GROUP"),
                schedulerRoleARN: try environment.required("AUCTION_SCHEDULER_ROLE_ARN"),
                retentionDays: try environment.integer("BID_RETENTION_DAYS", default: 90, in: 1...3650)
            )
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return text
    }
}
