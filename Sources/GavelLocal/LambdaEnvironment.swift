/// The environment Lambda gives a function process, built for a local run.
package enum LambdaEnvironment {
    /// Variables passed through from the caller's environment: credentials, endpoints, region, retries
    /// and log settings, as a developer would set them for the AWS CLI.
    package static let passedThrough = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "SSL_CERT_FILE",
    ]

    /// The variables for `settings`, with the Runtime API at `runtimeAPI` (`host:port`).
    /// Precedence, lowest first: Lambda's own variables, the template's, the caller's pass-through ones and
    /// `AWS_ENDPOINT_URL*`, then `overrides` (`--env`).
    package static func make(
        settings: FunctionSettings,
        runtimeAPI: String,
        caller: [String: String],
        overrides: [String: String] = [:]
    ) -> [String: String] {
        let region = caller["AWS_REGION"] ?? caller["AWS_DEFAULT_REGION"] ?? "us-east-1"
        var environment: [String: String] = [
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
            "AWS_LAMBDA_FUNCTION_NAME": settings.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(settings.memoryMB),
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(settings.name)",
            "AWS_LAMBDA_LOG_STREAM_NAME":
                "local/[$LATEST]\(RandomIdentifier.hex((0..<16).map { _ in .random(in: 0...255) }))",
            "AWS_LAMBDA_LOG_FORMAT": settings.logFormat.uppercased() == "JSON" ? "JSON" : "Text",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "_HANDLER": settings.handler,
            "LAMBDA_TASK_ROOT": "/var/task",
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        ]
        if settings.maxConcurrency > 1 {
            environment["AWS_LAMBDA_MAX_CONCURRENCY"] = String(settings.maxConcurrency)
            environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "lambda-managed-instances"
        }
        environment.merge(settings.environment) { _, template in template }
        for (key, value) in caller where self.passedThrough.contains(key) || key.hasPrefix("AWS_ENDPOINT_URL") {
            environment[key] = value
        }
        environment.merge(overrides) { _, override in override }
        return environment
    }
}
