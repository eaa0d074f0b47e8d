/// What gavel-local needs to run one function the way Lambda would: from template.yaml, or defaults.
package struct FunctionSettings: Sendable, Equatable {
    /// The function's name in this package (`bid-executor`), which is also its product name.
    package var name: String
    /// Lambda's `Timeout`: SAM's default is 3 seconds.
    package var timeoutSeconds: Double = 3
    /// Lambda's `MemorySize` in MB: SAM's default is 128.
    package var memoryMB: Int = 128
    /// Lambda's `Handler`, passed as `_HANDLER`.
    package var handler: String = "bootstrap"
    /// `Environment.Variables` whose values are plain strings in the template.
    package var environment: [String: String] = [:]
    /// `LoggingConfig.LogFormat`: `Text` or `JSON`.
    package var logFormat: String = "Text"
    /// Invocations one process serves at once, as on Lambda Managed Instances (`AWS_LAMBDA_MAX_CONCURRENCY`);
    /// 1 is the classic one at a time.
    package var maxConcurrency: Int = 1
    /// `Tracing: Active`: every invocation's trace header says `Sampled=1`, so the function sends its calls
    /// to the X-Ray daemon as subsegments.
    package var tracing = false

    package init(name: String) {
        self.name = name
    }

    /// The template's logical id for a function name: `bid-executor` is `BidExecutorFunction`.
    package static func logicalId(for name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Function"
    }

    /// The function name for a logical id, the inverse of `logicalId(for:)`; nil without the `Function` suffix.
    package static func name(forLogicalId logicalId: String) -> String? {
        guard logicalId.hasSuffix("Function"), logicalId.count > "Function".count else { return nil }
        var name = ""
        for character in logicalId.dropLast("Function".count) {
            if character.isUppercase, !name.isEmpty { name.append("-") }
            name.append(Character(character.lowercased()))
        }
        return name
    }
}
