import JSON
package import Logging

/// What a handler knows about the invocation it is serving.
package struct LambdaContext: Sendable {
    package var requestId: String
    /// Milliseconds since the Unix epoch at which Lambda stops the invocation.
    package var deadlineMs: Int64
    package var invokedFunctionArn: String
    package var traceId: String?
    /// The tenant this invocation serves, for a function in tenant isolation mode; in every log line.
    package var tenantId: String?
    /// The caller's client context (mobile SDK invocations), parsed; nil when absent or unreadable.
    package var clientContext: ClientContext?
    /// The caller's Cognito identity, parsed; nil when absent or unreadable.
    package var cognitoIdentity: CognitoIdentity?
    package var function: FunctionEnvironment
    /// A logger whose lines carry this invocation's request id, trace id and tenant id.
    package var logger: Logger

    package init(invocation: Invocation, function: FunctionEnvironment, logger: Logger) {
        self.requestId = invocation.requestId
        self.deadlineMs = invocation.deadlineMs
        self.invokedFunctionArn = invocation.invokedFunctionArn
        self.traceId = invocation.traceId
        self.tenantId = invocation.tenantId
        self.clientContext = invocation.clientContext.flatMap { Self.decode(ClientContext.self, from: $0) }
        self.cognitoIdentity = invocation.cognitoIdentity.flatMap { Self.decode(CognitoIdentity.self, from: $0) }
        self.function = function
        var metadata: Logger.Metadata = [LambdaLogHandler.requestIdKey: .string(invocation.requestId)]
        if let traceId = invocation.traceId { metadata[LambdaLogHandler.traceIdKey] = .string(traceId) }
        if let tenantId = invocation.tenantId { metadata[LambdaLogHandler.tenantIdKey] = .string(tenantId) }
        var logger = logger
        for (key, value) in metadata { logger[metadataKey: key] = value }
        self.logger = logger
        self.logMetadata = metadata
    }

    /// The invocation's ids as log metadata (request id, and trace and tenant ids when set).
    package let logMetadata: Logger.Metadata

    /// Time left before Lambda stops the invocation; negative once the deadline has passed.
    package var remainingTime: Duration {
        .milliseconds(self.deadlineMs - WallClock.nowMs())
    }

    private static func decode<T: Decodable>(_ type: T.Type, from json: String) -> T? {
        try? JSONCoder.decode(type, from: Array(json.utf8))
    }
}

/// The client context a mobile SDK caller attaches (`Lambda-Runtime-Client-Context`).
package struct ClientContext: Codable, Sendable, Equatable {
    /// The calling app, as the AWS Mobile SDK describes it.
    package struct Client: Codable, Sendable, Equatable {
        package var installationId: String?
        package var appTitle: String?
        package var appVersionName: String?
        package var appVersionCode: String?
        package var appPackageName: String?

        enum CodingKeys: String, CodingKey {
            case installationId = "installation_id"
            case appTitle = "app_title"
            case appVersionName = "app_version_name"
            case appVersionCode = "app_version_code"
            case appPackageName = "app_package_name"
        }
    }

    package var client: Client?
    package var custom: [String: String]?
    package var environment: [String: String]?

    enum CodingKeys: String, CodingKey {
        case client, custom
        case environment = "env"
    }
}

/// The Cognito identity of the caller (`Lambda-Runtime-Cognito-Identity`).
package struct CognitoIdentity: Codable, Sendable, Equatable {
    package var identityId: String?
    package var identityPoolId: String?

    enum CodingKeys: String, CodingKey {
        case identityId = "cognitoIdentityId"
        case identityPoolId = "cognitoIdentityPoolId"
    }
}
