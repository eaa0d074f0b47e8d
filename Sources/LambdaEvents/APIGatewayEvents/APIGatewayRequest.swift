import JSON

/// An API Gateway HTTP API request to a Lambda integration, payload format 2.0, in both directions: the api
/// function decodes it, `gavel-local`'s gateway encodes it.
///
/// The shape is AWS's (`sam local generate-event apigateway http-api-proxy`): header names lower-cased with
/// repeats joined by commas, cookies apart from the headers, a body base64-encoded when it is not text.
/// Fields AWS always sends but the functions never read are optional, so a hand-written event file works.
package struct APIGatewayRequest: Codable, Sendable, Equatable {
    /// `requestContext`: who called which route, and when.
    package struct Context: Codable, Sendable, Equatable {
        package struct HTTP: Codable, Sendable, Equatable {
            package var method: String
            package var path: String
            package var `protocol`: String?
            package var sourceIp: String?
            package var userAgent: String?

            package init(
                method: String,
                path: String,
                protocol: String? = nil,
                sourceIp: String? = nil,
                userAgent: String? = nil
            ) {
                self.method = method
                self.path = path
                self.protocol = `protocol`
                self.sourceIp = sourceIp
                self.userAgent = userAgent
            }
        }

        /// What the route's authorizer established; for a JWT authorizer, the token's claims.
        package struct Authorizer: Codable, Sendable, Equatable {
            package struct JWT: Codable, Sendable, Equatable {
                /// The token's claims as the JWT authorizer passes them: every value a string (a list claim
                /// such as `cognito:groups` arrives as `[admin vendor]`).
                package var claims: [String: String]?
                package var scopes: [String]?

                package init(claims: [String: String]?, scopes: [String]? = nil) {
                    self.claims = claims
                    self.scopes = scopes
                }
            }
            package var jwt: JWT?

            package init(jwt: JWT?) { self.jwt = jwt }
        }

        package var accountId: String?
        package var apiId: String?
        package var authorizer: Authorizer?
        package var domainName: String?
        package var domainPrefix: String?
        package var http: HTTP
        package var requestId: String?
        package var routeKey: String?
        package var stage: String?
        /// `22/Nov/2026:04:30:00 +0000`.
        package var time: String?
        /// Unix milliseconds.
        package var timeEpoch: Int64?

        package init(
            accountId: String? = nil,
            apiId: String? = nil,
            authorizer: Authorizer? = nil,
            domainName: String? = nil,
            domainPrefix: String? = nil,
            http: HTTP,
            requestId: String? = nil,
            routeKey: String? = nil,
            stage: String? = nil,
            time: String? = nil,
            timeEpoch: Int64? = nil
        ) {
            self.accountId = accountId
            self.apiId = apiId
            self.authorizer = authorizer
            self.domainName = domainName
            self.domainPrefix = domainPrefix
            self.http = http
            self.requestId = requestId
            self.routeKey = routeKey
            self.stage = stage
            self.time = time
            self.timeEpoch = timeEpoch
        }
    }

    /// `2.0`.
    package var version: String?
    /// `GET /bids/{bidId}`, or `$default`.
    package var routeKey: String?
    package var rawPath: String
    /// As the client sent it, without the `?`; not decoded.
    package var rawQueryString: String?
    package var cookies: [String]?
    package var headers: [String: String]?
    /// Decoded; a name given twice has its values joined by commas.
    package var queryStringParameters: [String: String]?
    package var pathParameters: [String: String]?
    package var stageVariables: [String: String]?
    package var requestContext: Context
    package var body: String?
    package var isBase64Encoded: Bool?

    package init(
        version: String? = "2.0",
        routeKey: String? = nil,
        rawPath: String,
        rawQueryString: String? = nil,
        cookies: [String]? = nil,
        headers: [String: String]? = nil,
        queryStringParameters: [String: String]? = nil,
        pathParameters: [String: String]? = nil,
        requestContext: Context,
        body: String? = nil,
        isBase64Encoded: Bool? = false
    ) {
        self.version = version
        self.routeKey = routeKey
        self.rawPath = rawPath
        self.rawQueryString = rawQueryString
        self.cookies = cookies
        self.headers = headers
        self.queryStringParameters = queryStringParameters
        self.pathParameters = pathParameters
        self.requestContext = requestContext
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    /// A JSON request as tests and benchmarks make one: `claims` as the JWT authorizer would pass them.
    package init(
        method: String,
        path: String,
        query: [String: String] = [:],
        body: String? = nil,
        claims: [String: String]?
    ) {
        self.init(
            rawPath: path,
            rawQueryString: query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"),
            headers: body == nil ? [:] : ["content-type": "application/json"],
            queryStringParameters: query.isEmpty ? nil : query,
            requestContext: Context(
                authorizer: claims.map { Context.Authorizer(jwt: .init(claims: $0)) },
                http: .init(method: method, path: path),
                requestId: "req-\(UInt32.random(in: 0...UInt32.max))"
            ),
            body: body
        )
    }

    /// The caller's claims; nil when the request carried none (a route without the authorizer).
    package var claims: [String: String]? { self.requestContext.authorizer?.jwt?.claims }

    /// The body's bytes, base64-decoded when API Gateway encoded it.
    package var bodyBytes: [UInt8]? {
        guard let body = self.body else { return nil }
        guard self.isBase64Encoded == true else { return Array(body.utf8) }
        return Base64.decode(body)
    }
}
