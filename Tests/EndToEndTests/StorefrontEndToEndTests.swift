import AWS
import Catalog
import FoundationEssentials
import GavelFixtures
import GavelTesting
import Imaging
import LambdaRuntime
import Storefront
import Testing

/// The built order-validation, image-processing and cleanup bootstraps under `gavel-local invoke`, with every
/// event in their events/ folders, against moto.
@Suite struct StorefrontEndToEndTests {
    static func invoke(_ function: String, _ event: String, _ environment: [String: String]) async throws -> String {
        let run = try await GavelLocalRun.invoke(
            function,
            event: TestPaths.root + "/events/\(function)/\(event).json",
            environment: environment
        )
        guard run.status == "exit status 0", let line = run.output.split(separator: "\n").last else {
            throw MissingPrerequisite("\(function) \(event): \(run.status)\n\(run.error)")
        }
        return String(line)
    }

    @Test func ordersThumbnailsAndCleanupWorkThroughTheRuntimeAPI() async throws {
        let fixture = try await StorefrontFixture.make()
        let environment = fixture.environment
        try await fixture.put([
            Product(
                productId: "prod-camera",
                vendorId: "user-vendor",
                name: "Camera",
                price: 349_00,
                currency: "GBP",
                stock: 3
            ),
            Product(
                productId: "prod-strap",
                vendorId: "user-vendor",
                name: "Strap",
                price: 19_50,
                currency: "GBP",
                stock: 10
            ),
        ])
        try await fixture.addToCart(userId: "user-grace", productId: "prod-strap", quantity: 4)

        let order = try await Self.invoke("order-validation", "order", environment)
        #expect(order.contains(#""status":"PENDING""#) && order.contains(#""total":38800"#), "\(order)")
        // idempotent
        #expect(try await Self.invoke("order-validation", "order", environment).contains(#""total":38800"#))
        let cart = try await Self.invoke("order-validation", "from-cart", environment)
        #expect(cart.contains(#""total":7800"#), "\(cart)")
        let refused = try await Self.invoke("order-validation", "refused", environment)
        #expect(
            refused.contains(#""code":"invalid_quantity""#) && refused.contains(#""productId":"prod-camera""#),
            "\(refused)"
        )
        #expect(try await fixture.product("prod-camera")?.stock == 2)
        #expect(try await fixture.product("prod-strap")?.stock == 4)
        #expect(try await fixture.orders().count == 2)

        // The S3 event names the bucket and key of events/image-processing/upload.json.
        let s3 = S3(client: try fixture.moto.client(.s3))
        let bucket = "gavel-images-local"
        try? await fixture.moto.createBucket(bucket)  // already there when another test made it first
        try await s3.putObject(
            bucket: bucket,
            key: "uploads/prod-camera/camera front.jpg",
            body: try TestImages.jpeg(TestImages.pattern(width: 1200, height: 900))
        )
        let thumbnails = try await Self.invoke("image-processing", "upload", environment)
        #expect(
            thumbnails.contains(#""processed":["uploads\/prod-camera\/camera front.jpg"]"#)
                || thumbnails.contains(#""processed":["uploads/prod-camera/camera front.jpg"]"#),
            "\(thumbnails)"
        )
        #expect(
            try await fixture.product("prod-camera")?.thumbnails?["600"]
                == "thumbnails/600/prod-camera/camera front.jpg"
        )

        let dynamo = try fixture.dynamo()
        let now = WallClock.nowMs()
        try await dynamo.batchWrite(
            table: fixture.analyticsTable,
            [
                .put(["product_id": .s("prod-camera"), "timestamp": .n(String(now - 200 * 86_400_000))]),
                .put(["product_id": .s("prod-camera"), "timestamp": .n(String(now))]),
            ]
        )
        try await dynamo.batchWrite(
            table: fixture.sessionsTable,
            [
                .put(["session_id": .s("s-old"), "expires_at": .n(String(now / 1000 - 60))]),
                .put(["session_id": .s("s-live"), "expires_at": .n(String(now / 1000 + 3_600))]),
            ]
        )
        let dry = try await Self.invoke("cleanup", "dry-run", environment)
        #expect(dry.contains(#""dryRun":true"#) && dry.contains(#""expired":1"#), "\(dry)")
        let cleaned = try await Self.invoke("cleanup", "scheduled", environment)
        #expect(cleaned.contains(#""complete":true"#) && cleaned.contains(#""deleted":1"#), "\(cleaned)")
        #expect(try await dynamo.all(DynamoDB.Read(table: fixture.sessionsTable)).count == 1)
        #expect(try await dynamo.all(DynamoDB.Read(table: fixture.analyticsTable)).count == 1)
    }
}
