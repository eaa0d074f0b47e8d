import Foundation
import GavelTesting
import JSON
import Testing

/// The time and byte forms JSON carries, against Foundation's (the reference; tests may link it).
@Suite struct ISO8601Tests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_700_000_000_123), "2023-11-14T22:13:20.123Z"),
        (Int64(951_782_400_005), "2000-02-29T00:00:00.005Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
    ])
    func formatsWithMilliseconds(ms: Int64, expected: String) {
        #expect(ISO8601.string(ms: ms) == expected)
        #expect(ISO8601.unixMs(expected) == ms)
    }

    @Test func agreesWithFoundationOverGeneratedTimes() throws {
        var random = SplitMix64(seed: 18)
        for _ in 0..<20_000 {
            let ms = Int64.random(in: 0...253_402_300_799_999, using: &random)
            let text = ISO8601.string(ms: ms)
            // Whole seconds against Foundation (its fractions go through a Double, which rounds far from 1970).
            let whole = String(text.prefix(19)) + "Z"
            #expect(whole == Date(timeIntervalSince1970: Double(ms / 1000)).formatted(.iso8601), "\(ms)")
            #expect(text.hasSuffix(".\(String(1000 + ms % 1000).dropFirst())Z"))
            #expect(ISO8601.unixMs(text) == ms)
            #expect(ISO8601.unixMs(whole) == Int64(try Date(whole, strategy: .iso8601).timeIntervalSince1970) * 1000)
        }
    }

    @Test(arguments: [
        "2026-11-21T10:15:30.1Z", "2026-11-21T10:15:30.123456789Z",
    ])
    func readsFractionsToMilliseconds(text: String) {
        #expect(ISO8601.unixMs(text).map { $0 % 1000 } == (text.count == 22 ? 100 : 123))
    }

    @Test(arguments: [
        "", "2026-11-21T10:15:30", "2026-11-21T10:15:30+01:00", "2026-13-01T00:00:00Z", "2026-11-21 10:15:30Z",
        "2026-11-21T24:00:00Z", "2026-11-21T10:15:30.Z", "2026-11-21T10:15:30.1234567890Z", "2026-11-2xT10:15:30Z",
    ])
    func refusesOtherForms(text: String) {
        #expect(ISO8601.unixMs(text) == nil)
    }

    @Test func base64AgreesWithFoundation() {
        var random = SplitMix64(seed: 64)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = Base64.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString())
            #expect(Base64.decode(text) == bytes)
        }
        // Foundation reads `AB=C` as [0, 2] (a pad inside the last group); RFC 4648 does not, nor does this.
        #expect(Base64.decode("AB=C") == nil)
        for leftover in ["QR==", "QUJ="] {  // bits after the last byte: ignored by both
            #expect(Base64.decode(leftover).map { Data($0) } == Data(base64Encoded: leftover))
        }
        for bad in ["A", "AB=", "A===", "AB\u{0}=", "QQ==QQ==", "Zm9v YmFy", "Zm9v\n"] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
            #expect(Data(base64Encoded: bad) == nil, "Foundation takes \(bad)")
        }
    }
}
