package import AWS
package import GavelCore
package import LambdaRuntime
import Logging
package import SQSEvents

/// Writes live-auction bids from the bid-persistence FIFO queue to bids_history, and closes each auction when
/// its schedule's close message arrives in the auction's group, after every bid sent before it.
///
/// Per batch: bodies are parsed in order; invalid ones go to the dead-letter queue with the reason (and are
/// acknowledged); runs of valid bids are written with BatchWriteItem, whose deterministic keys make a
/// redelivery an identical overwrite (measured against conditional puts: see README), and a close message
/// first writes the bids before it. What fails is reported under the FIFO rule, so nothing is dropped and no
/// group is reordered.
package struct BidPersistenceHandler: FunctionHandler {
    package typealias Event = SQSEvent
    package typealias Output = SQSBatchResponse

    package let bids: LiveBidStore
    package let auctions: AuctionStore?
    package let sqs: SQS
    package let deadLetters: DeadLetterQueue
    package let configuration: BidPersistenceConfiguration
    package let metrics: Metrics

    package init(
        bids: LiveBidStore,
        auctions: AuctionStore?,
        sqs: SQS,
        deadLetters: DeadLetterQueue,
        configuration: BidPersistenceConfiguration,
        metrics: Metrics
    ) {
        self.bids = bids
        self.auctions = auctions
        self.sqs = sqs
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
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        self.init(
            bids: LiveBidStore(dynamo: dynamo, table: configuration.table, retentionDays: configuration.retentionDays),
            auctions: configuration.auctionsTable.map { AuctionStore(dynamo: dynamo, table: $0) },
            sqs: SQS(client: aws.client(.sqs)),
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
        var written = 0
        var closed = 0
        // Writes the bids parsed so far, in one BatchWriteItem.
        func flush() async {
            guard !valid.isEmpty else { return }
            do throws(AWSError) {
                try await self.bids.write(valid.map(\.bid))
                written += valid.count
            } catch {
                failed.formUnion(valid.map(\.record.messageId))
                logger.error(
                    "bids could not be written; the batch reports them failed",
                    metadata: ["count": "\(valid.count)", "error": "\(error)"]
                )
            }
            valid = []
        }
        for record in records {
            if let close = AuctionClose.parse(record.body) {
                await flush()  // the bids before the close are written before it
                do {
                    if try await self.close(close, logger: logger) { closed += 1 }
                } catch {
                    failed.insert(record.messageId)
                    logger.error(
                        "the auction did not close; the message comes back",
                        metadata: ["auctionId": "\(close.auctionId)", "error": "\(error)"]
                    )
                }
                continue
            }
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
        await flush()
        let response = FIFOBatch.response(for: records, failed: failed)
        self.metrics.count([
            "BidsWritten": written, "InvalidMessages": deadLettered, "AuctionsClosed": closed,
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
