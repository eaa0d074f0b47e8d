/// The event Lambda's SQS event source mapping delivers: up to `BatchSize` records, in queue order for FIFO.
package struct SQSEvent: Decodable, Sendable {
    /// One message.
    package struct Record: Decodable, Sendable {
        package var messageId: String
        package var receiptHandle: String?
        package var body: String
        /// System attributes: `MessageGroupId`, `ApproximateReceiveCount`, `SentTimestamp`…
        package var attributes: [String: String]
        package var eventSourceARN: String?

        /// The FIFO message group; standard queues have none, so every message is its own group.
        package var groupId: String { self.attributes["MessageGroupId"] ?? "message:\(self.messageId)" }

        package init(messageId: String, body: String, groupId: String?) {
            self.messageId = messageId
            self.receiptHandle = nil
            self.body = body
            self.attributes = groupId.map { ["MessageGroupId": $0] } ?? [:]
            self.eventSourceARN = nil
        }

        enum CodingKeys: String, CodingKey {
            case messageId, receiptHandle, body, attributes, eventSourceARN
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.messageId = try container.decode(String.self, forKey: .messageId)
            self.receiptHandle = try container.decodeIfPresent(String.self, forKey: .receiptHandle)
            self.body = try container.decode(String.self, forKey: .body)
            self.attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            self.eventSourceARN = try container.decodeIfPresent(String.self, forKey: .eventSourceARN)
        }
    }

    package var records: [Record]

    package init(records: [Record]) {
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
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
