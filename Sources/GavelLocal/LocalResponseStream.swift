package import FoundationEssentials
package import LambdaRuntime
import Synchronization

/// A response the runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`), handed to the caller
/// as soon as the runtime starts sending it, so the caller sees each chunk as it arrives.
///
/// The parts end with the stream: cleanly, or with `.error` when the runtime reported a mid-stream error in
/// the trailers (or the connection broke before the last chunk).
package final class LocalResponseStream: Sendable, Equatable {
    /// One piece of the stream, in order.
    package enum Part: Sendable, Equatable {
        case bytes(Data)
        /// The last part of a stream that failed: what Lambda reports as the invocation's error.
        case error(ErrorReport)
    }

    /// The `Content-Type` the runtime sent: `ResponseStream.httpIntegrationContentType` for a Function URL
    /// response that starts with an HTTP head.
    package let contentType: String
    package let parts: AsyncStream<Part>
    private let continuation: AsyncStream<Part>.Continuation
    /// Whether the runtime has finished sending, and who waits for it to (`ended`).
    private let end = Mutex<(done: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    package init(contentType: String) {
        self.contentType = contentType
        (self.parts, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    func yield(_ bytes: Data) {
        self.continuation.yield(.bytes(bytes))
    }

    /// Ends the stream, with the error the trailers carried, if any.
    func finish(error: ErrorReport?) {
        if let error { self.continuation.yield(.error(error)) }
        self.continuation.finish()
        let waiting = self.end.withLock { end in
            end.done = true
            defer { end.waiting = [] }
            return end.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once the runtime has sent the whole stream (whether or not anyone read it): until then its
    /// instance is busy, as a Lambda execution environment is until the stream ends.
    package func ended() async {
        await withCheckedContinuation { continuation in
            let done = self.end.withLock { end in
                if !end.done { end.waiting.append(continuation) }
                return end.done
            }
            if done { continuation.resume() }
        }
    }

    /// Every byte of the stream and its error, once it has ended.
    package func collect() async -> (body: Data, error: ErrorReport?) {
        var body = Data()
        for await part in self.parts {
            switch part {
            case .bytes(let bytes): body.append(bytes)
            case .error(let report): return (body, report)
            }
        }
        return (body, nil)
    }

    package static func == (left: LocalResponseStream, right: LocalResponseStream) -> Bool { left === right }
}
