package import AWS
package import FoundationEssentials
import GavelCore
package import GavelLocal
import SQSEvents

/// An SQS event source mapping, as Lambda runs one: long-poll the queue, hand up to `BatchSize` messages to
/// the function, delete what succeeded. With `ReportBatchItemFailures` the function's `batchItemFailures`
/// stay on the queue; an error leaves the whole batch. Messages left on the queue come back, and the queue's
/// redrive policy moves them to its dead-letter queue after `maxReceiveCount` receives (moto does that part).
///
/// One local departure: a failed message becomes visible again after `retryDelaySeconds` (2 s) rather than
/// the queue's visibility timeout (300 s in the template), so a retry or a redrive shows up in seconds.
///
/// The same loop serves S3 events: moto sends the bucket's notifications to an internal queue, and each
/// notification is one asynchronous invocation, tried three times (Lambda's default), then dropped.
package struct QueueDelivery: Sendable {
    package var function: String
    package var source: LocalStack.EventSource
    package var region: String
    package var sqs: SQS
    package var retryDelaySeconds = 2
    package var invoke: @Sendable (String, Data) async throws -> InvocationOutcome
    package var log: @Sendable (String) -> Void

    package init(
        function: String,
        source: LocalStack.EventSource,
        region: String,
        sqs: SQS,
        invoke: @escaping @Sendable (String, Data) async throws -> InvocationOutcome,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.function = function
        self.source = source
        self.region = region
        self.sqs = sqs
        self.invoke = invoke
        self.log = log
    }

    /// Polls until cancelled.
    package func run() async {
        guard let queueURL = self.source.queueUrl else { return }
        while !Task.isCancelled {
            let messages: [SQS.Message]
            do {
                messages = try await self.sqs.receive(
                    from: queueURL,
                    maxMessages: self.source.type == "s3" ? 1 : self.source.batchSize ?? 10,
                    waitSeconds: 1
                )
            } catch {
                if Task.isCancelled { return }
                self.log("\(self.function): cannot receive from \(queueURL): \(error)")
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            if messages.isEmpty { continue }
            if self.source.type == "s3" {
                for message in messages { await self.deliverNotification(message, queueURL: queueURL) }
            } else {
                await self.deliverBatch(messages, queueURL: queueURL)
            }
        }
    }

    private func deliverBatch(_ messages: [SQS.Message], queueURL: String) async {
        let event = SQSEvent(
            records: messages.map { SQSEvent.Record($0, queueARN: self.source.queueArn ?? "", region: self.region) }
        )
        let failed: Set<String>
        switch try? await self.invoke(self.function, JSONEncoder().encode(event)) {
        case .response(let output):
            if self.source.reportBatchItemFailures == true,
                let response = try? JSONDecoder().decode(SQSBatchResponse.self, from: output)
            {
                failed = Set(response.failedMessageIds)
            } else {
                failed = []
            }
        case .error, .streamed, nil:  // no stream: queue deliveries take responses whole
            failed = Set(messages.map(\.messageId))
        }
        let succeeded = messages.filter { !failed.contains($0.messageId) }.map(\.receiptHandle)
        if !succeeded.isEmpty { _ = try? await self.sqs.deleteBatch(succeeded, from: queueURL) }
        for message in messages where failed.contains(message.messageId) {
            let receives = message.attributes["ApproximateReceiveCount"] ?? "?"
            self.log(
                "\(self.function): message \(message.messageId) failed (receive \(receives)); it returns in \(self.retryDelaySeconds) s"
            )
            try? await self.sqs.changeVisibility(
                receiptHandle: message.receiptHandle,
                in: queueURL,
                seconds: self.retryDelaySeconds
            )
        }
    }

    private func deliverNotification(_ message: SQS.Message, queueURL: String) async {
        // S3 sends one `s3:TestEvent` when the notification is configured: not an upload.
        guard message.body.contains("\"Records\"") else {
            try? await self.sqs.delete(receiptHandle: message.receiptHandle, from: queueURL)
            return
        }
        let outcome = try? await self.invoke(self.function, Data(message.body.utf8))
        let attempts = Int(message.attributes["ApproximateReceiveCount"] ?? "1") ?? 1
        if case .response = outcome {
            try? await self.sqs.delete(receiptHandle: message.receiptHandle, from: queueURL)
        } else if attempts >= 3 {
            self.log("\(self.function): S3 event failed 3 times; dropped, as Lambda drops a failed asynchronous event")
            try? await self.sqs.delete(receiptHandle: message.receiptHandle, from: queueURL)
        } else {
            try? await self.sqs.changeVisibility(
                receiptHandle: message.receiptHandle,
                in: queueURL,
                seconds: self.retryDelaySeconds
            )
        }
    }
}

extension SQSEvent.Record {
    /// The record Lambda makes of a received message.
    init(_ message: SQS.Message, queueARN: String, region: String) {
        self.init(
            messageId: message.messageId,
            receiptHandle: message.receiptHandle,
            body: message.body,
            attributes: message.attributes,
            messageAttributes: message.messageAttributes.mapValues { MessageAttribute(stringValue: $0) },
            md5OfBody: message.md5OfBody ?? "",
            eventSourceARN: queueARN,
            awsRegion: region
        )
    }
}
