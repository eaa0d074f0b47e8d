import AWS
import GavelDev
import GavelFixtures
import GavelTesting
import Hummingbird
import Synchronization
import Testing

/// Every S3 operation Gavel calls, against moto with signature checking on.
@Suite struct S3Tests {
    private static let keys = ["uploads/p-1/photo.jpg", "uploads/p 2/a+b (1).png", "uploads/ünï/çødé~.webp"]

    @Test(arguments: Self.keys)
    func putHeadGetAndDelete(key: String) async throws {
        let moto = try await Moto.shared()
        let bucket = moto.unique("images")
        try await moto.createBucket(bucket)
        let s3 = S3(client: try moto.client(.s3))
        let bytes: [UInt8] = Array(0...255) + Array(repeating: 7, count: 1000)
        let options = S3.PutOptions(
            contentType: "image/jpeg",
            cacheControl: "public, max-age=31536000, immutable",
            metadata: ["Product-Id": "p-1"]
        )
        let eTag = try await s3.putObject(bucket: bucket, key: key, body: bytes, options: options)
        #expect(eTag != nil)

        let info = try #require(try await s3.headObject(bucket: bucket, key: key))
        #expect(info.size == bytes.count)
        #expect(info.contentType == "image/jpeg")
        #expect(info.cacheControl == "public, max-age=31536000, immutable")
        #expect(info.metadata == ["product-id": "p-1"])
        #expect(info.eTag == eTag)

        let (body, got) = try await s3.getObject(bucket: bucket, key: key, maxBytes: 10_000)
        #expect(body == bytes)
        #expect(got.contentType == "image/jpeg")

        try await s3.deleteObject(bucket: bucket, key: key)
        #expect(try await s3.headObject(bucket: bucket, key: key) == nil)
        let missing = await #expect(throws: AWSError.self) {
            _ = try await s3.getObject(bucket: bucket, key: key, maxBytes: 10_000)
        }
        #expect(missing?.context.code == "NoSuchKey")
        #expect(missing?.context.status == 404)
        try await s3.deleteObject(bucket: bucket, key: key)  // deleting what is gone is fine
    }

    @Test func aKeyWithADotSegmentIsRefusedBeforeAnyRequest() async throws {
        let moto = try await Moto.shared()
        let bucket = moto.unique("dots")
        try await moto.createBucket(bucket)
        let s3 = S3(client: try moto.client(.s3))
        for key in ["uploads/../secret.jpg", "./a", "uploads/p-1/.", "a//../b", ""] {
            let error = await #expect(throws: AWSError.self) {
                try await s3.putObject(bucket: bucket, key: key, body: [1])
            }
            #expect(
                error?.description.contains("segment") == true && error?.retryClass == RetryClassification.Class.none,
                "\(key)"
            )
        }
        // Dots inside a name are ordinary: sent as they are, and found again under the same key.
        try await s3.putObject(bucket: bucket, key: "uploads/p-1/..photo.v2.jpg", body: [1, 2])
        #expect(try await s3.headObject(bucket: bucket, key: "uploads/p-1/..photo.v2.jpg")?.size == 2)
    }

    @Test func aHeadAnswered403SaysWhatItMayMean() async throws {
        let moto = try await Moto.shared()
        let requests = Mutex(0)
        try await LoopbackServer.with({ _ in
            requests.withLock { $0 += 1 }
            return LoopbackServer.text(.forbidden, "")
        }) { port in
            var environment = moto.environment
            environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:\(port)"
            let s3 = S3(client: try AWSClients(environment: environment, transport: Moto.transport).client(.s3))
            let error = await #expect(throws: AWSError.self) { _ = try await s3.headObject(bucket: "b", key: "k.jpg") }
            #expect(error?.context.status == 403 && error?.description.contains("s3:ListBucket") == true)
        }
        #expect(requests.withLock { $0 } == 1, "a 403 is not retried")
    }

    @Test func anObjectOverTheLimitIsRefusedNotRetried() async throws {
        let moto = try await Moto.shared()
        let bucket = moto.unique("limits")
        try await moto.createBucket(bucket)
        let s3 = S3(client: try moto.client(.s3))
        try await s3.putObject(bucket: bucket, key: "big.bin", body: Array(repeating: 1, count: 50_000))
        let whole = try await s3.getObject(bucket: bucket, key: "big.bin", maxBytes: 50_000)
        #expect(whole.body.count == 50_000)
        #expect(whole.info.contentType != "application/x-www-form-urlencoded")  // curl's default, never sent
        let error = await #expect(throws: AWSError.self) {
            _ = try await s3.getObject(bucket: bucket, key: "big.bin", maxBytes: 10_000)
        }
        #expect(error?.description.contains("10000-byte limit") == true)
        #expect(error?.retryClass == RetryClassification.Class.none)
    }

    @Test func presignedURLsWorkWithoutCredentials() async throws {
        let moto = try await Moto.withoutSignatureChecks()
        let bucket = moto.unique("presigned")
        try await moto.createBucket(bucket)
        let s3 = S3(client: try moto.client(.s3))
        let key = "uploads/p-9/front view.png"
        let put = try await s3.presignedPutURL(
            bucket: bucket,
            key: key,
            contentType: "image/png",
            expiresIn: .seconds(300)
        )
        #expect(put.contains("X-Amz-Signature="))
        let uploaded = try await Moto.transport.send(
            TransportRequest(method: "PUT", url: put, headers: [("Content-Type", "image/png")], body: Array("png".utf8))
        )
        #expect(uploaded.status == 200)

        let get = try await s3.presignedGetURL(bucket: bucket, key: key, expiresIn: .seconds(60))
        let fetched = try await Moto.transport.send(TransportRequest(method: "GET", url: get))
        #expect(fetched.status == 200)
        #expect(fetched.body == Array("png".utf8))
    }
}
