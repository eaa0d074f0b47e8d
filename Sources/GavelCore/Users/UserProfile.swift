/// A row of the Users table (key `userId`): the profile `GET /me` shows, the address and preferences the
/// notifications consumer reads, and the eBay link only the api and the bid executor touch.
package struct UserProfile: Codable, Sendable, Equatable {
    package var userId: String
    /// From the caller's verified token claims; absent when no request carried one yet.
    package var email: String?
    package var name: String?
    /// IANA time zone (`Europe/London`), for dates in emails.
    package var timeZone: String?
    /// Per notification kind (`bid_outbid`), false when the user turned it off; a kind not listed is on.
    package var notifications: [String: Bool]?
    /// The user's eBay refresh token, KMS-encrypted under the context `{"userId": userId}`; never returned.
    package var ebayRefreshToken: [UInt8]?
    /// When the eBay account was linked, and when its refresh token expires (Unix milliseconds).
    package var ebayLinkedAt: Int64?
    package var ebayTokenExpiresAt: Int64?
    /// Set by the notifications function when SES reports a hard bounce or a complaint for an address.
    package var emailSuppression: EmailSuppression?

    package init(
        userId: String,
        email: String?,
        name: String? = nil,
        timeZone: String? = nil,
        notifications: [String: Bool]? = nil
    ) {
        self.userId = userId
        self.email = email
        self.name = name
        self.timeZone = timeZone
        self.notifications = notifications
    }

    /// The address notifications may go to: `email`, unless SES reported it undeliverable. A suppression
    /// names the address it was reported for, so a new verified address is mailed again.
    package var deliverableEmail: String? {
        guard let email = self.email else { return nil }
        return self.emailSuppression?.address == email ? nil : email
    }

    /// Whether the user wants emails of `kind`.
    package func wants(_ kind: Notification.Kind) -> Bool {
        self.notifications?[kind.rawValue] ?? true
    }
}

/// An address that must not be mailed again: it hard-bounced, or its owner marked an email as spam.
package struct EmailSuppression: Codable, Sendable, Equatable {
    package enum Reason: String, Codable, Sendable { case bounce, complaint }

    package var address: String
    package var reason: Reason
    /// When the report was handled (Unix milliseconds).
    package var at: Int64

    package init(address: String, reason: Reason, at: Int64) {
        self.address = address
        self.reason = reason
        self.at = at
    }
}
