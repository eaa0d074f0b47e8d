import JSON

/// The code, message and request id of an AWS error response, from whichever place its wire family uses:
/// the `X-Amzn-Errortype` header (REST-JSON: Scheduler, SES v2), `__type` in a JSON body (DynamoDB, SQS,
/// Secrets Manager, KMS) or `<Code>` in an XML body (S3).
package struct ErrorResponse: Sendable, Equatable {
    package var code: String?
    package var message: String
    package var requestId: String?

    /// Reads an error response.
    /// - Parameter headers: header names lower-cased.
    package init(status: Int, headers: [String: String], body: [UInt8]) {
        self.requestId = headers["x-amzn-requestid"] ?? headers["x-amz-request-id"]
        var code = headers["x-amzn-errortype"].map(Self.shapeName)
        var message: String?
        if body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "<") {
            let text = String(decoding: body, as: UTF8.self)
            code = code ?? XMLText.element("Code", in: text)
            message = XMLText.element("Message", in: text)
            self.requestId = self.requestId ?? XMLText.element("RequestId", in: text)
        } else if let json = try? JSONCoder.decode(JSONError.self, from: body) {
            code = code ?? (json.type ?? json.code ?? json.Code).map(Self.shapeName)
            message = json.message ?? json.Message ?? json.errorMessage
        }
        self.code = code
        self.message = message ?? "HTTP \(status) with no error message"
    }

    private struct JSONError: Decodable {
        var type: String?
        var code: String?
        var Code: String?
        var message: String?
        var Message: String?
        var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case code, Code, message, Message, errorMessage
        }
    }

    /// `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` and
    /// `ValidationException:http://internal.amazon.com/…` are both just the shape name.
    package static func shapeName(_ raw: String) -> String {
        var name = Substring(raw)
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        return String(name)
    }
}
