import GavelCore

/// The api function's routes: one table, which the router matches and the OpenAPI test compares with
/// `docs/openapi.yaml`.
package enum APIRoute: String, Sendable, CaseIterable {
    case health, getProfile, putProfile, linkEbay, unlinkEbay
    case createBid, listBids, getBid, changeBid, cancelBid, history

    /// Method, path template (`{name}` is one path segment) and whether the caller must be signed in.
    package static let table: [(method: String, path: String, route: APIRoute, signedIn: Bool)] = [
        ("GET", "/health", .health, false),
        ("GET", "/me", .getProfile, true),
        ("PUT", "/me", .putProfile, true),
        ("POST", "/me/ebay", .linkEbay, true),
        ("DELETE", "/me/ebay", .unlinkEbay, true),
        ("POST", "/bids", .createBid, true),
        ("GET", "/bids", .listBids, true),
        ("GET", "/bids/{bidId}", .getBid, true),
        ("PATCH", "/bids/{bidId}", .changeBid, true),
        ("DELETE", "/bids/{bidId}", .cancelBid, true),
        ("GET", "/history", .history, true),
    ]

    /// A matched route and its path parameters.
    package struct Match: Sendable, Equatable {
        package var route: APIRoute
        package var signedIn: Bool
        package var parameters: [String: String]
    }

    /// The route for `method` and `path`.
    /// - Throws: `APIError` 404 when no template matches the path, 405 (with `Allow`) when one does but
    ///   not with this method.
    package static func match(method: String, path: String) throws(APIError) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [String] = []
        for entry in self.table {
            let template = entry.path.split(separator: "/")
            guard template.count == segments.count else { continue }
            var parameters: [String: String] = [:]
            let fits = zip(template, segments).allSatisfy { pattern, segment in
                if pattern.hasPrefix("{"), pattern.hasSuffix("}") {
                    parameters[String(pattern.dropFirst().dropLast())] = String(segment)
                    return true
                }
                return pattern == segment
            }
            guard fits else { continue }
            if entry.method == method {
                return Match(route: entry.route, signedIn: entry.signedIn, parameters: parameters)
            }
            allowed.append(entry.method)
        }
        guard !allowed.isEmpty else { throw APIError(404, "not_found", "no route for \(path)") }
        var error = APIError(
            405,
            "method_not_allowed",
            "\(method) is not allowed here; use \(allowed.joined(separator: ", "))"
        )
        error.headers["allow"] = allowed.joined(separator: ", ")
        throw error
    }
}
