/// One route of the HTTP API (an `HttpApi` event of a function): method, path template, authorizer or not.
package struct HTTPRoute: Sendable {
    package var function: String
    /// `GET`, or `ANY`.
    package var method: String
    /// `/health`, `/bids/{bidId}`, `/{proxy+}`.
    package var path: String
    package var authorized: Bool

    package init(function: String, method: String, path: String, authorized: Bool) {
        self.function = function
        self.method = method.uppercased()
        self.path = path
        self.authorized = authorized
    }

    /// `GET /health`: the event's `routeKey`.
    package var key: String { "\(self.method) \(self.path)" }

    /// The path parameters when `method` and `path` match this route, else nil.
    package func match(method: String, path: String) -> [String: String]? {
        guard self.method == "ANY" || self.method == method.uppercased() else { return nil }
        let template = self.path.split(separator: "/")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var parameters: [String: String] = [:]
        for (index, part) in template.enumerated() {
            if part.hasPrefix("{"), part.hasSuffix("+}") {
                let rest = segments.dropFirst(index)
                guard !rest.isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast(2))] = rest.joined(separator: "/")
                return parameters
            }
            guard index < segments.count else { return nil }
            let segment = segments[segments.startIndex + index]
            if part.hasPrefix("{"), part.hasSuffix("}") {
                guard !segment.isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast())] = String(segment)
            } else if part != segment {
                return nil
            }
        }
        return segments.count == template.count ? parameters : nil
    }

    /// API Gateway's choice among matching routes: the most specific (literal segments before parameters,
    /// greedy `{proxy+}` last), then a named method before `ANY`.
    package static func best(
        of routes: [HTTPRoute],
        method: String,
        path: String
    ) -> (route: HTTPRoute, parameters: [String: String])? {
        routes.compactMap { route in route.match(method: method, path: path).map { (route, $0) } }
            .min { a, b in a.route.rank < b.route.rank }
    }

    private var rank: (Int, Int, Int) {
        let greedy = self.path.contains("+}") ? 1 : 0
        let parameters = self.path.filter { $0 == "{" }.count
        return (greedy, parameters, self.method == "ANY" ? 1 : 0)
    }
}
