package import FoundationEssentials
package import LambdaRuntime

/// A Runtime API client for loop tests: queued invocations in, recorded reports out.
///
/// When the queue is empty `nextInvocation` throws the fatal "unreachable" error, which ends the loop as
/// a vanished Runtime API would.
package final class InMemoryRuntimeAPIClient: RuntimeAPIClient {
    package var queued: [Invocation]
    package private(set) var responses: [String: Data] = [:]
    package private(set) var errors: [String: ErrorReport] = [:]
    package private(set) var initErrors: [ErrorReport] = []
    /// Streamed responses by request id: the content type, the chunks as the sender read them, and the
    /// error the trailers carried.
    package private(set) var streams: [String: (contentType: String, chunks: [Data], error: ErrorReport?)] = [:]
    /// The invocation id each answer carried, by request id (nil: none was sent).
    package private(set) var echoedInvocationIds: [String: String?] = [:]
    /// When set, reports answer with this error instead of being recorded.
    package var reportFailure: RuntimeError?

    package init(_ invocations: [Invocation] = []) {
        self.queued = invocations
    }

    package func nextInvocation() throws(RuntimeError) -> Invocation {
        guard !self.queued.isEmpty else { throw .runtimeAPIUnreachable("no more queued invocations") }
        return self.queued.removeFirst()
    }

    package func sendResponse(_ body: [UInt8], requestId: String, invocationId: String?) throws(RuntimeError) {
        if let failure = self.reportFailure { throw failure }
        self.responses[requestId] = Data(body)
        self.echoedInvocationIds[requestId] = invocationId
    }

    package func streamResponse(
        _ stream: ResponseStream,
        requestId: String,
        invocationId: String?
    ) throws(RuntimeError) {
        if let failure = self.reportFailure { throw failure }
        var chunks: [Data] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while case let count = buffer.withUnsafeMutableBytes({ stream.read(into: $0) }), count > 0 {
            chunks.append(Data(buffer[..<count]))
        }
        self.streams[requestId] = (stream.contentType, chunks, stream.trailerError)
        self.echoedInvocationIds[requestId] = invocationId
    }

    package func sendError(_ report: ErrorReport, requestId: String, invocationId: String?) throws(RuntimeError) {
        if let failure = self.reportFailure { throw failure }
        self.errors[requestId] = report
        self.echoedInvocationIds[requestId] = invocationId
    }

    package func sendInitError(_ report: ErrorReport) throws(RuntimeError) {
        self.initErrors.append(report)
    }
}

extension Invocation {
    /// An invocation with a JSON event and a deadline `seconds` from now.
    package static func test(_ requestId: String, json: String, seconds: Int64 = 3) -> Invocation {
        Invocation(
            requestId: requestId,
            deadlineMs: WallClock.nowMs() + seconds * 1000,
            invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:test",
            traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            event: Array(json.utf8)
        )
    }
}
