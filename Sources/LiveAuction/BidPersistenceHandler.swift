package import AWS
package import GavelCore
package import LambdaRuntime
import Logging
package import SQSEvents

/// Writes live-auction bids from the bid-persistence FIFO queue to bids_history.
///
/// Per batch: every body is parsed first; invalid ones go to the dead-letter queue with the reason (and are
/// acknowledged); the valid ones are written with BatchWriteItem, whose deterministic keys make a
/// redelivery an identical overwrite (measured against conditional puts: see README). What fails is
/// reported under the FIFO rule, so nothing is dropped and no group is reordered.
package struct BidPersistenceHandler: FunctionHandler {
    package typealias Event = SQSEvent
    package typealias Output = SQSBatchResponse

    package let bids: LiveBidStore
    package let deadLetters: DeadLetterQueue
    package let configuration: BidPersistenceConfiguration
    package let metrics: Metrics

    package init(
        bids: LiveBidStore,
        deadLetters: DeadLetterQueue,
        configuration: BidPersistenceConfiguration,
        metrics: Metrics
    ) {
        self.bids = bids
        self.deadLetters = deadLetters
        self.configuration = configuration
        self.metrics = metrics
    }

    /// Builds the handler from the process environment.
    /// - Parameter metrics: where metric lines go; standard output unless a test collects them.
    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "bid-persistence")
    ) throws {
        let configuration = try BidPersistenceConfiguration(environment: environment)
        self.init(
            bids: LiveBidStore(
                dynamo: DynamoDB(client: aws.client(.dynamoDB)),
                table: configuration.table,
                retentionDays: configuration.retentionDays
            ),
            deadLetters: DeadLetterQueue(
                sqs: SQS(client: aws.client(.sqs)),
                url: configuration.deadLetterQueueURL,
                function: "bid-persistence"
            ),
            configuration: configuration,
            metrics: metrics
        )
    }

    package func serve(_ event: SQSEvent, context: LambdaContext) async -> SQSBatchResponse {
        await self.process(event.records, logger: context.logger)
    }

    private func process(_ records: [SQSEvent.Record], logger: Logger) async -> SQSBatchResponse {
        var failed: Set<String> = []
        var valid: [(record: SQSEvent.Record, bid: LiveBid)] = []
        var deadLettered = 0
        for record in records {
            do throws(ValidationError) {
                valid.append((record, try LiveBid.parse(record.body)))
            } catch {
                if await self.deadLetters.deadLetter(record.deadLetter, reason: error.description, logger: logger) {
                    deadLettered += 1
                } else {
                    failed.insert(record.messageId)
                }
            }
        }
        var written = 0
        if !valid.isEmpty {
            do throws(AWSError) {
                try await self.bids.write(valid.map(\.bid))
                written = valid.count
            } catch {
                failed.formUnion(valid.map(\.record.messageId))
                logger.error(
                    "bids could not be written; the batch reports them failed",
                    metadata: ["count": "\(valid.count)", "error": "\(error)"]
                )
            }
        }
        let response = FIFOBatch.response(for: records, failed: failed)
        self.metrics.count([
            "BidsWritten": written, "InvalidMessages": deadLettered,
            "FailedMessages": response.batchItemFailures.count,
        ])
        return response
    }
}

extension SQSEvent.Record {
    /// This message as the dead-letter queue keeps it.
    fileprivate var deadLetter: DeadLetterQueue.Message {
        DeadLetterQueue.Message(messageId: self.messageId, body: self.body, groupId: self.groupId)
    }
}
