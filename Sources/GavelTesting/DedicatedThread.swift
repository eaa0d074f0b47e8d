#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work on a thread of its own and awaits it.
///
/// The runtime loop blocks its thread while the handler runs on the cooperative pool, as it does on
/// `main` in a bootstrap. Tests call it from here: blocking a pool thread instead could starve the pool.
package func onDedicatedThread<Output: Sendable>(_ work: @escaping @Sendable () -> Output) async -> Output {
    await withCheckedContinuation { continuation in
        let box = Unmanaged.passRetained(ThreadWork { continuation.resume(returning: work()) }).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let work = Unmanaged<ThreadWork>.fromOpaque(argument!).takeRetainedValue()
            work.run()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
        pthread_detach(thread)
    }
}

private final class ThreadWork {
    let run: () -> Void

    init(_ run: @escaping () -> Void) {
        self.run = run
    }
}

/// Carries a value that is not `Sendable` to a dedicated thread that alone uses it.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value

    package init(_ value: Value) {
        self.value = value
    }
}
