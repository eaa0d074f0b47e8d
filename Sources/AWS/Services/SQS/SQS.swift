/// The SQS operations Gavel calls, over the JSON protocol (`AmazonSQS.<Operation>`, JSON 1.0).
package struct SQS: Sendable {
    /// A message to send. On a FIFO queue `groupId` is required, and `deduplicationId` unless the queue
    /// deduplicates by content.
    package struct OutgoingMessage: Sendable {
        package var body: String
        package var groupId: String?
        package var deduplicationId: String?
        package var delaySeconds: Int?
        /// String message attributes (`MessageAttributes`), e.g. why a message went to a dead-letter queue.
        package var attributes: [String: String]

        package init(
            body: String,
            groupId: String? = nil,
            deduplicationId: String? = nil,
            delaySeconds: Int? = nil,
            attributes: [String: String] = [:]
        ) {
            self.body = body
            self.groupId = groupId
            self.deduplicationId = deduplicationId
            self.delaySeconds = delaySeconds
            self.attributes = attributes
        }
    }

    /// A received message.
    package struct Message: Sendable, Decodable {
        package var messageId: String
        package var receiptHandle: String
        package var body: String
        /// System attributes (`MessageGroupId`, `ApproximateReceiveCount`, `SentTimestamp`…).
        package var attributes: [String: String]
        /// String message attributes set by the sender.
        package var messageAttributes: [String: String]
        /// The body's MD5, hex (SQS's integrity check; Lambda passes it on as `md5OfBody`).
        package var md5OfBody: String?

        enum CodingKeys: String, CodingKey {
            case messageId = "MessageId", receiptHandle = "ReceiptHandle", body = "Body", attributes = "Attributes"
            case messageAttributes = "MessageAttributes", md5OfBody = "MD5OfBody"
        }

        private struct WireAttribute: Decodable { var StringValue: String? }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.messageId = try container.decode(String.self, forKey: .messageId)
            self.receiptHandle = try container.decode(String.self, forKey: .receiptHandle)
            self.body = try container.decode(String.self, forKey: .body)
            self.attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            self.md5OfBody = try container.decodeIfPresent(String.self, forKey: .md5OfBody)
            self.messageAttributes =
                try container.decodeIfPresent([String: WireAttribute].self, forKey: .messageAttributes)?
                .compactMapValues(\.StringValue) ?? [:]
        }
    }

    /// What a batch call did: the message ids of the entries that succeeded, by position in the input, and
    /// the entries that failed, with SQS's reason.
    package struct BatchResult: Sendable {
        package struct Failure: Sendable, Equatable {
            /// The entry's position in the input.
            package var index: Int
            package var code: String
            package var message: String?
            /// True when the entry itself is wrong (retrying it cannot help).
            package var senderFault: Bool
        }

        package var succeeded: [Int: String] = [:]
        package var failed: [Failure] = []
    }

    /// Entries per batch call, SQS's limit.
    package static let batchLimit = 10

    package let client: AWSClient

    package init(client: AWSClient) {
        self.client = client
    }

    /// A string `MessageAttributes` value.
    private struct AttributeValue: Encodable {
        var DataType = "String"
        var StringValue: String
    }

    private static func wireAttributes(_ attributes: [String: String]) -> [String: AttributeValue]? {
        attributes.isEmpty ? nil : attributes.mapValues { AttributeValue(StringValue: $0) }
    }

    private struct SendInput: Encodable {
        var QueueUrl: String
        var MessageBody: String
        var MessageGroupId: String?
        var MessageDeduplicationId: String?
        var DelaySeconds: Int?
        var MessageAttributes: [String: AttributeValue]?
    }

    private struct SendOutput: Decodable {
        var MessageId: String
    }

    /// Sends one message; returns its message id.
    @discardableResult
    package func send(_ message: OutgoingMessage, to queueURL: String) async throws(AWSError) -> String {
        let input = SendInput(
            QueueUrl: queueURL,
            MessageBody: message.body,
            MessageGroupId: message.groupId,
            MessageDeduplicationId: message.deduplicationId,
            DelaySeconds: message.delaySeconds,
            MessageAttributes: Self.wireAttributes(message.attributes)
        )
        return try await self.client.json("SendMessage", input, as: SendOutput.self).MessageId
    }

    private struct BatchEntry: Encodable {
        var Id: String
        var MessageBody: String?
        var MessageGroupId: String?
        var MessageDeduplicationId: String?
        var DelaySeconds: Int?
        var MessageAttributes: [String: AttributeValue]?
        var ReceiptHandle: String?
    }

    private struct BatchInput: Encodable {
        var QueueUrl: String
        var Entries: [BatchEntry]
    }

    private struct BatchOutput: Decodable {
        struct Success: Decodable {
            var Id: String
            var MessageId: String?
        }
        struct Failure: Decodable {
            var Id: String
            var Code: String
            var Message: String?
            var SenderFault: Bool?
        }
        var Successful: [Success]?
        var Failed: [Failure]?
    }

    /// Sends `messages` in calls of ten. Entries that fail are reported, not thrown: the caller decides
    /// what to retry. A whole call failing throws.
    package func sendBatch(_ messages: [OutgoingMessage], to queueURL: String) async throws(AWSError) -> BatchResult {
        let entries = messages.enumerated().map { index, message in
            BatchEntry(
                Id: String(index),
                MessageBody: message.body,
                MessageGroupId: message.groupId,
                MessageDeduplicationId: message.deduplicationId,
                DelaySeconds: message.delaySeconds,
                MessageAttributes: Self.wireAttributes(message.attributes)
            )
        }
        return try await self.batch("SendMessageBatch", entries, queueURL)
    }

    /// Deletes received messages by receipt handle, in calls of ten; failures are reported, not thrown.
    package func deleteBatch(_ receiptHandles: [String], from queueURL: String) async throws(AWSError) -> BatchResult {
        let entries = receiptHandles.enumerated().map { BatchEntry(Id: String($0), ReceiptHandle: $1) }
        return try await self.batch("DeleteMessageBatch", entries, queueURL)
    }

    /// Entry ids are input positions, so results map back to the caller's array across chunks.
    private func batch(
        _ operation: String,
        _ entries: [BatchEntry],
        _ queueURL: String
    ) async throws(AWSError)
        -> BatchResult
    {
        var result = BatchResult()
        for start in stride(from: 0, to: entries.count, by: Self.batchLimit) {
            let chunk = Array(entries[start..<min(start + Self.batchLimit, entries.count)])
            let output = try await self.client.json(
                operation,
                BatchInput(QueueUrl: queueURL, Entries: chunk),
                as: BatchOutput.self
            )
            for success in output.Successful ?? [] {
                if let index = Int(success.Id) { result.succeeded[index] = success.MessageId ?? "" }
            }
            for failure in output.Failed ?? [] {
                guard let index = Int(failure.Id) else { continue }
                result.failed.append(
                    .init(
                        index: index,
                        code: failure.Code,
                        message: failure.Message,
                        senderFault: failure.SenderFault ?? false
                    )
                )
            }
        }
        result.failed.sort { $0.index < $1.index }
        return result
    }

    private struct ReceiveInput: Encodable {
        var QueueUrl: String
        var MaxNumberOfMessages: Int
        var WaitTimeSeconds: Int
        var VisibilityTimeout: Int?
        var MessageSystemAttributeNames = ["All"]
        var MessageAttributeNames = ["All"]
    }

    private struct ReceiveOutput: Decodable {
        var Messages: [Message]?
    }

    /// Up to `maxMessages` (1–10) messages, waiting up to `waitSeconds` (0–20) for the first.
    package func receive(
        from queueURL: String,
        maxMessages: Int = 10,
        waitSeconds: Int = 0,
        visibilityTimeout: Int? = nil
    ) async throws(AWSError) -> [Message] {
        let input = ReceiveInput(
            QueueUrl: queueURL,
            MaxNumberOfMessages: min(max(maxMessages, 1), 10),
            WaitTimeSeconds: min(max(waitSeconds, 0), 20),
            VisibilityTimeout: visibilityTimeout
        )
        // The long poll holds the connection open: the attempt may take the wait plus a normal call.
        let timeout = Duration.seconds(waitSeconds + 10)
        return try await self.client.json("ReceiveMessage", input, as: ReceiveOutput.self, timeout: timeout).Messages
            ?? []
    }

    private struct HandleInput: Encodable {
        var QueueUrl: String
        var ReceiptHandle: String
        var VisibilityTimeout: Int?
    }

    /// Deletes one received message.
    package func delete(receiptHandle: String, from queueURL: String) async throws(AWSError) {
        let input = HandleInput(QueueUrl: queueURL, ReceiptHandle: receiptHandle)
        _ = try await self.client.json("DeleteMessage", input, as: AWSJSON.NoOutput.self)
    }

    /// Makes a received message visible again after `seconds` (0 releases it now).
    package func changeVisibility(receiptHandle: String, in queueURL: String, seconds: Int) async throws(AWSError) {
        let input = HandleInput(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds)
        _ = try await self.client.json("ChangeMessageVisibility", input, as: AWSJSON.NoOutput.self)
    }

    private struct QueueNameInput: Encodable {
        var QueueName: String
    }

    private struct QueueURLOutput: Decodable {
        var QueueUrl: String
    }

    /// The URL of the queue named `name`.
    package func queueURL(named name: String) async throws(AWSError) -> String {
        try await self.client.json("GetQueueUrl", QueueNameInput(QueueName: name), as: QueueURLOutput.self).QueueUrl
    }
}
