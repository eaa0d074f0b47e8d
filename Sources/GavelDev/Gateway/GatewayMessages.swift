import APIGatewayEvents
import AWS
import FoundationEssentials
import GavelCore
import GavelLocal
import HTTPTypes
import LambdaRuntime

extension APIGatewayRequest {
    /// The event API Gateway's HTTP API would send for this HTTP request (payload format 2.0).
    /// - Parameter headers: names as received; API Gateway lower-cases them, joins repeats with commas and
    ///   moves `Cookie` into `cookies`.
    package init(
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
        var text: String?
        var isBase64 = false
        if !body.isEmpty {
            if let utf8 = String(validating: body, as: UTF8.self) {
                text = utf8
            } else {
                text = Data(body).base64EncodedString()
                isBase64 = true
            }
        }
        self.init(
            routeKey: route.key,
            rawPath: path,
            rawQueryString: query,
            cookies: cookies.isEmpty ? nil : cookies,
            headers: joined,
            queryStringParameters: parametersFromQuery.isEmpty ? nil : parametersFromQuery,
            pathParameters: parameters.isEmpty ? nil : parameters,
            requestContext: Context(
                accountId: "123456789012",
                apiId: "local",
                authorizer: claims.map { Context.Authorizer(jwt: .init(claims: $0)) },
                domainName: host,
                domainPrefix: "local",
                http: .init(
                    method: method,
                    path: path,
                    protocol: "HTTP/1.1",
                    sourceIp: "127.0.0.1",
                    userAgent: joined["user-agent"] ?? ""
                ),
                requestId: RandomIdentifier.uuid(),
                routeKey: route.key,
                stage: "$default",
                time: Self.clf(now),
                timeEpoch: now
            ),
            body: text,
            isBase64Encoded: isBase64
        )
    }

    /// `22/Nov/2026:04:30:00 +0000`, API Gateway's request time.
    private static func clf(_ ms: Int64) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let date = AmzDate(unixTime: ms / 1000).dateTime  // 20261122T043000Z
        let d = Array(date)
        let month = months[(Int(String(d[4...5])) ?? 1) - 1]
        return
            "\(String(d[6...7]))/\(month)/\(String(d[0...3])):\(String(d[9...10])):\(String(d[11...12])):\(String(d[13...14])) +0000"
    }
}

/// What the function answered, read as API Gateway reads payload format 2.0: an object with `statusCode`
/// is a response; any other JSON is a 200 with that JSON as the body.
struct GatewayAnswer {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(output: Data) {
        guard let response = try? JSONDecoder().decode(APIGatewayResponse.self, from: output) else {
            self.status = 200
            self.headers = [("content-type", "application/json")]
            self.body = Array(output)
            return
        }
        self.status = response.statusCode
        self.headers =
            response.headers.map { (name: $0.key, value: $0.value) }
            + (response.cookies ?? []).map { ("set-cookie", $0) }
        self.body =
            response.isBase64Encoded
            ? Data(base64Encoded: response.body).map(Array.init) ?? [] : Array(response.body.utf8)
    }

    init(status: Int, message: String) {
        self.status = status
        self.headers = [("content-type", "application/json")]
        self.body = Array(#"{"message":"\#(message)"}"#.utf8)
    }
}

extension HTTPFields {
    /// A function's headers as HTTP fields, in order (repeats kept); a name HTTP forbids is left out.
    init(_ headers: [(name: String, value: String)]) {
        self.init()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { self.append(HTTPField(name: name, value: value)) }
        }
    }
}
