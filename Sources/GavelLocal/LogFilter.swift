/// Which function log lines `gavel-local dev` shows (`--log-level`, `--request-id`): eight functions'
/// interleaved lines are the common case, and one invocation's are usually what a developer wants.
///
/// JSON-aware: a Lambda JSON line's `level` and `requestId` fields decide; a text line's level is its third
/// tab-separated field and its request id its second (`LambdaLogHandler`'s text format). A line with no
/// level (a `print`, a crash message) passes the level test, so nothing alarming is hidden by it.
package struct LogFilter: Sendable, Equatable {
    /// Lambda's level names, lowest first.
    package static let levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]

    /// Lines below this level are hidden (nil: every level).
    package var minimumLevel: String?
    /// Only lines of this invocation are shown (nil: every invocation's).
    package var requestId: String?

    /// Every line.
    package static let all = LogFilter(checked: nil, requestId: nil)

    private init(checked minimumLevel: String?, requestId: String?) {
        self.minimumLevel = minimumLevel
        self.requestId = requestId
    }

    /// - Throws: `LocalError` for a level Lambda does not name.
    package init(minimumLevel: String? = nil, requestId: String? = nil) throws {
        if let level = minimumLevel?.uppercased() {
            guard Self.levels.contains(level) else {
                throw LocalError.dev("unknown log level \(level): use one of \(Self.levels.joined(separator: ", "))")
            }
            self.minimumLevel = level
        }
        self.requestId = requestId.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when the filter lets everything through.
    package var isEmpty: Bool { self.minimumLevel == nil && self.requestId == nil }

    /// Whether `line` (one line of a function's output, without the newline) is shown.
    package func accepts(_ line: String) -> Bool {
        let (level, requestId) = Self.fields(of: line)
        if let wanted = self.requestId, requestId != wanted { return false }
        if let minimum = self.minimumLevel, let level, let rank = Self.levels.firstIndex(of: level) {
            return rank >= Self.levels.firstIndex(of: minimum)!
        }
        return true
    }

    /// The level and request id a line names, if any.
    static func fields(of line: String) -> (level: String?, requestId: String?) {
        if line.hasPrefix("{") {
            return (self.jsonString("level", in: line), self.jsonString("requestId", in: line))
        }
        let parts = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return (nil, nil) }
        let level = parts[2].uppercased() == "WARNING" ? "WARN" : parts[2].uppercased()
        return (self.levels.contains(level) ? level : nil, parts[1] == "-" ? nil : String(parts[1]))
    }

    /// The top-level string field `name` of a Lambda JSON log line: the runtime writes these fields first and
    /// without escapes of their own (levels and ids are plain ASCII), so a search for `"name":"` suffices.
    private static func jsonString(_ name: String, in line: String) -> String? {
        guard let start = line.firstRange(of: "\"\(name)\":\"") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
