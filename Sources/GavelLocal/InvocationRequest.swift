package import FoundationEssentials

/// One event to deliver, with the optional headers a caller of `Invoke` can set.
package struct InvocationRequest: Sendable {
    package var requestId: String
    /// This attempt (`Lambda-Runtime-Invocation-Id`): the runtime must echo it on its answer.
    package var invocationId: String
    package var event: Data
    package var deadlineMs: Int64
    package var invokedFunctionArn: String
    package var traceId: String
    package var clientContext: String?
    package var cognitoIdentity: String?
    /// Sent as `Lambda-Runtime-Aws-Tenant-Id` when set (`gavel-local invoke --tenant`).
    package var tenantId: String?
    /// Whether the caller reads a streamed response as it comes (`InvokeWithResponseStream`, a streaming
    /// Function URL); otherwise a stream is collected and the caller gets it whole, as `Invoke` does.
    package var acceptsStream: Bool

    package init(
        event: Data,
        deadlineMs: Int64,
        invokedFunctionArn: String,
        traceId: String? = nil,
        sampled: Bool = false,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        tenantId: String? = nil,
        acceptsStream: Bool = false
    ) {
        self.requestId = RandomIdentifier.uuid()
        self.invocationId = RandomIdentifier.uuid()
        self.event = event
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId ?? RandomIdentifier.traceId(unixSeconds: deadlineMs / 1000, sampled: sampled)
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantId = tenantId
        self.acceptsStream = acceptsStream
    }
}

/// Identifiers in the shapes Lambda uses.
package enum RandomIdentifier {
    /// A random version-4 UUID, lower case, as Lambda request ids are.
    package static func uuid() -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = self.hex(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(
                hex[
                    hex.index(
                        hex.startIndex,
                        offsetBy: range.lowerBound
                    )..<hex.index(hex.startIndex, offsetBy: range.upperBound)
                ]
            )
        }
        return parts.joined(separator: "-")
    }

    /// An X-Ray trace header: `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0` (or 1 when `sampled`).
    package static func traceId(unixSeconds: Int64, sampled: Bool = false) -> String {
        let random = { (count: Int) in self.hex((0..<count).map { _ in UInt8.random(in: 0...255) }) }
        let root = "Root=1-\(String(unixSeconds, radix: 16))-\(random(12))"
        return root + ";Parent=\(random(8));Sampled=\(sampled ? 1 : 0)"
    }

    /// `count` random lower-case hex digits' worth of bytes.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
