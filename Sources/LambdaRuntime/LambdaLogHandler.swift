import CCurl
import JSON
package import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes what CloudWatch expects from a Lambda function.
///
/// With `AWS_LAMBDA_LOG_FORMAT=JSON` each line is one object: `timestamp`, `level`, `message`, `requestId`,
/// `traceId`, `tenantId` (in tenant isolation mode), and `metadata` when there is any. Otherwise lines are tab-separated text. Each line goes to
/// standard output in one `write(2)`, so nothing is buffered when the process is stopped.
package struct LambdaLogHandler: LogHandler {
    /// The metadata key under which the loop puts the request id; shown as its own field.
    package static let requestIdKey = "requestId"
    /// The metadata key under which the loop puts the trace id; shown as its own field.
    package static let traceIdKey = "traceId"
    /// The metadata key under which the loop puts the tenant id; its own field in JSON lines.
    package static let tenantIdKey = "tenantId"

    /// How lines are written.
    package enum Format: Sendable {
        case json, text
    }

    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    private let label: String
    private let format: Format

    package init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    /// Installs this handler for every logger, reading `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL`.
    /// Also makes `print` line-buffered, so nothing a function printed is lost when Lambda stops it.
    package static func bootstrap(environment: [String: String]) {
        gavel_line_buffer_stdout()
        // Concurrent invocations interleave their lines: only JSON lines say which invocation each belongs to.
        let concurrent = FunctionEnvironment(environment: environment).maxConcurrency > 1
        let format: Format = concurrent || environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON" ? .json : .text
        let level = self.level(lambdaName: environment["AWS_LAMBDA_LOG_LEVEL"]) ?? .info
        LoggingSystem.bootstrap { label in LambdaLogHandler(label: label, format: format, level: level) }
    }

    /// swift-log's level for one of Lambda's level names (`TRACE` … `FATAL`), or nil for an unknown name.
    package static func level(lambdaName: String?) -> Logger.Level? {
        switch lambdaName?.uppercased() {
        case "TRACE": .trace
        case "DEBUG": .debug
        case "INFO": .info
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        case "FATAL", "CRITICAL": .critical
        default: nil
        }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = InvocationLogMetadata.current ?? [:]
        merged.merge(self.metadata) { _, own in own }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let requestId = merged.removeValue(forKey: Self.requestIdKey)
        let traceId = merged.removeValue(forKey: Self.traceIdKey)
        // Text lines keep the tenant among the metadata (`tenantId=…`); JSON lines give it its own field.
        let tenantId = self.format == .json ? merged.removeValue(forKey: Self.tenantIdKey) : nil
        let line = self.renderBytes(
            event: event,
            requestId: requestId,
            traceId: traceId,
            tenantId: tenantId,
            metadata: merged
        )
        Self.writeLine(bytes: line)
    }

    /// One line, without the newline.
    package func render(
        event: LogEvent,
        requestId: Logger.Metadata.Value?,
        traceId: Logger.Metadata.Value?,
        tenantId: Logger.Metadata.Value? = nil,
        metadata: Logger.Metadata
    ) -> String {
        let line = self.renderBytes(
            event: event,
            requestId: requestId,
            traceId: traceId,
            tenantId: tenantId,
            metadata: metadata
        )
        return String(decoding: line, as: UTF8.self)
    }

    /// `render`'s line as the bytes `log` writes: a JSON line stays the writer's bytes, not a String between.
    private func renderBytes(
        event: LogEvent,
        requestId: Logger.Metadata.Value?,
        traceId: Logger.Metadata.Value?,
        tenantId: Logger.Metadata.Value?,
        metadata: Logger.Metadata
    ) -> [UInt8] {
        let timestamp = ISO8601.string(ms: WallClock.nowMs())
        let level = Self.lambdaName(event.level)
        switch self.format {
        case .text:
            var line = "\(timestamp)\t\(requestId.map { "\($0)" } ?? "-")\t\(level)\t\(event.message)"
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
            return Array(line.utf8)
        case .json:
            var writer = JSONWriter(capacity: 256)
            writer.object { writer in
                writer.member("timestamp", string: timestamp)
                writer.member("level", string: level)
                writer.member("message", string: "\(event.message)")
                writer.member("requestId", string: requestId.map { "\($0)" })
                writer.member("traceId", string: traceId.map { "\($0)" })
                writer.member("tenantId", string: tenantId.map { "\($0)" })
                if !metadata.isEmpty { writer.member("metadata") { Self.appendJSON(metadata, to: &$0) } }
                writer.member("logger", string: self.label)
            }
            return writer.bytes
        }
    }

    /// swift-log metadata as a JSON object, keys sorted so lines are stable.
    private static func appendJSON(_ metadata: Logger.Metadata, to writer: inout JSONWriter) {
        writer.object { writer in
            for key in metadata.keys.sorted() { writer.member(key) { Self.appendJSON(metadata[key]!, to: &$0) } }
        }
    }

    private static func appendJSON(_ value: Logger.Metadata.Value, to writer: inout JSONWriter) {
        switch value {
        case .string(let string): writer.string(string)
        case .stringConvertible(let convertible): writer.string(convertible.description)
        case .dictionary(let dictionary): Self.appendJSON(dictionary, to: &writer)
        case .array(let array):
            writer.array { writer in
                for element in array { writer.element { Self.appendJSON(element, to: &$0) } }
            }
        }
    }

    private static func lambdaName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    /// Writes `line` and a newline to standard output in one `write(2)` (repeated only after EINTR or a short
    /// write), so it never interleaves with another line. Metric lines use it too.
    package static func writeLine(_ line: String) {
        Self.writeLine(bytes: Array(line.utf8))
    }

    private static func writeLine(bytes line: [UInt8]) {
        var bytes = line
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // standard output is gone: nowhere left to report it
                }
                offset += written
            }
        }
    }
}

/// The ids of the invocation the current task serves, which every log line written in it carries, whichever
/// logger writes it: with concurrent invocations a process-wide setting would name the wrong one.
package enum InvocationLogMetadata {
    @TaskLocal package static var current: Logger.Metadata?
}
