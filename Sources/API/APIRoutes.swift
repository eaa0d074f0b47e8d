import GavelCore
import Sniper

/// The api function's routes: one table, which the router matches and the OpenAPI test compares with
/// `docs/openapi.yaml`.
package enum APIRoute: String, Sendable, CaseIterable {
    case health, getProfile, putProfile, linkEbay, unlinkEbay
    case createBid, listBids, getBid, changeBid, cancelBid, history
    case listProducts, getProduct, createProduct, changeProduct, vendorProducts, createImageUpload
    case getCart, putCartItem, deleteCartItem
    case createOrder, listOrders, getOrder, vendorOrders
    case createAuction, listAuctions, getAuction, placeLiveBid, auctionBids, myLiveBids

    /// Who may call a route.
    package enum Access: Sendable, Equatable {
        /// Anyone: API Gateway runs no authorizer (the template's route has `Authorizer: NONE`).
        case everyone
        /// A signed-in user (the JWT authorizer's claims carry `sub`).
        case signedIn
        /// A signed-in member of the `vendor` group (`cognito:groups`); anyone else is refused with 403.
        case vendor
    }

    /// Method, path template (`{name}` is one path segment) and who may call it.
    package static let table: [(method: String, path: String, route: APIRoute, access: Access)] = [
        ("GET", "/health", .health, .everyone),
        ("GET", "/me", .getProfile, .signedIn),
        ("PUT", "/me", .putProfile, .signedIn),
        ("POST", "/me/ebay", .linkEbay, .signedIn),
        ("DELETE", "/me/ebay", .unlinkEbay, .signedIn),
        ("POST", "/bids", .createBid, .signedIn),
        ("GET", "/bids", .listBids, .signedIn),
        ("GET", "/bids/{bidId}", .getBid, .signedIn),
        ("PATCH", "/bids/{bidId}", .changeBid, .signedIn),
        ("DELETE", "/bids/{bidId}", .cancelBid, .signedIn),
        ("GET", "/history", .history, .signedIn),
        ("GET", "/products", .listProducts, .everyone),
        ("GET", "/products/{productId}", .getProduct, .everyone),
        ("POST", "/products", .createProduct, .vendor),
        ("PATCH", "/products/{productId}", .changeProduct, .vendor),
        ("POST", "/products/{productId}/images", .createImageUpload, .vendor),
        ("GET", "/vendor/products", .vendorProducts, .vendor),
        ("GET", "/cart", .getCart, .signedIn),
        ("PUT", "/cart/items/{productId}", .putCartItem, .signedIn),
        ("DELETE", "/cart/items/{productId}", .deleteCartItem, .signedIn),
        ("POST", "/orders", .createOrder, .signedIn),
        ("GET", "/orders", .listOrders, .signedIn),
        ("GET", "/orders/{orderId}", .getOrder, .signedIn),
        ("GET", "/vendor/orders", .vendorOrders, .vendor),
        ("POST", "/auctions", .createAuction, .vendor),
        ("GET", "/auctions", .listAuctions, .everyone),
        ("GET", "/auctions/{auctionId}", .getAuction, .everyone),
        ("POST", "/auctions/{auctionId}/bids", .placeLiveBid, .signedIn),
        ("GET", "/auctions/{auctionId}/bids", .auctionBids, .everyone),
        ("GET", "/me/live-bids", .myLiveBids, .signedIn),
    ]

    /// A matched route and its path parameters.
    package struct Match: Sendable, Equatable {
        package var route: APIRoute
        package var access: Access
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
                return Match(route: entry.route, access: entry.access, parameters: parameters)
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
