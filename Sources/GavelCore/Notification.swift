package import AWS
import JSON

/// The message every producer puts on the notification FIFO queue and the notifications function reads:
/// `{notificationId, kind, userId or email, data}`. The sniper (bid outcomes) and the storefront (orders)
/// build it with this type, so the two sides cannot drift apart.
///
/// Queue conventions: `MessageGroupId` is the recipient (user id or email), so one person's notifications
/// arrive in order; `MessageDeduplicationId` is `notificationId`.
package struct Notification: Codable, Sendable, Equatable {
    /// What happened; each kind has its own templates and its own switch in the user's preferences.
    package enum Kind: String, Codable, Sendable, CaseIterable {
        case snipeScheduled = "snipe_scheduled"
        case bidPlaced = "bid_placed"
        case bidOutbid = "bid_outbid"
        case bidFailed = "bid_failed"
        case bidMissed = "bid_missed"
        case auctionWon = "auction_won"
        case auctionLost = "auction_lost"
        case orderConfirmation = "order_confirmation"
        case vendorNewOrder = "vendor_new_order"
        case liveOutbid = "live_outbid"
    }

    /// Unique per notification and stable across retries of its producer (e.g. `bid-<bidId>-PLACED`):
    /// the consumer sends at most one email per id.
    package var notificationId: String
    package var kind: Kind
    /// The recipient: a user (address and preferences from Users), or a bare address.
    package var userId: String?
    package var email: String?
    /// The template's values (item title, amounts already formatted, links).
    package var data: [String: String]

    package init(
        notificationId: String,
        kind: Kind,
        userId: String? = nil,
        email: String? = nil,
        data: [String: String]
    ) {
        self.notificationId = notificationId
        self.kind = kind
        self.userId = userId
        self.email = email
        self.data = data
    }

    /// The FIFO group: the recipient.
    package var groupId: String { self.userId.map { "user:\($0)" } ?? "email:\(self.email ?? "")" }
}

extension Notification {
    /// The queue message that carries this notification, under the queue conventions above.
    package var outgoingMessage: SQS.OutgoingMessage {
        let body = (try? JSONCoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SQS.OutgoingMessage(body: body, groupId: self.groupId, deduplicationId: self.notificationId)
    }
}
