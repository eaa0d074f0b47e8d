package import AWS
import HTTPTypes
package import Hummingbird
import NIOCore

/// The CloudFront distribution in front of the images bucket, on loopback: `GET /<key>` answers the
/// object from moto, as the distribution would, and only under the paths its bucket policy lets it read
/// (`thumbnails/`); an original under `uploads/` is a 403, as through CloudFront with Origin Access Control.
package struct LocalCDN: Sendable {
    package var bucket: String
    package var readablePrefixes: [String]
    package var s3: S3

    package init(bucket: String, readablePrefixes: [String] = ["thumbnails/"], s3: S3) {
        self.bucket = bucket
        self.readablePrefixes = readablePrefixes
        self.s3 = s3
    }

    /// Thumbnails are small; a bigger object is refused rather than held in memory.
    static let maxBytes = 16 * 1024 * 1024

    package func respond(to request: Request) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Self.status(.methodNotAllowed)
        }
        let key = URIEncoding.decode(String(request.uri.path.dropFirst()))
        guard self.readablePrefixes.contains(where: key.hasPrefix) else { return Self.status(.forbidden) }
        let found: (body: [UInt8], info: S3.ObjectInfo)?
        do {
            found = try await self.object(key)
        } catch {
            // CloudFront answers 502 when its origin fails; the reason helps the developer here.
            return Response(status: .badGateway, body: .init(byteBuffer: ByteBuffer(string: "origin: \(error)\n")))
        }
        guard let object = found else { return Self.status(.notFound) }
        var headers = HTTPFields()
        headers[.contentType] = object.info.contentType ?? "application/octet-stream"
        headers[.cacheControl] = object.info.cacheControl ?? "public, max-age=86400"
        headers[.contentLength] = String(object.body.count)
        let body = request.method == .head ? [] : object.body
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Nil when there is no such object. (A helper of its own: a typed catch that goes on to other work in
    /// one async function crashes Swift 6.3.1.)
    private func object(_ key: String) async throws(AWSError) -> (body: [UInt8], info: S3.ObjectInfo)? {
        do throws(AWSError) {
            return try await self.s3.getObject(bucket: self.bucket, key: key, maxBytes: Self.maxBytes)
        } catch  where error.context.code == "NoSuchKey" {
            return nil
        }
    }

    private static func status(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, body: .init(byteBuffer: ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")))
    }
}
