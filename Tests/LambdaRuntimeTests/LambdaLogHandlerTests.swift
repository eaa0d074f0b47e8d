import FoundationEssentials
import LambdaRuntime
import Logging
import Testing

@Suite struct LambdaLogHandlerTests {
    private func event(_ message: Logger.Message, level: Logger.Level = .info) -> LogEvent {
        LogEvent(
            level: level,
            message: message,
            metadata: nil,
            source: "test",
            file: #fileID,
            function: #function,
            line: #line
        )
    }

    @Test func jsonLinesCarryTheLambdaFields() throws {
        let handler = LambdaLogHandler(label: "api", format: .json, level: .info)
        let line = handler.render(
            event: self.event("bid \"placed\"\n", level: .warning),
            requestId: "req-1",
            traceId: "Root=1-a",
            tenantId: "tenant-blue",
            metadata: ["bidId": "b-1", "attempt": .stringConvertible(2)]
        )
        let object = try #require(try JSONSerializationLike.object(line))
        #expect(object["level"] as? String == "WARN")
        #expect(object["message"] as? String == "bid \"placed\"\n")
        #expect(object["requestId"] as? String == "req-1")
        #expect(object["traceId"] as? String == "Root=1-a")
        #expect(object["tenantId"] as? String == "tenant-blue")
        #expect((object["metadata"] as? [String: Any])?["bidId"] as? String == "b-1")
        #expect((object["metadata"] as? [String: Any])?["attempt"] as? String == "2")
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))
    }

    /// The X-Ray cause travels in a header: one line of ASCII, whatever the message holds.
    @Test func theXRayCauseIsOneLineOfASCII() throws {
        let report = ErrorReport(errorType: "ProbeFailure", errorMessage: "bad é\n\"quoted\" 🎉")
        let cause = try #require(report.xrayCause(workingDirectory: "/var/task"))
        #expect(cause.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        let object = try #require(try JSONSerializationLike.object(cause))
        #expect(object["working_directory"] as? String == "/var/task")
        let exception = try #require((object["exceptions"] as? [Any])?.first as? [String: Any])
        #expect(exception["type"] as? String == "ProbeFailure")
        #expect(exception["message"] as? String == "bad é\n\"quoted\" 🎉")
        let huge = ErrorReport(errorType: "Big", errorMessage: String(repeating: "x", count: 1 << 20))
        #expect(huge.xrayCause(workingDirectory: "/") == nil, "over 1 MiB: left out")
    }

    @Test func textLinesAreTabSeparated() {
        let handler = LambdaLogHandler(label: "api", format: .text, level: .info)
        let line = handler.render(event: self.event("hello"), requestId: "req-2", traceId: nil, metadata: ["k": "v"])
        let fields = line.split(separator: "\t").map(String.init)
        #expect(fields.count == 4)
        #expect(fields[1] == "req-2")
        #expect(fields[2] == "INFO")
        #expect(fields[3] == "hello k=v")
    }

    @Test(arguments: [
        ("TRACE", Logger.Level.trace), ("DEBUG", .debug), ("INFO", .info), ("WARN", .warning), ("ERROR", .error),
        ("FATAL", .critical), ("warn", .warning),
    ])
    func lambdaLevelNamesMapToSwiftLogLevels(name: String, level: Logger.Level) {
        #expect(LambdaLogHandler.level(lambdaName: name) == level)
    }

    @Test func anUnknownLevelNameIsNil() {
        #expect(LambdaLogHandler.level(lambdaName: "LOUD") == nil)
    }
}

/// Decodes one JSON object into nested dictionaries for assertions (FoundationEssentials has no JSONSerialization).
enum JSONSerializationLike {
    static func object(_ text: String) throws -> [String: Any]? {
        try JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8)).value as? [String: Any]
    }
}

struct AnyJSON: Decodable {
    let value: Any

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self.value = string
        } else if let number = try? container.decode(Double.self) {
            self.value = number
        } else if let bool = try? container.decode(Bool.self) {
            self.value = bool
        } else if let object = try? container.decode([String: AnyJSON].self) {
            self.value = object.mapValues(\.value)
        } else if let array = try? container.decode([AnyJSON].self) {
            self.value = array.map(\.value)
        } else {
            self.value = NSNullLike()
        }
    }
}

struct NSNullLike {}
