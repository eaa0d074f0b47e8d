import Synchronization

/// The SDKs' retry quota: retries spend tokens, successes return them, so a failing dependency is not
/// hammered by every caller's retries at once. Shared by all calls of one client.
///
/// Standard-mode numbers: 500 tokens; a retry costs 5 (10 after a timeout or connection error); a success
/// returns what its retries cost, or 1 when it needed none.
package final class RetryTokenBucket: Sendable {
    package static let capacity = 500
    package static let retryCost = 5
    package static let transientCost = 10

    private let state: Mutex<Int>

    package init(tokens: Int = RetryTokenBucket.capacity) {
        self.state = Mutex(min(tokens, Self.capacity))
    }

    /// Tokens left.
    package var available: Int { self.state.withLock { $0 } }

    /// Takes the cost of one retry. - Returns: false, taking nothing, when too few tokens are left.
    package func acquire(for retryClass: RetryClassification.Class) -> Bool {
        let cost = retryClass == .transient ? Self.transientCost : Self.retryCost
        return self.state.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    /// Records a successful call that needed `retries` retries costing `spent` tokens.
    package func recordSuccess(spent: Int) {
        self.state.withLock { tokens in tokens = min(Self.capacity, tokens + (spent > 0 ? spent : 1)) }
    }
}
