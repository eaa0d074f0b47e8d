package import AWS
package import Synchronization

/// An `AWSClient.Environment` for tests: a clock that moves one second per reading, a sleep that records
/// instead of sleeping, and a fixed jitter.
package final class PinnedEnvironment: Sendable {
    package let now = Mutex<Int64>(1_700_000_000)
    package let sleeps = Mutex<[Duration]>([])
    private let jitter: Double

    package init(jitter: Double = 0.5) {
        self.jitter = jitter
    }

    /// Moves the clock on by `seconds`.
    package func advance(by seconds: Int64) {
        self.now.withLock { $0 += seconds }
    }

    /// Every sleep asked for, in order.
    package var slept: [Duration] { self.sleeps.withLock { $0 } }

    package var environment: AWSClient.Environment {
        AWSClient.Environment(
            unixTime: {
                self.now.withLock {
                    $0 += 1
                    return $0
                }
            },
            sleep: { duration in self.sleeps.withLock { $0.append(duration) } },
            random: { [jitter] in jitter }
        )
    }
}
