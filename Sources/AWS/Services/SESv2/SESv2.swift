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

        package init(
            from: String,
            to: [String],
            replyTo: [String] = [],
            subject: String,
            text: String,
            html: String? = nil
        ) {
            self.from = from
            self.to = to
            self.replyTo = replyTo
            self.subject = subject
            self.text = text
            self.html = html
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
        var FromEmailAddress: String
        var Destination: Destination
        var ReplyToAddresses: [String]?
        var Content: Content
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
            )
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
