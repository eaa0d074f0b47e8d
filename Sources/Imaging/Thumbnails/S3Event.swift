import AWS

/// The S3 notification Lambda receives (`{"Records": [...]}`), with only the fields image-processing reads;
/// anything else AWS adds is ignored.
package struct S3Event: Decodable, Sendable {
    package struct Record: Decodable, Sendable {
        package struct Entity: Decodable, Sendable {
            package struct Bucket: Decodable, Sendable { package var name: String }
            package struct Object: Decodable, Sendable {
                /// URL-encoded as S3 sends it (a space is `+`); see `Record.key`.
                package var key: String
                package var size: Int?
            }
            package var bucket: Bucket
            package var object: Object
        }
        /// `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, …
        package var eventName: String
        package var s3: Entity

        package var bucket: String { self.s3.bucket.name }
        /// The object key, decoded.
        package var key: String { URIEncoding.decode(self.s3.object.key, plusIsSpace: true) }
    }

    package var records: [Record]

    private enum CodingKeys: String, CodingKey { case records = "Records" }
}
