package import AWS
package import Catalog
package import GavelCore
package import LambdaRuntime
package import Logging
package import S3Events

/// Makes thumbnails of product images uploaded under `uploads/<product_id>/<file>` (S3 ObjectCreated).
///
/// Each record stands alone. An upload that can never make thumbnails (not an image, too big, corrupt) is
/// logged and counted, and the rest go on; an AWS failure is thrown after the other records are done, so
/// Lambda's retry of the event redoes only what is idempotent anyway (same keys, same bytes). Keys outside
/// `uploads/` (our own `thumbnails/`, above all) are ignored, so the function can never trigger itself.
package struct ThumbnailHandler: FunctionHandler {
    package typealias Event = S3Event
    package typealias Output = Report

    package let s3: S3
    package let products: ProductStore
    package let configuration: ThumbnailConfiguration
    package let metrics: Metrics

    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "image-processing")
    ) throws {
        self.configuration = try ThumbnailConfiguration(environment: environment)
        self.s3 = S3(client: aws.client(.s3))
        self.products = ProductStore(
            dynamo: DynamoDB(client: aws.client(.dynamoDB)),
            table: self.configuration.productsTable
        )
        self.metrics = metrics
    }

    /// What happened to each record, by key; also the function's response.
    package struct Report: Codable, Sendable, Equatable {
        /// Thumbnails written (and recorded on the product when it exists).
        package var processed: [String] = []
        /// Uploads refused for good, with the reason.
        package var rejected: [String: String] = [:]
        /// Records that were not ours to handle (outside `uploads/`, gone, not a creation).
        package var skipped: [String] = []
    }

    package func serve(_ event: S3Event, context: LambdaContext) async throws -> Report {
        try await self.process(event, logger: context.logger)
    }

    /// Every record, then the first AWS failure (if any) thrown so Lambda retries the event.
    package func process(_ event: S3Event, logger: Logger) async throws -> Report {
        var report = Report()
        var failure: (any Error)?
        for record in event.records {
            var logger = logger
            logger[metadataKey: "key"] = "\(record.key)"
            do {
                try await self.process(record, into: &report, logger: logger)
            } catch let error as ImagingError {
                report.rejected[record.key] = error.description
                logger.error("image rejected", metadata: ["reason": "\(error)"])
            } catch {
                logger.error("image not processed; the event will be retried", metadata: ["error": "\(error)"])
                if failure == nil { failure = error }
            }
        }
        self.metrics.count([
            "ImagesProcessed": report.processed.count, "ImagesRejected": report.rejected.count,
            "ImagesSkipped": report.skipped.count, "ImagesFailed": failure == nil ? 0 : 1,
        ])
        if let failure { throw failure }
        return report
    }

    private func process(_ record: S3Event.Record, into report: inout Report, logger: Logger) async throws {
        let key = record.key
        guard record.eventName.hasPrefix("ObjectCreated"), let upload = Upload(key: key) else {
            report.skipped.append(key)
            logger.info(
                "not an upload under uploads/<product_id>/<file>; skipped",
                metadata: ["event": "\(record.eventName)"]
            )
            return
        }
        guard let info = try await self.s3.headObject(bucket: record.bucket, key: key) else {
            report.skipped.append(key)
            logger.info("the upload is gone; skipped")
            return
        }
        guard info.size <= self.configuration.maxBytes else {
            throw ImagingError.tooLarge("the upload is \(info.size) bytes; the limit is \(self.configuration.maxBytes)")
        }
        let body = try await self.s3.getObject(bucket: record.bucket, key: key, maxBytes: self.configuration.maxBytes)
            .body
        let made = try self.configuration.thumbnailer.thumbnails(of: body)
        var keys: [Int: String] = [:]
        for thumbnail in made.thumbnails {
            let target = upload.thumbnailKey(size: thumbnail.size)
            try await self.s3.putObject(
                bucket: record.bucket,
                key: target,
                body: thumbnail.bytes,
                options: S3.PutOptions(
                    contentType: made.format.contentType,
                    cacheControl: self.configuration.cacheControl
                )
            )
            keys[thumbnail.size] = target
        }
        try await self.record(keys, original: key, productId: upload.productId, logger: logger)
        report.processed.append(key)
        logger.info(
            "thumbnails written",
            metadata: ["sizes": "\(made.thumbnails.map(\.size))", "format": "\(made.format.rawValue)"]
        )
    }

    /// Records the thumbnails on the product; a product that does not exist (yet) is left alone.
    private func record(_ keys: [Int: String], original: String, productId: String, logger: Logger) async throws {
        if try await !self.products.recordThumbnails(keys, original: original, of: productId, at: WallClock.nowMs()) {
            logger.warning(
                "no such product; thumbnails written but not recorded",
                metadata: ["productId": "\(productId)"]
            )
        }
    }

    /// `uploads/<product_id>/<file>`, the only keys this function handles.
    struct Upload {
        var productId: String
        var file: String

        init?(key: String) {
            let parts = key.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "uploads", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
            self.productId = String(parts[1])
            self.file = String(parts[2])
        }

        func thumbnailKey(size: Int) -> String { "thumbnails/\(size)/\(self.productId)/\(self.file)" }
    }
}

extension S3Event.Record {
    /// The object key, decoded (S3 sends it URL-encoded, a space as `+`).
    var key: String { URIEncoding.decode(self.s3.object.key, plusIsSpace: true) }
}
