import Synchronization

/// The invocations this process has taken from `next` and not yet answered: what SIGTERM waits for, and
/// reports failed when they outlast the shutdown's budget (`Termination`).
///
/// Process-wide, as the signal it serves: a runtime has one, whatever the number of loops.
enum InFlight {
    private static let invocations = Mutex<[String: Invocation]>([:])

    static func begin(_ invocation: Invocation) {
        self.invocations.withLock { $0[invocation.requestId] = invocation }
    }

    static func end(_ requestId: String) {
        _ = self.invocations.withLock { $0.removeValue(forKey: requestId) }
    }

    static var current: [Invocation] {
        self.invocations.withLock { Array($0.values) }
    }
}
