/// A row of the Users table (key `userId`): the profile `GET /me` shows and the notifications consumer reads.
package struct UserProfile: Codable, Sendable, Equatable {
    package var userId: String
    package var email: String
    package var name: String?
    /// IANA time zone (`Europe/London`), for dates in emails.
    package var timeZone: String?
    /// Per notification kind (`bid_outbid`), false when the user turned it off; a kind not listed is on.
    package var notifications: [String: Bool]?

    package init(
        userId: String,
        email: String,
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

    /// Whether the user wants emails of `kind`.
    package func wants(_ kind: Notification.Kind) -> Bool {
        self.notifications?[kind.rawValue] ?? true
    }
}
