package import AWS
package import Logging

/// Where a consumer puts a message it can never process (malformed, invalid): the queue's dead-letter
/// queue, with the reason as message attributes, so the message is acknowledged without being lost.
package struct DeadLetterQueue: Sendable {
    package let sqs: SQS
    package let url: String
    /// The consumer's name, recorded on each message.
    package let function: String

    package init(sqs: SQS, url: String, function: String) {
        self.sqs = sqs
        self.url = url
        self.function = function
    }

    /// The message a consumer gives up on: what it received, by its source queue's message id.
    package struct Message: Sendable {
        package var messageId: String
        package var body: String
        /// The FIFO message group it came in.
        package var groupId: String

        package init(messageId: String, body: String, groupId: String) {
            self.messageId = messageId
            self.body = body
            self.groupId = groupId
        }
    }

    /// Sends `record`'s body unchanged, with `gavel-reason`, `gavel-source-message-id` and `gavel-function`.
    /// On a FIFO dead-letter queue it keeps the message group and deduplicates on the source message id, so a
    /// redelivered bad message is dead-lettered once.
    package func send(_ record: Message, reason: String) async throws(AWSError) {
        let fifo = self.url.hasSuffix(".fifo")
        try await self.sqs.send(
            .init(
                body: record.body,
                groupId: fifo ? record.groupId : nil,
                deduplicationId: fifo ? record.messageId : nil,
                attributes: [
                    "gavel-reason": String(reason.prefix(1000)),
                    "gavel-source-message-id": record.messageId,
                    "gavel-function": self.function,
                ]
            ),
            to: self.url
        )
    }

    /// Sends `record` and logs the outcome once (id and reason, never the body).
    /// - Returns: true when the message is dead-lettered and may be acknowledged; false when the send failed,
    ///   and the caller must report the message failed so that it comes back.
    package func deadLetter(_ record: Message, reason: String, logger: Logger) async -> Bool {
        do throws(AWSError) {
            try await self.send(record, reason: reason)
            logger.warning(
                "message sent to the dead-letter queue",
                metadata: ["messageId": "\(record.messageId)", "reason": "\(reason)"]
            )
            return true
        } catch {
            logger.error(
                "message could not be dead-lettered; it will be redelivered",
                metadata: ["messageId": "\(record.messageId)", "error": "\(error)"]
            )
            return false
        }
    }
}
