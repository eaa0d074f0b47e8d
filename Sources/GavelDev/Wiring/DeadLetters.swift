package import AWS
import FoundationEssentials
import LambdaRuntime

/// The template's dead-letter queues, for the console: what each holds, and moving it back to the queue it
/// came from once the cause is fixed (a redrive), as the SQS console's "start DLQ redrive" does.
package struct DeadLetters: Sendable {
    /// One dead-letter queue and what it holds.
    package struct Listing: Encodable, Sendable {
        package var name: String
        /// The queue a redrive sends its messages back to; nil when no queue's redrive policy names it.
        package var source: String?
        package var messages: [Held]
    }

    /// One message in a dead-letter queue.
    package struct Held: Encodable, Sendable {
        package var messageId: String
        /// The first 2,000 characters.
        package var body: String
        /// Why it was dead-lettered, when the function said (`gavel-reason`).
        package var reason: String?
    }

    private let sqs: SQS
    /// Name → (URL, source queue URL).
    private let queues: [String: (url: String, source: String?)]

    package init(sqs: SQS, stack: LocalStack) {
        self.sqs = sqs
        var queues: [String: (url: String, source: String?)] = [:]
        // A queue without a redrive policy of its own is a dead-letter queue when another's policy names it.
        for (name, url) in stack.deadLetterQueues where stack.deadLetterSources?[name] != nil {
            queues[name] = (url, stack.deadLetterSources?[name])
        }
        self.queues = queues
    }

    /// Every dead-letter queue with the messages it holds (read with no visibility timeout: they stay).
    package func list() async throws(AWSError) -> [Listing] {
        var listings: [Listing] = []
        for (name, queue) in self.queues.sorted(by: { $0.key < $1.key }) {
            var held: [String: Held] = [:]
            // A receive returns up to 10 of the messages at random; a few rounds see a small queue whole.
            for _ in 0..<3 {
                for message in try await self.sqs.receive(from: queue.url, maxMessages: 10, visibilityTimeout: 0) {
                    held[message.messageId] = Held(
                        messageId: message.messageId,
                        body: String(message.body.prefix(2000)),
                        reason: message.messageAttributes["gavel-reason"]
                    )
                }
            }
            listings.append(Listing(name: name, source: queue.source.map(Self.name), messages: Array(held.values)))
        }
        return listings
    }

    /// Moves every message of the dead-letter queue `name` back to its source queue.
    /// - Returns: how many moved; nil when there is no such queue or it has no source.
    package func redrive(_ name: String) async throws(AWSError) -> Int? {
        guard let queue = self.queues[name], let source = queue.source else { return nil }
        // First every message there now (each hidden for a minute as it is received), then the move: moving
        // as they come would take again a message that its function dead-letters again at once.
        var taken: [SQS.Message] = []
        while case let messages = try await self.sqs.receive(from: queue.url, maxMessages: 10, visibilityTimeout: 60),
            !messages.isEmpty
        {
            taken += messages
        }
        var moved = 0
        for message in taken {
            var attributes = message.messageAttributes
            attributes["gavel-reason"] = nil
            // A new deduplication id: the source's FIFO window would drop the original's as a duplicate.
            let outgoing = SQS.OutgoingMessage(
                body: message.body,
                groupId: message.attributes["MessageGroupId"],
                deduplicationId: message.attributes["MessageGroupId"] == nil
                    ? nil : "redrive-\(message.messageId)-\(WallClock.nowMs())",
                attributes: attributes
            )
            _ = try await self.sqs.send(outgoing, to: source)
            try await self.sqs.delete(receiptHandle: message.receiptHandle, from: queue.url)
            moved += 1
        }
        return moved
    }

    /// The queue's name: the last part of its URL.
    private static func name(_ url: String) -> String {
        String(url.split(separator: "/").last ?? "")
    }
}
