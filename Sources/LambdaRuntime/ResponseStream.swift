import Dispatch
import JSON
import Synchronization

/// A handler whose response Lambda streams to the caller as it is written (response streaming: a Function
/// URL with `InvokeMode: RESPONSE_STREAM`, or `InvokeWithResponseStream`), instead of taking it whole.
///
/// Contract: as `LambdaByteHandler`, but the response goes to `response`; returning ends it. An error thrown
/// before the first byte is reported as the invocation's error, as a buffered handler's is; one thrown after
/// it reaches Lambda in the stream's trailers (`Lambda-Runtime-Function-Error-Type` and `-Body`), since the
/// bytes already sent cannot be taken back.
package protocol LambdaStreamingHandler: Sendable {
    /// Handles one event, writing the response to `response`.
    func handle(_ event: [UInt8], context: LambdaContext, response: ResponseStream) async throws
}

/// The response of one streamed invocation: what the handler writes goes to Lambda in chunks as the Runtime
/// API connection takes them, from a thread of its own (on the loop's connection, which waits for the stream
/// to end before it is used again).
///
/// Writes are buffered up to `bufferLimit`; past it, `write` waits until the sender has taken the excess, so
/// a handler producing faster than Lambda reads holds bounded memory. The sender's failure (the Runtime API
/// refused the stream or went away) makes the next `write` throw it, so the handler stops.
package final class ResponseStream: Sendable {
    /// The content type of a streamed Function URL response: an HTTP head (`startHTTP`) and then the body.
    package static let httpIntegrationContentType = "application/vnd.awslambda.http-integration-response"
    /// The content type when the handler sends no HTTP head.
    package static let defaultContentType = "application/octet-stream"
    /// Bytes written and not yet sent past which `write` waits.
    static let bufferLimit = 1 << 20
    /// The eight NUL bytes that end the HTTP head of an `httpIntegrationContentType` stream.
    static let headDelimiter = [UInt8](repeating: 0, count: 8)

    private struct State {
        var contentType = ResponseStream.defaultContentType
        var started = false
        /// Written and not yet taken by the sender.
        var pending: [UInt8] = []
        /// Set when the handler is done: nil for a clean end, else the error for the trailers.
        var ending: ErrorReport??
        /// Set when the sender's request is over: nil when Lambda took the stream.
        var sent: RuntimeError??
        var waitingWriter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Signalled on every write and at the end; the sender waits on it for more.
    private let written = DispatchSemaphore(value: 0)
    /// Signalled once, when the sender's request is over.
    private let finished = DispatchSemaphore(value: 0)
    /// Starts the sender on its thread; called once, on the first write.
    private let startSender: @Sendable (ResponseStream) -> Void

    init(startSender: @escaping @Sendable (ResponseStream) -> Void) {
        self.startSender = startSender
    }

    /// Sends a Function URL's HTTP status and headers, before any body byte; without it the caller gets 200
    /// and `application/octet-stream`.
    /// - Throws: when something was already written, or when the stream was refused.
    package func startHTTP(status: Int, headers: [String: String], cookies: [String] = []) async throws {
        struct Head: Encodable {
            var statusCode: Int
            var headers: [String: String]
            var cookies: [String]
        }
        let head = try JSONCoder.encode(Head(statusCode: status, headers: headers, cookies: cookies))
        let fresh = self.state.withLock { state in
            guard !state.started else { return false }
            state.contentType = Self.httpIntegrationContentType
            return true
        }
        guard fresh else { throw StreamMisuse.headAfterBody }
        try await self.write(head + Self.headDelimiter)
    }

    /// Sends `bytes` as part of the response.
    /// - Throws: the `RuntimeError` that ended the stream, when the Runtime API refused it or went away.
    package func write(_ bytes: some Collection<UInt8>) async throws {
        guard !bytes.isEmpty else { return }  // nothing to send: not even the start of a stream
        let next = try self.state.withLock { state throws(RuntimeError) -> WriteStep in
            if case .some(.some(let failure)) = state.sent { throw failure }
            state.pending.append(contentsOf: bytes)
            if !state.started {
                state.started = true
                return .start
            }
            return state.pending.count > Self.bufferLimit ? .wait : .done
        }
        self.written.signal()
        switch next {
        case .done: return
        case .start: self.startSender(self)
        case .wait:
            await withCheckedContinuation { continuation in
                let ready = self.state.withLock { state in
                    guard state.pending.count > Self.bufferLimit, state.sent == nil else { return true }
                    state.waitingWriter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// What a write does after appending its bytes.
    private enum WriteStep { case done, start, wait }

    /// Whether anything was written: before that, the invocation can still end as a plain response or error.
    package var started: Bool { self.state.withLock { $0.started } }

    /// The content type the sender sends; fixed from the first write on.
    package var contentType: String { self.state.withLock { $0.contentType } }

    /// Ends the stream (with `error` in its trailers, if given) and waits until the sender's request is over.
    /// - Returns: the sender's failure, nil when Lambda took the stream.
    func finish(error: ErrorReport?) -> RuntimeError? {
        self.state.withLock { $0.ending = .some(error) }
        self.written.signal()
        self.finished.wait()
        return self.state.withLock { $0.sent ?? nil }
    }

    // MARK: The sender's side

    /// Blocks until bytes are written or the handler is done; copies up to `buffer.count` of them.
    /// - Returns: how many bytes were copied; 0 at the end of the stream.
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let (count, writer) = self.state.withLock { state -> (Int?, CheckedContinuation<Void, Never>?) in
                guard !state.pending.isEmpty else { return (state.ending == nil ? nil : 0, nil) }
                let count = min(buffer.count, state.pending.count)
                state.pending.withUnsafeBytes {
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count]))
                }
                state.pending.removeFirst(count)
                guard state.pending.count <= Self.bufferLimit, let writer = state.waitingWriter else {
                    return (count, nil)
                }
                state.waitingWriter = nil
                return (count, writer)
            }
            writer?.resume()
            if let count { return count }
            self.written.wait()
        }
    }

    /// The error the trailers carry, once `read` returned 0.
    package var trailerError: ErrorReport? { self.state.withLock { $0.ending ?? nil } }

    /// Records how the sender's request ended and releases whoever waits on the stream.
    func senderFinished(_ failure: RuntimeError?) {
        let writer = self.state.withLock { state in
            state.sent = .some(failure)
            defer { state.waitingWriter = nil }
            return state.waitingWriter
        }
        writer?.resume()
        self.finished.signal()
    }
}

/// A `ResponseStream` used out of order.
package enum StreamMisuse: Error, CustomStringConvertible {
    case headAfterBody

    package var description: String { "the HTTP head must be sent before any byte of the body" }
}
