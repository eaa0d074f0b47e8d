package import FoundationEssentials

/// One event as the Runtime API delivered it: the body and the per-invocation headers.
package struct Invocation: Sendable {
    package var requestId: String
    /// Milliseconds since the Unix epoch at which Lambda stops the invocation.
    package var deadlineMs: Int64
    package var invokedFunctionArn: String
    package var traceId: String?
    /// The raw `Lambda-Runtime-Client-Context` JSON, if the caller sent one.
    package var clientContext: String?
    /// The raw `Lambda-Runtime-Cognito-Identity` JSON, if the caller had one.
    package var cognitoIdentity: String?
    package var event: Data

    package init(
        requestId: String,
        deadlineMs: Int64,
        invokedFunctionArn: String,
        traceId: String? = nil,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        event: Data
    ) {
        self.requestId = requestId
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.event = event
    }

    /// Reads an invocation from the headers of a `next` response.
    /// - Parameter headers: header names lower-cased, as HTTP treats them case-insensitively.
    /// - Throws: `RuntimeError.malformedInvocation` when the request id or deadline is missing or unreadable.
    package init(lowercasedHeaders headers: [String: String], event: Data) throws(RuntimeError) {
        func header(_ name: String) -> String? {
            headers[name.lowercased()].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let requestId = header(RuntimeAPI.Header.requestId) else {
            throw .malformedInvocation("no \(RuntimeAPI.Header.requestId) header")
        }
        guard let deadline = header(RuntimeAPI.Header.deadline), let deadlineMs = Int64(deadline) else {
            throw .malformedInvocation("missing or non-numeric \(RuntimeAPI.Header.deadline) header")
        }
        self.init(
            requestId: requestId,
            deadlineMs: deadlineMs,
            invokedFunctionArn: header(RuntimeAPI.Header.functionArn) ?? "",
            traceId: header(RuntimeAPI.Header.traceId),
            clientContext: header(RuntimeAPI.Header.clientContext),
            cognitoIdentity: header(RuntimeAPI.Header.cognitoIdentity),
            event: event
        )
    }
}
