import APIGatewayEvents
import FoundationEssentials
import GavelDev
import Testing

/// The payload-2.0 event the local gateway builds from an HTTP request, as API Gateway builds it.
@Suite struct GatewayEventTests {
    static let route = HTTPRoute(function: "api", method: "ANY", path: "/{proxy+}", authorized: true)

    static func event(
        path: String = "/bids/b-1",
        query: String = "",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) -> APIGatewayRequest {
        APIGatewayRequest(
            route: Self.route,
            method: "PATCH",
            path: path,
            query: query,
            headers: headers,
            body: body,
            parameters: ["proxy": "bids/b-1"],
            claims: ["sub": "u-ada"],
            host: "127.0.0.1:3000"
        )
    }

    @Test func headersAreLowerCasedRepeatsJoinedAndCookiesSeparate() {
        let event = Self.event(headers: [
            ("X-Trace", "a"), ("x-trace", "b"), ("Cookie", "theme=dark; session=s1"), ("User-Agent", "curl/8"),
        ])
        #expect(event.headers?["x-trace"] == "a,b")
        #expect(event.headers?["cookie"] == nil)
        #expect(event.cookies == ["theme=dark", "session=s1"])
        #expect(event.requestContext.http.userAgent == "curl/8")
    }

    @Test func theQueryIsDecodedWithRepeatsJoinedAndKeptRawBeside() {
        let event = Self.event(query: "status=PLACED&tag=a%20b&tag=c&empty")
        #expect(event.rawQueryString == "status=PLACED&tag=a%20b&tag=c&empty")
        #expect(event.queryStringParameters == ["status": "PLACED", "tag": "a b,c", "empty": ""])
    }

    @Test func theRouteClaimsAndContextAreThere() {
        let event = Self.event()
        #expect(event.version == "2.0")
        #expect(event.routeKey == "ANY /{proxy+}")
        #expect(event.requestContext.routeKey == "ANY /{proxy+}")
        #expect(event.pathParameters == ["proxy": "bids/b-1"])
        #expect(event.claims == ["sub": "u-ada"])
        #expect(event.requestContext.http.method == "PATCH")
        #expect(event.requestContext.stage == "$default")
        #expect(event.requestContext.time?.hasSuffix(" +0000") == true)
        #expect(event.requestContext.requestId?.isEmpty == false)
    }

    @Test func textBodiesPassAsTheyAreAndOthersInBase64() {
        let text = Self.event(body: Array(#"{"maxBid":1}"#.utf8))
        #expect(text.body == #"{"maxBid":1}"#)
        #expect(text.isBase64Encoded == false)
        let binary = Self.event(body: [0xFF, 0xD8, 0xFF, 0x00])
        #expect(binary.isBase64Encoded == true)
        #expect(binary.bodyBytes == [0xFF, 0xD8, 0xFF, 0x00])
        let empty = Self.event()
        #expect(empty.body == nil)
    }

    @Test func theEventDecodesAsTheFunctionReadsIt() throws {
        let event = Self.event(
            query: "limit=5",
            headers: [("Content-Type", "application/json")],
            body: Array("{}".utf8)
        )
        let decoded = try JSONDecoder().decode(APIGatewayRequest.self, from: JSONEncoder().encode(event))
        #expect(decoded == event)
    }
}
