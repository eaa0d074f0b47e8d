import FoundationEssentials
package import GavelCore
import GavelTesting
import Notifications

/// The repo's notification templates, for tests that check what a producer queued against what its email shows.
package enum Emails {
    private static let templates = Result {
        try NotificationTemplates(directory: TestPaths.root + "/Templates/notifications")
    }

    /// The placeholders `notification`'s email would show empty (the greeting's `name` comes from the profile,
    /// so it is left to its section).
    package static func unfilled(_ notification: Notification) throws -> [String] {
        try self.templates.get().unfilled(notification.kind, notification.data)
    }

    /// The notifications in queued message bodies, each checked to fill every placeholder its email shows.
    /// - Throws: when a body is not a notification, or an email would show an empty placeholder.
    package static func decoded(_ bodies: [String]) throws -> [Notification] {
        try bodies.map { body in
            let notification = try JSONDecoder().decode(Notification.self, from: Data(body.utf8))
            let unfilled = try self.unfilled(notification)
            guard unfilled.isEmpty else { throw Unfilled(kind: notification.kind, names: unfilled) }
            return notification
        }
    }
}

/// An email that would show empty placeholders.
package struct Unfilled: Error, CustomStringConvertible {
    package var kind: Notification.Kind
    package var names: [String]
    package var description: String { "\(self.kind.rawValue) would show \(self.names) empty" }
}
