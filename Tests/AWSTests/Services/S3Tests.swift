import AWS
import Foundation
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

    /// AWS's own example of a browser-based upload signed with SigV4 (Amazon S3 API Reference, "Example:
    /// Browser-based upload using HTTP POST (using AWS Signature Version 4)"): its policy, credentials and
    /// date give its signature.
    @Test func aPostPolicyIsSignedAsAWSsExampleIs() {
        let policy =
            "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6"
            + "ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFj"
            + "bCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tl"
            + "dC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5"
            + "cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZl"
            + "ci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoN"
            + "CiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVx"
            + "dWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAx"
            + "NTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
        let credentials = Credentials(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        )
        let signed = SigV4Signer(region: "us-east-1", service: "s3").signPolicy(
            policy,
            credentials: credentials,
            date: AmzDate(unixTime: 1_451_347_200)  // 2015-12-29T00:00:00Z
        )
        #expect(signed.signature == "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e")
        #expect(signed.credential == "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request")
    }

    @Test func aPresignedPostUploadsExactlyItsKeyAndSaysSoInItsPolicy() async throws {
        // moto with signature checks answers any POST form upload with a 500 (its checker reads no
        // Authorization header and fails); AWS checks the policy's signature, pinned by the test above.
        let moto = try await Moto.withoutSignatureChecks()
        let bucket = moto.unique("post")
        try await moto.createBucket(bucket)
        let s3 = S3(client: try moto.client(.s3))
        let key = "uploads/prd_1/0001.png"
        let post = try await s3.presignedPost(
            bucket: bucket,
            key: key,
            contentType: "image/png",
            maxBytes: 1000,
            expiresIn: .seconds(300)
        )
        let encoded = try #require(post.fields["policy"])
        let policy = try #require(Data(base64Encoded: encoded))
        let document = try #require(try JSONSerialization.jsonObject(with: policy) as? [String: Any])
        let conditions = try #require(document["conditions"] as? [Any])
        let equalities = conditions.compactMap { $0 as? [String: String] }.reduce(into: [:]) { $0.merge($1) { $1 } }
        #expect(equalities["bucket"] == bucket && equalities["key"] == key && equalities["Content-Type"] == "image/png")
        #expect(equalities["x-amz-credential"] == post.fields["x-amz-credential"])
        let range = try #require(conditions.compactMap { $0 as? [Any] }.first)
        #expect(range.first as? String == "content-length-range" && range.last as? Int == 1000)
        #expect(post.expiresAt.hasSuffix(".000Z") && document["expiration"] as? String == post.expiresAt)

        let form = MultipartForm(fields: post.fields, file: Array("png bytes".utf8), fileContentType: "image/png")
        let uploaded = try await Moto.transport.send(
            TransportRequest(
                method: "POST",
                url: post.url,
                headers: [("Content-Type", form.contentType)],
                body: form.body
            )
        )
        #expect(
            (200...299).contains(uploaded.status),
            "\(uploaded.status) \(String(decoding: uploaded.body.prefix(3000), as: UTF8.self))"
        )
        let (body, info) = try await s3.getObject(bucket: bucket, key: key, maxBytes: 100)
        #expect(body == Array("png bytes".utf8) && info.contentType == "image/png")
    }

    @Test func aPresignedPostForAKeyS3WouldNormaliseIsRefused() async throws {
        let moto = try await Moto.shared()
        let s3 = S3(client: try moto.client(.s3))
        await #expect(throws: AWSError.self) {
            _ = try await s3.presignedPost(
                bucket: "b",
                key: "uploads/../secrets",
                contentType: "image/png",
                maxBytes: 10,
                expiresIn: .seconds(60)
            )
        }
    }
}
