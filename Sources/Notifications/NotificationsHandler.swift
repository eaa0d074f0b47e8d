package import AWS
package import GavelCore
package import LambdaRuntime
import Logging
package import SQSEvents
import Synchronization

/// Emails notifications from the notification FIFO queue.
///
/// Message groups (one per recipient) are handled concurrently, each group's messages in order; a message
/// that fails stops its group, and the FIFO rule reports it and the rest of the group. Per message: parse
/// (bad ones to the dead-letter queue), find the recipient and their preferences in Users, claim it in
/// the sent ledger (a redelivery finds it done), render, send, record.
///
/// Records from the email feedback queue are SES's bounce and complaint reports instead
/// (`NotificationsHandler+Feedback`): they mark the address suppressed in Users, and no email goes to it again.
package struct NotificationsHandler: FunctionHandler {
    package typealias Event = SQSEvent
    package typealias Output = SQSBatchResponse

    /// What happened to one message; counted in metrics.
    package enum Outcome: String, Sendable, CaseIterable {
        case sent = "Sent", duplicate = "Duplicates", optedOut = "OptedOut", rejected = "Rejected"
        case deadLettered = "InvalidMessages", failed = "FailedMessages"
        /// The provider refused our sender or credentials: this message and the rest of the batch come back.
        case misconfigured = "SenderConfigurationErrors"
        /// Not sent: SES reported the user's address undeliverable.
        case suppressed = "Suppressed"
        /// SES reports: a hard bounce or a complaint (the address is now suppressed), or one acted on no
        /// further (a soft bounce, another event type).
        case bounced = "Bounced", complained = "Complaints", ignoredReport = "IgnoredReports"
    }

    package let users: UserStore
    package let configuration: NotificationsConfiguration
    package let ledger: SentLedger
    package let delivery: EmailDelivery
    package let templates: NotificationTemplates
    package let deadLetters: DeadLetterQueue
    /// Where unreadable SES reports go, when the function has a feedback queue.
    package let feedbackDeadLetters: DeadLetterQueue?
    package let metrics: Metrics

    package init(
        users: UserStore,
        configuration: NotificationsConfiguration,
        ledger: SentLedger,
        delivery: EmailDelivery,
        templates: NotificationTemplates,
        deadLetters: DeadLetterQueue,
        feedbackDeadLetters: DeadLetterQueue? = nil,
        metrics: Metrics
    ) {
        self.users = users
        self.configuration = configuration
        self.ledger = ledger
        self.delivery = delivery
        self.templates = templates
        self.deadLetters = deadLetters
        self.feedbackDeadLetters = feedbackDeadLetters
        self.metrics = metrics
    }

    /// Builds the handler from the process environment.
    /// - Parameter metrics: where metric lines go; standard output unless a test collects them.
    package init(
        environment: [String: String],
        aws: AWSClients,
        metrics: Metrics = Metrics(function: "notifications")
    ) throws {
        let configuration = try NotificationsConfiguration(environment: environment)
        let dynamo = DynamoDB(client: aws.client(.dynamoDB))
        let sqs = SQS(client: aws.client(.sqs))
        let delivery: EmailDelivery =
            switch configuration.provider {
            case .ses: .ses(SESv2(client: aws.client(.sesV2)), configurationSet: configuration.sesConfigurationSet)
            case .postmark:
                .postmark(
                    Postmark(
                        baseURL: configuration.postmarkURL,
                        messageStream: configuration.postmarkMessageStream,
                        transport: aws.transport
                    ),
                    secrets: SecretsManager(client: aws.client(.secretsManager)),
                    tokenSecretId: configuration.postmarkTokenSecretId ?? ""
                )
            }
        self.init(
            users: UserStore(dynamo: dynamo, table: configuration.usersTable),
            configuration: configuration,
            ledger: SentLedger(
                dynamo: dynamo,
                table: configuration.sentTable,
                now: AWSClient.Environment.live.unixTime
            ),
            delivery: delivery,
            templates: try NotificationTemplates(directory: configuration.templatesDirectory),
            deadLetters: DeadLetterQueue(sqs: sqs, url: configuration.deadLetterQueueURL, function: "notifications"),
            feedbackDeadLetters: configuration.feedbackDeadLetterQueueURL.map {
                DeadLetterQueue(sqs: sqs, url: $0, function: "notifications")
            },
            metrics: metrics
        )
    }

    package func serve(_ event: SQSEvent, context: LambdaContext) async -> SQSBatchResponse {
        var groups: [String: [SQSEvent.Record]] = [:]
        for record in event.records { groups[record.groupId, default: []].append(record) }
        let stop = StopFlag()  // raised by a configuration failure: every other send would fail the same way
        let batch = await self.read(event.records, logger: context.logger)
        let outcomes = await withTaskGroup(of: [(String, Outcome)].self) { tasks in
            for records in groups.values {
                tasks.addTask { await self.process(group: records, batch: batch, stop: stop, logger: context.logger) }
            }
            var all: [String: Outcome] = [:]
            for await results in tasks { for (id, outcome) in results { all[id] = outcome } }
            return all
        }
        // A group stopped before a message leaves it out: the FIFO rule fails it with the rest of the group.
        let failed = Set(outcomes.filter { $0.value == .failed || $0.value == .misconfigured }.keys)
        let response = FIFOBatch.response(
            for: event.records,
            failed: failed.union(stop.raised ? Set(event.records.map(\.messageId).filter { outcomes[$0] == nil }) : [])
        )
        var counts = Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0.rawValue, 0) })
        for outcome in outcomes.values { counts[outcome.rawValue, default: 0] += 1 }
        counts[Outcome.failed.rawValue] = response.batchItemFailures.count
        self.metrics.count(counts)
        return response
    }

    /// One group's messages in order, stopping at the first failure (the FIFO rule fails the rest), or when
    /// any group met a configuration failure.
    private func process(
        group records: [SQSEvent.Record],
        batch: Batch,
        stop: StopFlag,
        logger: Logger
    ) async -> [(String, Outcome)] {
        var outcomes: [(String, Outcome)] = []
        for record in records {
            // A sender refused for every email says nothing about SES's reports: those go on.
            if stop.raised, !self.isFeedback(record) { break }
            let outcome = await self.process(record, batch: batch, logger: logger)
            outcomes.append((record.messageId, outcome))
            if outcome == .misconfigured { stop.raise() }
            if outcome == .failed || outcome == .misconfigured { break }
        }
        return outcomes
    }
}

/// What is read of a batch before its messages are processed: each notification parsed once, and its
/// recipients' profiles with one BatchGetItem instead of a GetItem per message.
struct Batch: Sendable {
    var notifications: [String: Result<Notification, ValidationError>] = [:]
    /// The users asked for, and those found; nil when the batch was not read ahead (see `read`).
    var recipients: (asked: Set<String>, found: [String: UserProfile])?
}

extension NotificationsHandler {
    /// Parses the batch's notifications and reads their recipients ahead, each user once (a batch is often
    /// one user's: ten GetItems of one row before). Not read ahead: a batch with one message to a user (a
    /// GetItem costs the same), a batch holding SES feedback (a suppression it records must reach
    /// the profiles of the messages after it), or one whose BatchGetItem failed: then each message reads its
    /// own recipient as before, and nothing is lost.
    fileprivate func read(_ records: [SQSEvent.Record], logger: Logger) async -> Batch {
        var batch = Batch()
        guard !records.contains(where: self.isFeedback) else { return batch }
        for record in records {
            batch.notifications[record.messageId] = Result { () throws(ValidationError) in try Self.parse(record.body) }
        }
        let addressed = batch.notifications.values.compactMap { try? $0.get().userId }
        guard addressed.count > 1 else { return batch }
        let userIds = Set(addressed)
        do {
            batch.recipients = (userIds, try await self.users.profiles(userIds))
        } catch {
            logger.warning(
                "reading the batch's recipients failed; each message reads its own",
                metadata: ["error": "\(error)"]
            )
        }
        return batch
    }
}

/// Set once by any group, read by all: the batch stops.
private final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var raised: Bool { self.flag.load(ordering: .relaxed) }
    func raise() { self.flag.store(true, ordering: .relaxed) }
}
