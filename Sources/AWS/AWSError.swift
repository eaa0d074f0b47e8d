/// The one error type of the AWS client: what a service answered, or why no answer came.
///
/// `description` is safe to log: service, operation, code, status, request id and AWS's message, which
/// never holds credentials. Response bodies appear only in `debugDescription`.
package struct AWSError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    private enum Kind: String, Sendable {
        case service, transport, credentials, configuration, invalidRequest, invalidResponse, deadline
    }

    /// Where the error happened.
    package struct Context: Sendable, Equatable {
        package var service: String
        package var operation: String
        /// The AWS error code (`ThrottlingException`, `NoSuchKey`), when the service sent one.
        package var code: String?
        package var status: Int?
        package var requestId: String?

        package init(
            service: String,
            operation: String,
            code: String? = nil,
            status: Int? = nil,
            requestId: String? = nil
        ) {
            self.service = service
            self.operation = operation
            self.code = code
            self.status = status
            self.requestId = requestId
        }
    }

    private let kind: Kind
    package let message: String
    package let context: Context
    /// The error underneath (a curl failure, a decoding error); shown only in `debugDescription`.
    package let underlying: (any Error)?
    /// The start of the response body, for `debugDescription` and for services whose errors carry more than
    /// a code (DynamoDB's CancellationReasons); never part of `description`.
    package let body: String?
    /// Per item of a cancelled DynamoDB transaction, why it failed (`ConditionalCheckFailed`) or `None`.
    package private(set) var cancellationReasons: [String] = []

    private init(_ kind: Kind, _ message: String, context: Context, underlying: (any Error)? = nil, body: String? = nil)
    {
        self.kind = kind
        self.message = message
        self.context = context
        self.underlying = underlying
        self.body = body
    }

    /// The service answered with an error status.
    package static func service(_ context: Context, message: String, body: String? = nil) -> Self {
        Self(.service, message, context: context, body: body)
    }

    /// No response: connection refused or reset, TLS failure, timeout on the wire.
    package static func transport(_ context: Context, _ detail: String, underlying: (any Error)? = nil) -> Self {
        Self(.transport, detail, context: context, underlying: underlying)
    }

    /// No credentials could be found or fetched; the message lists where they were looked for.
    package static func credentials(_ context: Context, _ detail: String) -> Self {
        Self(.credentials, detail, context: context)
    }

    /// The client is not configured well enough to make a call (no region, an unreadable setting).
    package static func configuration(_ context: Context, _ detail: String) -> Self {
        Self(.configuration, detail, context: context)
    }

    /// The call was refused before signing: an argument no service would read as meant (an S3 key with a
    /// `..` segment).
    package static func invalidRequest(_ context: Context, _ detail: String) -> Self {
        Self(.invalidRequest, detail, context: context)
    }

    /// A 2xx response whose body could not be read as the operation's output.
    package static func invalidResponse(_ context: Context, _ detail: String, underlying: (any Error)? = nil) -> Self {
        Self(.invalidResponse, detail, context: context, underlying: underlying)
    }

    /// The call was given up because the Lambda deadline would pass before another attempt could finish.
    package static func deadline(_ context: Context, attempts: Int, last: AWSError?) -> Self {
        Self(
            .deadline,
            "gave up after \(attempts) attempt(s): the invocation deadline is too close",
            context: context,
            underlying: last
        )
    }

    /// This error with the reasons a cancelled transaction gave, per item.
    package func withCancellationReasons(_ reasons: [String]) -> Self {
        var copy = self
        copy.cancellationReasons = reasons
        return copy
    }

    /// How the retry policy treats this error, from one table (`RetryClassification`).
    package var retryClass: RetryClassification.Class {
        switch self.kind {
        case .transport: .transient
        case .service: RetryClassification.classify(code: self.context.code, status: self.context.status)
        case .credentials, .configuration, .invalidRequest, .invalidResponse, .deadline: .none
        }
    }

    /// True for the `ConditionalCheckFailedException` a conditional write answers when its condition is false.
    package var isConditionalCheckFailed: Bool {
        self.context.code == "ConditionalCheckFailedException"
    }

    package var description: String {
        var parts = ["\(self.context.service).\(self.context.operation)"]
        if let code = self.context.code { parts.append(code) }
        if let status = self.context.status { parts.append("HTTP \(status)") }
        var text = parts.joined(separator: " ") + ": " + self.message
        if let requestId = self.context.requestId { text += " (request id \(requestId))" }
        return text
    }

    package var debugDescription: String {
        var text = "AWSError.\(self.kind.rawValue): \(self.description)"
        if let body = self.body { text += "\nbody: \(body.prefix(2000))" }
        if let underlying = self.underlying { text += "\nunderlying: \(String(reflecting: underlying))" }
        return text
    }
}
