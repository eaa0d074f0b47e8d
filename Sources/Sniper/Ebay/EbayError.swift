import GavelCore

/// What went wrong talking to eBay. Descriptions carry eBay's error id and message, never a token or secret.
package enum EbayError: Error, CustomStringConvertible, Equatable {
    /// eBay could not be reached, timed out, or answered 429 or 5xx: worth another attempt.
    case unavailable(String)
    /// A request that is not safe to repeat may or may not have taken effect: it timed out, the connection
    /// broke after it was sent, or eBay answered 5xx. Ask eBay what it holds before doing anything else.
    case uncertain(String)
    /// eBay refused the request (4xx) with its first error id and message.
    case refused(status: Int, errorId: Int?, message: String)
    /// The item does not exist (Browse 404).
    case itemNotFound(String)
    /// The OAuth server refused the authorization code or refresh token (`invalid_grant`): the user must link
    /// their eBay account again.
    case invalidGrant(String)
    /// The eBay secret is missing, unreadable or still holds its placeholder.
    case configuration(String)
    /// eBay answered with a body we cannot read.
    case invalidResponse(String)

    package var description: String {
        switch self {
        case .unavailable(let detail): "eBay is unavailable: \(detail)"
        case .uncertain(let detail): "eBay's answer to the bid was lost: \(detail)"
        case .refused(let status, let errorId, let message):
            "eBay refused the request (HTTP \(status)\(errorId.map { ", error \($0)" } ?? "")): \(message)"
        case .itemNotFound(let itemId): "eBay has no item \(itemId)"
        case .invalidGrant(let detail): "eBay refused the authorization: \(detail)"
        case .configuration(let detail): "eBay configuration: \(detail)"
        case .invalidResponse(let detail): "unreadable eBay response: \(detail)"
        }
    }

    /// Whether a later attempt may succeed.
    package var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
