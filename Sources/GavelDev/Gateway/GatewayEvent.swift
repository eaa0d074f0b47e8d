import AWS
import FoundationEssentials
import GavelCore
import GavelLocal
import LambdaRuntime

/// The event API Gateway's HTTP API sends a Lambda integration (payload format 2.0).
struct GatewayEvent: Encodable {
    struct Context: Encodable {
        struct HTTP: Encodable {
            var method: String
            var path: String
            var `protocol` = "HTTP/1.1"
            var sourceIp = "127.0.0.1"
            var userAgent: String
        }
        struct Authorizer: Encodable {
            struct JWT: Encodable {
                var claims: [String: String]
                var scopes: [String]? = nil
            }
            var jwt: JWT
        }
        var accountId = "123456789012"
        var apiId = "local"
        var authorizer: Authorizer?
        var domainName: String
        var domainPrefix = "local"
        var http: HTTP
        var requestId: String
        var routeKey: String
        var stage = "$default"
        var time: String
        var timeEpoch: Int64
    }

    var version = "2.0"
    var routeKey: String
    var rawPath: String
    var rawQueryString: String
    var cookies: [String]?
    var headers: [String: String]
    var queryStringParameters: [String: String]?
    var pathParameters: [String: String]?
    var requestContext: Context
    var body: String?
    var isBase64Encoded: Bool

    /// - Parameter headers: names as received; API Gateway lower-cases them and joins repeats with commas.
    init(
        route: HTTPRoute,
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        parameters: [String: String],
        claims: [String: String]?,
        host: String
    ) {
        var joined: [String: String] = [:]
        var cookies: [String] = []
        for (name, value) in headers {
            let name = name.lowercased()
            if name == "cookie" {
                cookies += value.split(separator: ";").map { $0.trimmingSpaces() }
                continue
            }
            joined[name] = joined[name].map { $0 + "," + value } ?? value
        }
        var parametersFromQuery: [String: String] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.decode(String(parts[0]))
            let value = parts.count > 1 ? URIEncoding.decode(String(parts[1])) : ""
            parametersFromQuery[name] = parametersFromQuery[name].map { $0 + "," + value } ?? value
        }
        let now = WallClock.nowMs()
        // Text bodies pass as they are; anything else base64, as API Gateway does for binary media.
        let text = String(validating: body, as: UTF8.self)
        self.routeKey = route.key
        self.rawPath = path
        self.rawQueryString = query
        self.cookies = cookies.isEmpty ? nil : cookies
        self.headers = joined
        self.queryStringParameters = parametersFromQuery.isEmpty ? nil : parametersFromQuery
        self.pathParameters = parameters.isEmpty ? nil : parameters
        self.requestContext = Context(
            authorizer: claims.map { .init(jwt: .init(claims: $0)) },
            domainName: host,
            http: .init(method: method, path: path, userAgent: joined["user-agent"] ?? ""),
            requestId: RandomIdentifier.uuid(),
            routeKey: route.key,
            time: Self.clf(now),
            timeEpoch: now
        )
        if body.isEmpty {
            self.body = nil
            self.isBase64Encoded = false
        } else if let text {
            self.body = text
            self.isBase64Encoded = false
        } else {
            self.body = Data(body).base64EncodedString()
            self.isBase64Encoded = true
        }
    }

    /// `22/Nov/2026:04:30:00 +0000`, API Gateway's request time.
    private static func clf(_ ms: Int64) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let date = AmzDate(unixTime: ms / 1000).dateTime  // 20261122T043000Z
        let d = Array(date)
        let month = months[(Int(String(d[4...5])) ?? 1) - 1]
        return "\(String(d[6...7]))/\(month)/\(String(d[0...3])):\(String(d[9...10])):\(String(d[11...12])):\(String(d[13...14])) +0000"
    }
}

/// What the function answered, read as API Gateway reads payload format 2.0: an object with `statusCode`
/// is a response; any other JSON is a 200 with that JSON as the body.
struct GatewayAnswer {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    private struct Shape: Decodable {
        var statusCode: Int?
        var headers: [String: String]?
        var multiValueHeaders: [String: [String]]?
        var cookies: [String]?
        var body: String?
        var isBase64Encoded: Bool?
    }

    init(output: Data) {
        guard let shape = try? JSONDecoder().decode(Shape.self, from: output), let status = shape.statusCode else {
            self.status = 200
            self.headers = [("content-type", "application/json")]
            self.body = Array(output)
            return
        }
        self.status = status
        var headers = (shape.headers ?? [:]).map { (name: $0.key, value: $0.value) }
        for (name, values) in shape.multiValueHeaders ?? [:] { headers += values.map { (name, $0) } }
        headers += (shape.cookies ?? []).map { ("set-cookie", $0) }
        self.headers = headers
        let text = shape.body ?? ""
        self.body = shape.isBase64Encoded == true ? Data(base64Encoded: text).map(Array.init) ?? [] : Array(text.utf8)
    }

    init(status: Int, message: String) {
        self.status = status
        self.headers = [("content-type", "application/json")]
        self.body = Array(#"{"message":"\#(message)"}"#.utf8)
    }
}
