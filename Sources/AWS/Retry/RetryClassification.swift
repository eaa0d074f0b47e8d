/// The one table that says which AWS errors are worth another attempt (the SDKs' standard retry mode).
package enum RetryClassification {
    /// How an error is retried.
    package enum Class: Sendable, Equatable {
        /// The service asked us to slow down: retry with backoff.
        case throttling
        /// A fault on the way or on the server: retry with backoff.
        case transient
        /// The request itself is wrong, or the condition is real: never retried.
        case none
    }

    /// Codes the SDKs treat as throttling.
    package static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Codes the SDKs treat as transient.
    package static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable",
    ]

    /// HTTP statuses the SDKs treat as transient whatever the code.
    package static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    /// The class of a service error. `TransactionConflictException` is deliberately absent: the SDKs do not
    /// retry it, and the caller decides (its transaction lost a race).
    package static func classify(code: String?, status: Int?) -> Class {
        if let code, self.throttlingCodes.contains(code) { return .throttling }
        if status == 429 { return .throttling }
        if let code, self.transientCodes.contains(code) { return .transient }
        if let status, self.transientStatuses.contains(status) { return .transient }
        return .none
    }
}
