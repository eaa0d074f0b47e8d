/// The S3 event notification Lambda receives (`{"Records": [...]}`), as AWS sends it
/// (`sam local generate-event s3 put`). Only the fields image-processing reads are required; the rest of
/// what AWS adds is kept where it has a name here and ignored otherwise.
package struct S3Event: Codable, Sendable, Equatable {
    package struct Record: Codable, Sendable, Equatable {
        package struct Entity: Codable, Sendable, Equatable {
            package struct Bucket: Codable, Sendable, Equatable {
                package var name: String
                package var arn: String?
            }
            package struct Object: Codable, Sendable, Equatable {
                /// URL-encoded as S3 sends it (a space is `+`).
                package var key: String
                package var size: Int?
                package var eTag: String?
                package var sequencer: String?
            }
            package var configurationId: String?
            package var bucket: Bucket
            package var object: Object
        }
        package var eventVersion: String?
        /// `aws:s3`.
        package var eventSource: String?
        package var awsRegion: String?
        /// ISO 8601.
        package var eventTime: String?
        /// `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, …
        package var eventName: String
        package var s3: Entity

        package var bucket: String { self.s3.bucket.name }
    }

    package var records: [Record]

    private enum CodingKeys: String, CodingKey { case records = "Records" }
}
