/// SES v2 SendEmail (REST-JSON on host `email.<region>`, signed as `ses`).
package struct SESv2: Sendable {
    /// A simple email: subject, text and optional HTML body.
    package struct Email: Sendable {
        package var from: String
        package var to: [String]
        package var replyTo: [String]
        package var subject: String
        package var text: String
        package var html: String?
        /// The configuration set whose event destinations hear of this email's bounces and complaints.
        package var configurationSet: String?
        /// Message tags, which SES copies into every event about the email (`mail.tags`).
        package var tags: [String: String]

        package init(
            from: String,
            to: [String],
            replyTo: [String] = [],
            subject: String,
            text: String,
            html: String? = nil,
            configurationSet: String? = nil,
            tags: [String: String] = [:]
        ) {
            self.from = from
            self.to = to
            self.replyTo = replyTo
            self.subject = subject
            self.text = text
            self.html = html
            self.configurationSet = configurationSet
            self.tags = tags
        }
    }

    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    private struct Input: Encodable {
        struct Destination: Encodable { var ToAddresses: [String] }
        struct Text: Encodable {
            var Data: String
            var Charset = "UTF-8"
        }
        struct Body: Encodable {
            var Text: Text
            var Html: Text?
        }
        struct Simple: Encodable {
            var Subject: Text
            var Body: Body
        }
        struct Content: Encodable { var Simple: Simple }
        struct Tag: Encodable {
            var Name: String
            var Value: String
        }
        var FromEmailAddress: String
        var Destination: Destination
        var ReplyToAddresses: [String]?
        var Content: Content
        var ConfigurationSetName: String?
        var EmailTags: [Tag]?
    }

    private struct Output: Decodable {
        var MessageId: String
    }

    /// Sends `email`; returns SES's message id.
    /// - Throws: `AWSError`; `MessageRejected` when the sender is not verified or the account is in the sandbox.
    @discardableResult
    package func send(_ email: Email) async throws(AWSError) -> String {
        let input = Input(
            FromEmailAddress: email.from,
            Destination: .init(ToAddresses: email.to),
            ReplyToAddresses: email.replyTo.isEmpty ? nil : email.replyTo,
            Content: .init(
                Simple: .init(
                    Subject: .init(Data: email.subject),
                    Body: .init(Text: .init(Data: email.text), Html: email.html.map { .init(Data: $0) })
                )
            ),
            ConfigurationSetName: email.configurationSet,
            EmailTags: email.tags.isEmpty
                ? nil : email.tags.sorted { $0.key < $1.key }.map { .init(Name: $0, Value: $1) }
        )
        return try await self.client.restJSON(
            "SendEmail",
            method: "POST",
            path: "/v2/email/outbound-emails",
            input: input,
            as: Output.self
        ).MessageId
    }
}
