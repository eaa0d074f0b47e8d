import AWS
import Catalog
import FoundationEssentials
import GavelFixtures
import GavelTesting
import Imaging
import LambdaRuntime
import Logging
import S3Events
import Storefront
import Testing

/// image-processing against moto's S3 and DynamoDB: one event with good, bad and foreign records.
@Suite struct ThumbnailHandlerTests {
    static func record(_ bucket: String, _ key: String, event: String = "ObjectCreated:Put") -> String {
        let encoded = key.replacingSpaces()
        return
            #"{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"\#(event)","s3":{"bucket":{"name":"\#(bucket)"},"object":{"key":"\#(encoded)","size":1}}}"#
    }

    @Test func eachRecordStandsAloneAndThumbnailsLandWithTheirKeysRecorded() async throws {
        let fixture = try await StorefrontFixture.make()
        try await fixture.put([
            Product(productId: "p-1", vendorId: "v", name: "Lamp", price: 10_00, currency: "EUR", stock: 1)
        ])
        let s3 = S3(client: try fixture.moto.client(.s3))
        let bucket = fixture.bucket
        let photo = try TestImages.jpeg(
            TestImages.stored(TestImages.pattern(width: 1600, height: 1200), orientation: 6),
            orientation: 6
        )
        let drawing = try TestImages.png(TestImages.pattern(width: 900, height: 300, alpha: true))
        let uploads: [(String, [UInt8])] = [
            ("uploads/p-1/front photo.jpg", photo),
            ("uploads/p-2/drawing.png", drawing),  // no product p-2: thumbnails made, nothing recorded
            ("uploads/p-1/broken.jpg", Array(photo.prefix(photo.count / 3))),
            ("uploads/p-1/notes.txt", Array("not an image".utf8)),
            ("thumbnails/150/p-1/old.jpg", photo),
            ("uploads/p-1/big.jpg", photo),
        ]
        for (key, body) in uploads { try await s3.putObject(bucket: bucket, key: key, body: body) }
        let environment = fixture.environment.merging(["MAX_UPLOAD_BYTES": String(photo.count)]) { $1 }
        let handler = try ThumbnailHandler(
            environment: environment,
            aws: AWSClients(environment: environment, transport: Moto.transport),
            metrics: MetricLines().metrics(function: "image-processing")
        )
        // big.jpg is uploaded again, larger than the limit, after its first (acceptable) version.
        try await s3.putObject(
            bucket: bucket,
            key: "uploads/p-1/big.jpg",
            body: photo + [UInt8](repeating: 0, count: 10)
        )
        let records =
            uploads.map { Self.record(bucket, $0.0) } + [
                Self.record(bucket, "uploads/p-1/gone.jpg"),
                Self.record(bucket, "uploads/p-1/front photo.jpg", event: "ObjectRemoved:Delete"),
            ]
        let event = try JSONDecoder().decode(
            S3Event.self,
            from: Data(#"{"Records":[\#(records.joined(separator: ","))]}"#.utf8)
        )
        let report = try await handler.process(event, logger: Logger(label: "image-processing"))

        #expect(report.processed == ["uploads/p-1/front photo.jpg", "uploads/p-2/drawing.png"])
        #expect(
            Set(report.rejected.keys) == ["uploads/p-1/broken.jpg", "uploads/p-1/notes.txt", "uploads/p-1/big.jpg"]
        )
        #expect(report.rejected["uploads/p-1/notes.txt"]?.contains("neither JPEG nor PNG") == true)
        #expect(report.rejected["uploads/p-1/big.jpg"]?.contains("limit") == true)
        #expect(
            report.skipped == ["thumbnails/150/p-1/old.jpg", "uploads/p-1/gone.jpg", "uploads/p-1/front photo.jpg"]
        )

        for size in [150, 300, 600] {
            let key = "thumbnails/\(size)/p-1/front photo.jpg"
            let (body, info) = try await s3.getObject(bucket: bucket, key: key, maxBytes: 1 << 20)
            #expect(info.contentType == "image/jpeg" && info.cacheControl == "public, max-age=86400")
            let decoded = try Codec.decode(body, format: .jpeg, reduction: 8)
            // Stored on its side (1200x1600, EXIF 6); upright it is the 1600x1200 landscape it was drawn as.
            #expect(decoded.width == size && decoded.height == Int((Double(size) * 0.75).rounded()))
            let png = try await s3.headObject(bucket: bucket, key: "thumbnails/\(size)/p-2/drawing.png")
            #expect(png?.contentType == "image/png")
        }
        #expect(try await s3.headObject(bucket: bucket, key: "thumbnails/150/p-1/broken.jpg") == nil)
        let product = try await fixture.product("p-1")
        #expect(
            product?.thumbnails == [
                "150": "thumbnails/150/p-1/front photo.jpg", "300": "thumbnails/300/p-1/front photo.jpg",
                "600": "thumbnails/600/p-1/front photo.jpg",
            ]
        )
        #expect(try await fixture.product("p-2") == nil)
    }
}

extension String {
    /// As S3 writes keys into events: URL-encoded, a space as `+`.
    fileprivate func replacingSpaces() -> String {
        self.split(separator: " ", omittingEmptySubsequences: false).joined(separator: "+")
    }
}
