package import LambdaRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The probe as a streaming handler (`_HANDLER=stream`): it streams `count` numbered lines, `ms` apart,
/// optionally behind an HTTP head, and can fail before the first line or after some, so the conformance
/// tests see each way a stream ends.
package struct StreamingProbeHandler: LambdaStreamingHandler {
    /// What the streaming probe is asked to do.
    package struct Event: Decodable, Sendable {
        /// Lines to stream (default 3).
        package var count: Int?
        /// Pause between lines in milliseconds (default 0).
        package var ms: Int?
        /// Fail after this many lines (0: before the first, so nothing was streamed).
        package var failAfter: Int?
        /// Send a Function URL HTTP head with this status first.
        package var httpStatus: Int?
        /// After the first line, wait (polling every 10 ms, until the deadline) for this file to exist: a
        /// test creates it once the first line has reached it, proof that nothing waits for the whole answer.
        package var gate: String?
    }

    package init() {}

    package func handle(_ bytes: [UInt8], context: LambdaContext, response: ResponseStream) async throws {
        let event = try RuntimeError.decodeEvent(Event.self, from: bytes)
        if let status = event.httpStatus {
            try await response.startHTTP(status: status, headers: ["content-type": "text/plain"])
        }
        for line in 0..<(event.count ?? 3) {
            if line == event.failAfter { throw ProbeHandler.ProbeFailure(description: "failed after \(line) lines") }
            if line > 0, let ms = event.ms, ms > 0 { try await Task.sleep(for: .milliseconds(ms)) }
            try await response.write(Array("line \(line) of \(context.requestId)\n".utf8))
            if line == 0, let gate = event.gate {
                while access(gate, F_OK) != 0 {
                    guard context.remainingTime > .zero else {
                        throw ProbeHandler.ProbeFailure(description: "gate shut")
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        if event.failAfter == event.count { throw ProbeHandler.ProbeFailure(description: "failed at the end") }
    }
}
