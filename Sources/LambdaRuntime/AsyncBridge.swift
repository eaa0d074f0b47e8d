import Dispatch

/// Runs async work from the synchronous main thread and waits for it.
///
/// DESIGN 5 keeps `main` synchronous (an async `main` costs 30–40 ms at every start of a static binary), so
/// the one unstructured `Task` of the runtime lives here, by that stated exception to the house rule. It is
/// created once per process: the whole runtime loop runs inside it while `main` waits.
enum AsyncBridge {
    /// - Parameter executor: where the task prefers to run (`TaskExecutor`); nil is the global executor.
    static func wait<Output: Sendable>(
        preferring executor: (any TaskExecutor)? = nil,
        _ operation: @escaping @Sendable () async throws -> Output
    ) -> Result<Output, any Error> {
        let box = ResultBox<Output>()
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: executor) {
            do {
                box.result = .success(try await operation())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return box.result!
    }
}

/// The result handed from the task to the waiting thread; the semaphore orders the write before the read.
private final class ResultBox<Output>: @unchecked Sendable {
    var result: Result<Output, any Error>?
}
