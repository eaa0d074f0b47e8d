import HTTPTypes
import Hummingbird

/// CORS as API Gateway's HTTP API and Lambda's Function URLs both answer it from their settings: a preflight
/// answered without calling the function, and the allowed origin echoed on every answer.
extension LocalStack.HTTPAPI.CORS {
    /// An `OPTIONS` request asking what a cross-origin request may do.
    func isPreflight(_ request: Request) -> Bool {
        request.method == .options
            && !request.headers[values: HTTPField.Name("Access-Control-Request-Method")!].isEmpty
    }

    func preflight(origin: String?) -> Response {
        var fields = HTTPFields()
        if let origin, self.allows(origin) {
            fields[.accessControlAllowOrigin] = self.allowOrigins.contains("*") ? "*" : origin
            fields[.accessControlAllowMethods] = self.allowMethods.joined(separator: ",")
            fields[.accessControlAllowHeaders] = self.allowHeaders.map { $0.lowercased() }.joined(separator: ",")
            fields[.accessControlMaxAge] = String(self.maxAge)
            fields[.vary] = "Origin"
        }
        return Response(status: .noContent, headers: fields)
    }

    /// Adds `Access-Control-Allow-Origin` to an answer when `origin` is allowed.
    func allow(_ origin: String?, in fields: inout HTTPFields) {
        guard let origin, self.allows(origin) else { return }
        fields[.accessControlAllowOrigin] = self.allowOrigins.contains("*") ? "*" : origin
        fields[.vary] = "Origin"
    }

    private func allows(_ origin: String) -> Bool {
        self.allowOrigins.contains("*") || self.allowOrigins.contains(origin)
    }
}
