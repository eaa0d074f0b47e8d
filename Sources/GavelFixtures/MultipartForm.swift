/// A `multipart/form-data` body as a browser sends an S3 POST upload: the policy's fields, then `file` last
/// (S3 ignores every field after the file).
package struct MultipartForm: Sendable {
    package var fields: [String: String]
    package var file: [UInt8]
    package var fileContentType: String
    package let boundary = "gavel-form-\(UInt64.random(in: 0...UInt64.max))"

    package init(fields: [String: String], file: [UInt8], fileContentType: String) {
        self.fields = fields
        self.file = file
        self.fileContentType = fileContentType
    }

    package var contentType: String { "multipart/form-data; boundary=\(self.boundary)" }

    package var body: [UInt8] {
        var body: [UInt8] = []
        for (name, value) in self.fields.sorted(by: { $0.key < $1.key }) {
            body += Array(
                "--\(self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8
            )
        }
        body += Array(
            ("--\(self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\n"
                + "Content-Type: \(self.fileContentType)\r\n\r\n").utf8
        )
        body += self.file
        body += Array("\r\n--\(self.boundary)--\r\n".utf8)
        return body
    }
}
