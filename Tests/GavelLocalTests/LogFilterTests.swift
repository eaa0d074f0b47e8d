import GavelLocal
import Testing

@Suite struct LogFilterTests {
    static let json =
        #"{"timestamp":"2026-12-02T10:00:00.000Z","level":"WARN","message":"a \"requestId\":\"x\" quote","requestId":"req-1","logger":"api"}"#
    static let debug =
        #"{"timestamp":"2026-12-02T10:00:00.000Z","level":"DEBUG","message":"retrying","requestId":"req-2"}"#
    static let text = "2026-12-02T10:00:00.000Z\treq-2\tERROR\tfailed k=v"
    static let printed = "something a function printed"

    @Test func aLevelHidesLowerLinesOnlyAndKeepsLinesWithoutALevel() throws {
        let filter = try LogFilter(minimumLevel: "warn")
        #expect(filter.accepts(Self.json) && filter.accepts(Self.text) && filter.accepts(Self.printed))
        #expect(!filter.accepts(Self.debug))
    }

    @Test func aRequestIdShowsThatInvocationsLinesOnly() throws {
        let filter = try LogFilter(requestId: "req-2")
        #expect(filter.accepts(Self.debug) && filter.accepts(Self.text))
        #expect(!filter.accepts(Self.json), "the message's escaped quote is not the field")
        #expect(!filter.accepts(Self.printed))
    }

    @Test func anUnknownLevelIsAClearError() {
        #expect(throws: LocalError.self) { try LogFilter(minimumLevel: "LOUD") }
        #expect(LogFilter.all.isEmpty && LogFilter.all.accepts(Self.printed))
    }
}
