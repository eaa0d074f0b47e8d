import AWS
import Testing

@Suite struct ErrorResponseTests {
    @Test func readsDynamoDBsJSONType() {
        let response = ErrorResponse(
            status: 400,
            headers: ["x-amzn-requestid": "R1"],
            body: Array(
                #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#
                    .utf8
            )
        )
        #expect(
            response
                == ErrorResponse.expected(
                    code: "ConditionalCheckFailedException",
                    message: "The conditional request failed",
                    requestId: "R1"
                )
        )
    }

    @Test func readsTheCapitalisedMessageMotoAndSomeServicesSend() {
        let response = ErrorResponse(
            status: 400,
            headers: [:],
            body: Array(#"{"__type":"ResourceNotFoundException","Message":"Requested resource not found"}"#.utf8)
        )
        #expect(response.code == "ResourceNotFoundException")
        #expect(response.message == "Requested resource not found")
    }

    @Test func prefersTheRESTJSONHeader() {
        let response = ErrorResponse(
            status: 409,
            headers: [
                "x-amzn-errortype": "ConflictException:http://internal.amazon.com/coral/com.amazonaws.scheduler/"
            ],
            body: Array(#"{"Message":"Schedule already exists"}"#.utf8)
        )
        #expect(response.code == "ConflictException")
        #expect(response.message == "Schedule already exists")
    }

    @Test func readsS3sXML() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchKey</Code><Message>The specified key does not exist &amp; never did.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let response = ErrorResponse(status: 404, headers: [:], body: Array(body.utf8))
        #expect(
            response
                == ErrorResponse.expected(
                    code: "NoSuchKey",
                    message: "The specified key does not exist & never did.",
                    requestId: "4442587FB7D0A2F9"
                )
        )
    }

    @Test func anEmptyBodyStillSaysWhatHappened() {
        let response = ErrorResponse(status: 503, headers: [:], body: [])
        #expect(response.code == nil)
        #expect(response.message == "HTTP 503 with no error message")
    }
}

extension ErrorResponse {
    static func expected(code: String?, message: String, requestId: String?) -> ErrorResponse {
        var response = ErrorResponse(status: 0, headers: [:], body: [])
        response.code = code
        response.message = message
        response.requestId = requestId
        return response
    }
}
