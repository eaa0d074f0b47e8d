import AWS
import LambdaRuntime

/// One table's sweep: its Scan segments in parallel, each page's expired keys deleted before the next page.
extension CleanupHandler {
    struct Sweep: Sendable {
        /// The table's role, the checkpoint's key for it.
        var name: String
        /// Where the report keeps this table's counts.
        var counts: any WritableKeyPath<Report, Report.Counts> & Sendable
        var expired: CleanupStore.Sweep
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
                expired: self.store.analytics(olderThan: cutoffMs, pageSize: page)
            ),
            Sweep(
                name: "sessions",
                counts: \.sessions,
                expired: self.store.sessions(expiredBefore: nowMs / 1000, pageSize: page)
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
                    (
                        index,
                        await self.segment(
                            sweep,
                            index: index,
                            of: positions.count,
                            from: position,
                            dryRun: dryRun,
                            stopAt: stopAt
                        )
                    )
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
                let page = try await self.store.page(
                    of: sweep.expired,
                    after: position.startKey,
                    segment: (index, count)
                )
                outcome.counts.expired += page.keys.count
                if !dryRun, !page.keys.isEmpty {
                    try await self.store.delete(page.keys, of: sweep.expired)
                    outcome.counts.deleted += page.keys.count
                }
                position = page.next.map { .after($0) } ?? .done
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
