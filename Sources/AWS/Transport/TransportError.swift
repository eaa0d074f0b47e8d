/// No complete response arrived. `description` names the host's failure, never a header or body.
package struct TransportError: Error, CustomStringConvertible, Equatable {
    private enum Code: String, Sendable {
        case connectFailed, timedOut, tlsFailed, responseTooLarge, failed
    }

    private let code: Code
    package let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The connection could not be made (refused, unreachable, DNS).
    package static func connectFailed(_ detail: String) -> Self { Self(.connectFailed, detail) }
    /// The request ran past its timeout.
    package static func timedOut(_ detail: String) -> Self { Self(.timedOut, detail) }
    /// TLS failed: most often a certificate that the CA file does not vouch for.
    package static func tlsFailed(_ detail: String) -> Self { Self(.tlsFailed, detail) }
    /// The response body was larger than the request allowed.
    package static func responseTooLarge(limit: Int) -> Self {
        Self(.responseTooLarge, "response body over the \(limit)-byte limit")
    }
    /// Any other failure on the wire (reset, malformed response).
    package static func failed(_ detail: String) -> Self { Self(.failed, detail) }

    package var isTimeout: Bool { self.code == .timedOut }
    package var isConnectFailure: Bool { self.code == .connectFailed }
    package var isTLSFailure: Bool { self.code == .tlsFailed }
    package var isResponseTooLarge: Bool { self.code == .responseTooLarge }

    package var description: String { "\(self.code.rawValue): \(self.message)" }
}
