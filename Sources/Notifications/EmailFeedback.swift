package import GavelCore
import JSON

/// What SES reports about an email it sent: the configuration set's bounce and complaint events, which SNS
/// delivers to the feedback queue raw (`RawMessageDelivery`), or wrapped in SNS's envelope when a
/// subscription lacks that setting. Identity notifications (`notificationType` instead of `eventType`) read
/// the same.
///
/// Read leniently, as every AWS payload here is: SES adds fields over time, and refusing one would stop
/// every report. Only what suppression needs is required.
package struct EmailFeedback: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// `Permanent`: the address does not exist or refuses mail for good.
        case hardBounce
        /// `Transient` or `Undetermined`: a full mailbox, a message too large; SES already retried.
        case softBounce
        case complaint
    }

    package var kind: Kind
    /// The recipients the report is about (a bounce can name some of a message's recipients only).
    package var addresses: [String]
    /// From the `userId` tag every user's email is sent with; nil for an email to a bare address.
    package var userId: String?
    /// SES's id of the email reported on.
    package var messageId: String

    /// The report in `body`, or nil for an event suppression does not act on (`Delivery`, `Send`, `Open`…).
    /// - Throws: `ValidationError` when the body is not an SES report at all.
    package static func parse(_ body: String) throws(ValidationError) -> EmailFeedback? {
        var data = Array(body.utf8)
        if let envelope = try? JSONCoder.decode(SNSEnvelope.self, from: data), envelope.type == "Notification" {
            data = Array(envelope.message.utf8)
        }
        let report: Report
        do {
            report = try JSONCoder.decode(Report.self, from: data)
        } catch {
            throw ValidationError(field: nil, "not an SES bounce or complaint report: \(error)")
        }
        guard let type = report.eventType ?? report.notificationType else {
            throw ValidationError(field: "eventType", "is required")
        }
        let kind: Kind
        let addresses: [String]
        switch type {
        case "Bounce":
            guard let bounce = report.bounce else { throw ValidationError(field: "bounce", "is required") }
            kind = bounce.bounceType == "Permanent" ? .hardBounce : .softBounce
            addresses = bounce.bouncedRecipients.map(\.emailAddress)
        case "Complaint":
            guard let complaint = report.complaint else { throw ValidationError(field: "complaint", "is required") }
            kind = .complaint
            addresses = complaint.complainedRecipients.map(\.emailAddress)
        default:
            return nil
        }
        return EmailFeedback(
            kind: kind,
            addresses: addresses,
            userId: report.mail.tags?[Self.userIdTag]?.first,
            messageId: report.mail.messageId
        )
    }

    /// The SES message tag naming the user an email went to.
    package static let userIdTag = "userId"

    private struct SNSEnvelope: Decodable {
        var type: String
        var message: String
        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case message = "Message"
        }
    }

    private struct Recipient: Decodable { var emailAddress: String }

    private struct Report: Decodable {
        struct Mail: Decodable {
            var messageId: String
            var tags: [String: [String]]?
        }
        struct Bounce: Decodable {
            var bounceType: String
            var bouncedRecipients: [Recipient]
        }
        struct Complaint: Decodable { var complainedRecipients: [Recipient] }

        var eventType: String?
        var notificationType: String?
        var mail: Mail
        var bounce: Bounce?
        var complaint: Complaint?
    }
}
