import LambdaRuntime
import Testing

@Suite struct WallClockTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_700_000_000_123), "2023-11-14T22:13:20.123Z"),
        (Int64(951_782_400_005), "2000-02-29T00:00:00.005Z"),
    ])
    func formatsISO8601WithMilliseconds(ms: Int64, expected: String) {
        #expect(WallClock.iso8601(ms: ms) == expected)
    }
}
