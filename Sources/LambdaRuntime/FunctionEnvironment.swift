#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What Lambda tells a function about itself through the environment, read once at start.
///
/// Variables (all strings as Lambda sets them; defaults apply when a variable is absent):
/// - `AWS_LAMBDA_RUNTIME_API`: `host:port` of the Runtime API. Required to run the loop.
/// - `AWS_LAMBDA_FUNCTION_NAME`: function name; default `""`.
/// - `AWS_LAMBDA_FUNCTION_VERSION`: version; default `$LATEST`.
/// - `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`: memory in MB (integer); default 128.
/// - `AWS_LAMBDA_LOG_GROUP_NAME`, `AWS_LAMBDA_LOG_STREAM_NAME`: CloudWatch names; default `""`.
/// - `AWS_LAMBDA_LOG_FORMAT`: `JSON` for structured logs, anything else for text; default text.
/// - `AWS_LAMBDA_LOG_LEVEL`: `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR` or `FATAL`; default `INFO`.
/// - `AWS_REGION`: region; default `""`.
/// - `AWS_LAMBDA_MAX_CONCURRENCY`: on Lambda Managed Instances, how many invocations one process serves at
///   once; default 1 (also for anything but a whole number from 1 to 1,024).
package struct FunctionEnvironment: Sendable {
    package var runtimeAPI: String?
    package var functionName: String
    package var functionVersion: String
    package var memoryLimitMB: Int
    package var logGroupName: String
    package var logStreamName: String
    package var region: String
    package var maxConcurrency: Int

    /// The process's environment, read from libc's `environ` (Foundation's `ProcessInfo` is not linked into
    /// a bootstrap). A variable set twice keeps its first value, as `getenv` reads it.
    package static var process: [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return variables
    }

    /// Reads only the dictionary it is given, so tests pass a literal.
    package init(environment: [String: String]) {
        self.runtimeAPI = environment["AWS_LAMBDA_RUNTIME_API"]
        self.functionName = environment["AWS_LAMBDA_FUNCTION_NAME"] ?? ""
        self.functionVersion = environment["AWS_LAMBDA_FUNCTION_VERSION"] ?? "$LATEST"
        self.memoryLimitMB = environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"].flatMap { Int($0) } ?? 128
        self.logGroupName = environment["AWS_LAMBDA_LOG_GROUP_NAME"] ?? ""
        self.logStreamName = environment["AWS_LAMBDA_LOG_STREAM_NAME"] ?? ""
        self.region = environment["AWS_REGION"] ?? ""
        self.maxConcurrency =
            environment["AWS_LAMBDA_MAX_CONCURRENCY"].flatMap { Int($0) }.flatMap {
                (1...1024).contains($0) ? $0 : nil
            } ?? 1
    }
}
