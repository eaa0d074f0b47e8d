package import AWS
package import GavelCore
import JSON
package import LambdaRuntime
package import Logging

/// The daily cleanup: deletes Analytics items older than the retention and Sessions past their expiry
/// (DynamoDB's own TTL deletion can lag by days, and expired sessions still count against reads).
///
/// Neither table has a key or index on age that spans partitions, so each is read by a parallel Scan with a
/// filter and a keys-only projection, and deleted with BatchWriteItem (unprocessed items retried). No page
/// starts within `stopBeforeDeadline` of the deadline: a run that stops early saves where each segment got to
/// and the next run resumes there. Deleting is idempotent, so a page done twice is harmless.
package struct CleanupHandler: FunctionByteHandler {
    package let store: CleanupStore
    package let configuration: CleanupConfiguration
    package let metrics: Metrics

    package init(environment: [String: String], aws: AWSClients, metrics: Metrics = Metrics(function: "cleanup")) throws
    {
        self.configuration = try CleanupConfiguration(environment: environment)
        self.store = CleanupStore(dynamo: DynamoDB(client: aws.client(.dynamoDB)), configuration: self.configuration)
        self.metrics = metrics
    }

    /// What a run did, per table; also the function's response.
    package struct Report: Codable, Sendable, Equatable {
        package struct Counts: Codable, Sendable, Equatable {
            /// Items the filter matched (expired).
            package var expired = 0
            package var deleted = 0

            package init(expired: Int = 0, deleted: Int = 0) {
                self.expired = expired
                self.deleted = deleted
            }
        }
        package var dryRun: Bool
        /// False when the run stopped before its deadline (or on an error) and left a checkpoint.
        package var complete: Bool
        /// True when it started from a previous run's checkpoint.
        package var resumed: Bool
        package var analytics = Counts()
        package var sessions = Counts()
    }

    package func serve(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let request = try CleanupRequest.parse(event)
        let deadline = InvocationDeadline.current ?? ContinuousClock.now + context.remainingTime
        let report = try await self.run(request, deadline: deadline, logger: context.logger)
        return try JSONCoder.encode(report)
    }

    /// One run, stopping new pages `stopBeforeDeadline` before `deadline`.
    /// - Throws: the first AWS error after saving the progress made (so the next run resumes from it).
    package func run(
        _ request: CleanupRequest,
        deadline: ContinuousClock.Instant,
        logger: Logger
    ) async throws -> Report {
        let stopAt = deadline - self.configuration.stopBeforeDeadline
        let saved = request.dryRun ? nil : try await self.loadCheckpoint(logger: logger)
        var checkpoint = saved ?? CleanupCheckpoint(segments: self.configuration.segments)
        var report = Report(dryRun: request.dryRun, complete: false, resumed: saved != nil)
        var failure: (any Error)?
        for sweep in self.sweeps() {
            let outcome = await self.sweep(
                sweep,
                from: checkpoint.positions(of: sweep.name),
                dryRun: request.dryRun,
                stopAt: stopAt
            )
            checkpoint.positions[sweep.name] = outcome.positions
            report[keyPath: sweep.counts] = outcome.counts
            if failure == nil { failure = outcome.failure }
        }
        report.complete = checkpoint.isComplete
        if !request.dryRun {
            try await self.save(checkpoint, replacing: saved != nil)
        }
        self.record(report, logger: logger)
        if let failure { throw failure }
        return report
    }

    private func record(_ report: Report, logger: Logger) {
        let prefix = report.dryRun ? "DryRun" : ""
        self.metrics.count([
            "\(prefix)AnalyticsExpired": report.analytics.expired, "AnalyticsDeleted": report.analytics.deleted,
            "\(prefix)SessionsExpired": report.sessions.expired, "SessionsDeleted": report.sessions.deleted,
            "CleanupIncomplete": report.complete ? 0 : 1,
        ])
        logger.info(
            report.complete ? "cleanup finished" : "cleanup stopped early; the next run resumes",
            metadata: [
                "dryRun": "\(report.dryRun)", "resumed": "\(report.resumed)",
                "analyticsExpired": "\(report.analytics.expired)", "analyticsDeleted": "\(report.analytics.deleted)",
                "sessionsExpired": "\(report.sessions.expired)", "sessionsDeleted": "\(report.sessions.deleted)",
            ]
        )
    }

    private func loadCheckpoint(logger: Logger) async throws -> CleanupCheckpoint? {
        switch try await self.store.checkpoint() {
        case .none:
            return nil
        case .saved(let checkpoint) where checkpoint.segments == self.configuration.segments:
            return checkpoint
        case .saved, .unreadable:
            logger.warning("cleanup checkpoint unreadable or for another segment count; starting afresh")
            return nil
        }
    }

    private func save(_ checkpoint: CleanupCheckpoint, replacing: Bool) async throws {
        if !checkpoint.isComplete {
            try await self.store.save(checkpoint)
        } else if replacing {
            try await self.store.deleteCheckpoint()
        }
    }
}
