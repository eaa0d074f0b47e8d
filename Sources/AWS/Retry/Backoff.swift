/// Exponential backoff with full jitter, the one every retry loop in Gavel uses (AWS calls, DynamoDB's
/// unprocessed items, eBay, Postmark): the wait after failed attempt `n` is
/// `random × min(base × 2^(n − 1), cap)` with `random` uniform in [0, 1).
///
/// The jitter's source and the sleep are injected so tests pin both; each loop states its own `base` and
/// `cap`, and its own attempt limit, where it builds its `Backoff`.
package struct Backoff: Sendable {
    package var base: Duration
    package var cap: Duration
    private let random: @Sendable () -> Double
    private let sleeper: @Sendable (Duration) async throws -> Void

    package init(
        base: Duration,
        cap: Duration,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.base = base
        self.cap = cap
        self.random = random
        self.sleeper = sleep
    }

    /// The wait after failed attempt `attempt` (1-based), with a fresh draw of the jitter.
    package func delay(after attempt: Int) -> Duration {
        Self.delay(after: attempt, base: self.base, cap: self.cap, random: self.random())
    }

    /// `random × min(base × 2^(attempt − 1), cap)`, `random` clamped to [0, 1].
    package static func delay(after attempt: Int, base: Duration, cap: Duration, random: Double) -> Duration {
        let exponential = base * (1 << min(max(attempt - 1, 0), 30))
        return min(exponential, cap) * min(max(random, 0), 1)
    }

    /// Whether waiting `delay` still leaves `reserve` (room for the next attempt) before the deadline of the
    /// invocation being served; true when no deadline is set.
    package static func fits(_ delay: Duration, reserving reserve: Duration) -> Bool {
        guard let deadline = InvocationDeadline.current else { return true }
        return ContinuousClock.now + delay + reserve <= deadline
    }

    /// Waits `delay`; a cancelled wait ends early (the caller's next attempt then sees the cancellation).
    package func sleep(for delay: Duration) async {
        try? await self.sleeper(delay)
    }
}
