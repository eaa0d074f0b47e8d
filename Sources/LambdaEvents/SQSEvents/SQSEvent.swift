/// The event Lambda's SQS event source mapping delivers (up to `BatchSize` records, in queue order for FIFO),
/// in both directions: the consumers decode it, `gavel-local`'s event source mapping encodes it.
///
/// The shape is AWS's (`sam local generate-event sqs receive-message`). Decoding is lenient where AWS is
/// always complete but a hand-written event file may not be: only `messageId` and `body` are required.
package struct SQSEvent: Codable, Sendable, Equatable {
    /// One message.
    package struct Record: Codable, Sendable, Equatable {
        /// A message attribute as Lambda passes it (`stringValue` for `String` and `Number`).
        package struct MessageAttribute: Codable, Sendable, Equatable {
            package var stringValue: String?
            package var binaryValue: String?
            package var stringListValues: [String]
            package var binaryListValues: [String]
            package var dataType: String

            package init(stringValue: String, dataType: String = "String") {
                self.stringValue = stringValue
                self.binaryValue = nil
                self.stringListValues = []
                self.binaryListValues = []
                self.dataType = dataType
            }
        }

        package var messageId: String
        package var receiptHandle: String?
        package var body: String
        /// System attributes: `MessageGroupId`, `ApproximateReceiveCount`, `SentTimestamp`…
        package var attributes: [String: String]
        package var messageAttributes: [String: MessageAttribute]
        package var md5OfBody: String?
        /// `aws:sqs`.
        package var eventSource: String?
        package var eventSourceARN: String?
        package var awsRegion: String?

        package init(
            messageId: String,
            receiptHandle: String? = nil,
            body: String,
            attributes: [String: String] = [:],
            messageAttributes: [String: MessageAttribute] = [:],
            md5OfBody: String? = nil,
            eventSourceARN: String? = nil,
            awsRegion: String? = nil
        ) {
            self.messageId = messageId
            self.receiptHandle = receiptHandle
            self.body = body
            self.attributes = attributes
            self.messageAttributes = messageAttributes
            self.md5OfBody = md5OfBody
            self.eventSource = "aws:sqs"
            self.eventSourceARN = eventSourceARN
            self.awsRegion = awsRegion
        }

        /// A record of a FIFO group (`groupId`), or of a standard queue (nil), as tests make one.
        package init(messageId: String, body: String, groupId: String?) {
            self.init(messageId: messageId, body: body, attributes: groupId.map { ["MessageGroupId": $0] } ?? [:])
        }

        /// The FIFO message group; standard queues have none, so every message is its own group.
        package var groupId: String { self.attributes["MessageGroupId"] ?? "message:\(self.messageId)" }

        private enum CodingKeys: String, CodingKey {
            case messageId, receiptHandle, body, attributes, messageAttributes, md5OfBody, eventSource,
                eventSourceARN, awsRegion
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.messageId = try container.decode(String.self, forKey: .messageId)
            self.receiptHandle = try container.decodeIfPresent(String.self, forKey: .receiptHandle)
            self.body = try container.decode(String.self, forKey: .body)
            self.attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            self.messageAttributes =
                try container.decodeIfPresent([String: MessageAttribute].self, forKey: .messageAttributes) ?? [:]
            self.md5OfBody = try container.decodeIfPresent(String.self, forKey: .md5OfBody)
            self.eventSource = try container.decodeIfPresent(String.self, forKey: .eventSource)
            self.eventSourceARN = try container.decodeIfPresent(String.self, forKey: .eventSourceARN)
            self.awsRegion = try container.decodeIfPresent(String.self, forKey: .awsRegion)
        }
    }

    package var records: [Record]

    package init(records: [Record]) {
        self.records = records
    }

    private enum CodingKeys: String, CodingKey {
        case records = "Records"
    }
}

/// The partial batch response (`ReportBatchItemFailures`): the message ids Lambda must not delete. An
/// empty list means the whole batch succeeded.
package struct SQSBatchResponse: Codable, Sendable, Equatable {
    package struct Failure: Codable, Sendable, Equatable {
        package var itemIdentifier: String
    }

    package var batchItemFailures: [Failure]

    package init(failedMessageIds: [String]) {
        self.batchItemFailures = failedMessageIds.map { Failure(itemIdentifier: $0) }
    }

    /// The failed ids, in order.
    package var failedMessageIds: [String] { self.batchItemFailures.map(\.itemIdentifier) }
}
