package import AWS
package import LambdaRuntime
import Logging

/// Writes live-auction bids from the bid-persistence FIFO queue to bids_history.
///
/// Per batch: every body is parsed first; invalid ones go to the dead-letter queue with the reason (and are
/// acknowledged); the valid ones are written with BatchWriteItem, whose deterministic keys make a
/// redelivery an identical overwrite (measured against conditional puts: see README). What fails is
/// reported under the FIFO rule, so nothing is dropped and no group is reordered.
package struct BidPersistenceHandler: LambdaHandler {
    package let dynamo: DynamoDB
    package let deadLetters: DeadLetterQueue
    package let configuration: BidPersistenceConfiguration
    package let metrics: Metrics

    package init(
        dynamo: DynamoDB,
        deadLetters: DeadLetterQueue,
        configuration: BidPersistenceConfiguration,
        metrics: Metrics
    ) {
        self.dynamo = dynamo
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
            dynamo: DynamoDB(client: aws.client(.dynamoDB)),
            deadLetters: DeadLetterQueue(
                sqs: SQS(client: aws.client(.sqs)),
                url: configuration.deadLetterQueueURL,
                function: "bid-persistence"
            ),
            configuration: configuration,
            metrics: metrics
        )
    }

    package func handle(_ event: SQSEvent, context: LambdaContext) async throws -> SQSBatchResponse {
        try await InvocationDeadline.$current.withValue(.now + context.remainingTime) {
            await self.process(event.records, logger: context.logger)
        }
    }

    private func process(_ records: [SQSEvent.Record], logger: Logger) async -> SQSBatchResponse {
        var failed: Set<String> = []
        var valid: [(record: SQSEvent.Record, bid: LiveBid)] = []
        var deadLettered = 0
        for record in records {
            do throws(ValidationError) {
                valid.append((record, try LiveBid.parse(record.body)))
            } catch {
                if await self.deadLetters.deadLetter(record, reason: error.description, logger: logger) {
                    deadLettered += 1
                } else {
                    failed.insert(record.messageId)
                }
            }
        }
        // One write per key: a batch holding the same bid twice (a producer retry) would make DynamoDB refuse
        // the whole BatchWriteItem.
        var items: [String: [String: AttributeValue]] = [:]
        let retention = Int64(self.configuration.retentionDays) * 86_400
        for (_, bid) in valid { items[bid.auctionId + "\u{0}" + bid.sortKey] = bid.item(retentionSeconds: retention) }
        var written = 0
        if !items.isEmpty {
            do throws(AWSError) {
                try await self.dynamo.batchWrite(table: self.configuration.table, items.values.map { .put($0) })
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
