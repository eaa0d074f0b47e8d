/// One event as the Runtime API delivered it: the body and the per-invocation headers.
package struct Invocation: Sendable {
    package var requestId: String
    /// This attempt at the request (`Lambda-Runtime-Invocation-Id`), echoed on its answer; nil when not sent.
    package var invocationId: String?
    /// Milliseconds since the Unix epoch at which Lambda stops the invocation.
    package var deadlineMs: Int64
    package var invokedFunctionArn: String
    package var traceId: String?
    /// The tenant (`Lambda-Runtime-Aws-Tenant-Id`) of a function in tenant isolation mode.
    package var tenantId: String?
    /// The raw `Lambda-Runtime-Client-Context` JSON, if the caller sent one.
    package var clientContext: String?
    /// The raw `Lambda-Runtime-Cognito-Identity` JSON, if the caller had one.
    package var cognitoIdentity: String?
    package var event: [UInt8]
    /// What was wrong with the headers and what was assumed instead; the loop logs each as a warning.
    package var defects: [String] = []

    package init(
        requestId: String,
        invocationId: String? = nil,
        deadlineMs: Int64,
        invokedFunctionArn: String,
        traceId: String? = nil,
        tenantId: String? = nil,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        event: [UInt8]
    ) {
        self.requestId = requestId
        self.invocationId = invocationId
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
        self.tenantId = tenantId
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.event = event
    }

    /// How long an invocation may run when `next` gave no readable deadline: Lambda's own maximum.
    package static let defaultTimeoutMs: Int64 = 900_000

    /// Reads an invocation from the headers of a `next` response. Only a missing request id is fatal (no
    /// answer could name the invocation); an unreadable deadline, invocation id or tenant id is replaced or
    /// dropped, and said in `defects`.
    /// - Parameter headers: header names lower-cased, as HTTP treats them case-insensitively.
    /// - Throws: `RuntimeError.malformedInvocation` when the request id is missing or unusable in a path.
    package init(lowercasedHeaders headers: [String: String], event: [UInt8]) throws(RuntimeError) {
        func header(_ name: String) -> String? {
            headers[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let requestId = header(Key.requestId), Self.isToken(requestId),
            !requestId.utf8.contains(UInt8(ascii: "/"))
        else {
            throw .malformedInvocation("no usable \(RuntimeAPI.Header.requestId) header")
        }
        var defects: [String] = []
        var deadlineMs = header(Key.deadline).flatMap { Int64($0) }
        if deadlineMs == nil {
            deadlineMs = WallClock.nowMs() + Self.defaultTimeoutMs
            defects.append("missing or non-numeric \(RuntimeAPI.Header.deadline) header: assuming 15 minutes")
        }
        /// An optional header kept only when it is printable ASCII, as an echoed header or a log field must be.
        func token(_ key: String, _ name: String) -> String? {
            guard let value = header(key) else { return nil }
            guard Self.isToken(value) else {
                defects.append("unreadable \(name) header: ignored")
                return nil
            }
            return value
        }
        self.init(
            requestId: requestId,
            invocationId: token(Key.invocationId, RuntimeAPI.Header.invocationId),
            deadlineMs: deadlineMs!,
            invokedFunctionArn: header(Key.functionArn) ?? "",
            traceId: token(Key.traceId, RuntimeAPI.Header.traceId),
            tenantId: token(Key.tenantId, RuntimeAPI.Header.tenantId),
            clientContext: header(Key.clientContext),
            cognitoIdentity: header(Key.cognitoIdentity),
            event: event
        )
        self.defects = defects
    }

    /// The headers' names as the client hands them over, lower-cased once rather than per invocation.
    private enum Key {
        static let requestId = RuntimeAPI.Header.requestId.lowercased()
        static let invocationId = RuntimeAPI.Header.invocationId.lowercased()
        static let deadline = RuntimeAPI.Header.deadline.lowercased()
        static let functionArn = RuntimeAPI.Header.functionArn.lowercased()
        static let traceId = RuntimeAPI.Header.traceId.lowercased()
        static let tenantId = RuntimeAPI.Header.tenantId.lowercased()
        static let clientContext = RuntimeAPI.Header.clientContext.lowercased()
        static let cognitoIdentity = RuntimeAPI.Header.cognitoIdentity.lowercased()
    }

    /// 1 to 1,024 visible ASCII characters, no space: safe in a header and a log field.
    private static func isToken(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { utf8 in utf8.count <= 1024 && utf8.allSatisfy { $0 &- 0x21 <= 0x7E - 0x21 } }
    }
}
