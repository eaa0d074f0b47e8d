import AWS
import FoundationEssentials
import LambdaRuntime

/// One table's sweep: its Scan segments in parallel, each page's expired keys deleted before the next page.
extension CleanupHandler {
    struct Sweep: Sendable {
        /// The table's role, the checkpoint's key for it.
        var name: String
        /// Where the report keeps this table's counts.
        var counts: any WritableKeyPath<Report, Report.Counts> & Sendable
        var read: DynamoDB.Read
        var keyNames: [String]
    }

    struct Outcome: Sendable {
        var positions: [CleanupCheckpoint.Position]
        var counts = Report.Counts()
        var failure: (any Error)?
    }

    /// Analytics older than the retention, Sessions past their expiry, read keys only.
    func sweeps() -> [Sweep] {
        let nowMs = WallClock.nowMs()
        let cutoffMs = nowMs - Int64(self.configuration.retentionDays) * 86_400_000
        let page = self.configuration.pageSize
        return [
            Sweep(
                name: "analytics",
                counts: \.analytics,
                read: DynamoDB.Read(
                    table: self.configuration.analyticsTable,
                    filter: "#timestamp < :cutoff",
                    projection: "#product, #timestamp",
                    names: ["#product": "product_id", "#timestamp": "timestamp"],
                    values: [":cutoff": .n(String(cutoffMs))],
                    limit: page
                ),
                keyNames: ["product_id", "timestamp"]
            ),
            Sweep(
                name: "sessions",
                counts: \.sessions,
                read: DynamoDB.Read(
                    table: self.configuration.sessionsTable,
                    filter: "#expires < :now",
                    projection: "#session",
                    names: ["#session": "session_id", "#expires": "expires_at"],
                    values: [":now": .n(String(nowMs / 1000))],
                    limit: page
                ),
                keyNames: ["session_id"]
            ),
        ]
    }

    /// Runs every segment of `sweep` from `positions` until each is done, `stopAt` comes, or it fails.
    func sweep(
        _ sweep: Sweep,
        from positions: [CleanupCheckpoint.Position],
        dryRun: Bool,
        stopAt: ContinuousClock.Instant
    ) async -> Outcome {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, position) in positions.enumerated() {
                group.addTask {
                    (index, await self.segment(sweep, index: index, of: positions.count, from: position, dryRun: dryRun, stopAt: stopAt))
                }
            }
            var total = Outcome(positions: positions)
            for await (index, outcome) in group {
                total.positions[index] = outcome.positions[0]
                total.counts.expired += outcome.counts.expired
                total.counts.deleted += outcome.counts.deleted
                if total.failure == nil { total.failure = outcome.failure }
            }
            return total
        }
    }

    private func segment(
        _ sweep: Sweep,
        index: Int,
        of count: Int,
        from start: CleanupCheckpoint.Position,
        dryRun: Bool,
        stopAt: ContinuousClock.Instant
    ) async -> Outcome {
        var outcome = Outcome(positions: [start])
        var position = start
        while position != .done, ContinuousClock.now < stopAt {
            do {
                let page = try await self.dynamo.page(sweep.read, startKey: position.startKey, segment: (index, count))
                let keys = page.items.map { $0.filter { sweep.keyNames.contains($0.key) } }
                outcome.counts.expired += keys.count
                if !dryRun, !keys.isEmpty {
                    try await self.dynamo.batchWrite(table: sweep.read.table, keys.map { .delete(key: $0) })
                    outcome.counts.deleted += keys.count
                }
                position = page.lastEvaluatedKey.map { .after($0) } ?? .done
            } catch {
                // The page is done again next run: its deletes are idempotent.
                outcome.failure = error
                break
            }
            outcome.positions = [position]
        }
        return outcome
    }
}
