/// The SDKs' standard retry mode as a pure function of the error, the attempt and the time left.
///
/// Environment (read by `init(environment:)`):
/// - `AWS_MAX_ATTEMPTS`: attempts in all, first included (integer ≥ 1); default 3.
/// - `AWS_RETRY_MODE`: `standard` (default) or `legacy` or `adaptive`; all three behave as `standard` here,
///   which is what Lambda functions want (adaptive's client-side rate limiting needs a long-lived client).
package struct RetryPolicy: Sendable, Equatable {
    /// What to do after a failed attempt.
    package enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp
        /// A retry was warranted but would run past the deadline.
        case giveUpForDeadline
    }

    package var maxAttempts: Int
    /// The cap on one backoff (20 s in the SDKs).
    package var maxBackoff: Duration

    package init(maxAttempts: Int = 3, maxBackoff: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxBackoff = maxBackoff
    }

    /// Reads `AWS_MAX_ATTEMPTS`; an unreadable value falls back to the default.
    package init(environment: [String: String]) {
        self.init(maxAttempts: environment["AWS_MAX_ATTEMPTS"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil } ?? 3)
    }

    /// Whether and when to try again after attempt `attempt` (1-based) failed with `error`.
    /// - Parameters:
    ///   - remaining: time left before the Lambda deadline, if there is one; a retry must leave room for the
    ///     attempt itself, taken to be as long as `expectedAttempt`.
    ///   - random: a number in [0, 1), injected so tests can pin the jitter.
    ///   - tokens: the client's retry token bucket; a retry that cannot take its tokens is not made.
    package func decide(
        attempt: Int,
        error: AWSError,
        remaining: Duration?,
        expectedAttempt: Duration = .seconds(1),
        random: Double,
        tokens: RetryTokenBucket
    ) -> Decision {
        let retryClass = error.retryClass
        guard retryClass != .none, attempt < self.maxAttempts else { return .giveUp }
        let delay = self.backoff(attempt: attempt, random: random)
        if let remaining, delay + expectedAttempt >= remaining { return .giveUpForDeadline }
        guard tokens.acquire(for: retryClass) else { return .giveUp }
        return .retry(after: delay)
    }

    /// The SDKs' full jitter (`Backoff` with a 1 s base): `random × min(2^(attempt − 1) s, maxBackoff)`.
    package func backoff(attempt: Int, random: Double) -> Duration {
        Backoff.delay(after: attempt, base: .seconds(1), cap: self.maxBackoff, random: random)
    }
}
