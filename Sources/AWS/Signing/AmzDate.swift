#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The two forms of a signing time SigV4 uses: `20150830` (the scope's date) and `20150830T123600Z`.
package struct AmzDate: Sendable, Equatable {
    package let date: String
    package let dateTime: String

    /// - Parameter unixTime: seconds since the Unix epoch; the signer takes time as a parameter, never a clock.
    package init(unixTime: Int64) {
        var seconds = time_t(unixTime)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits straight into bytes: this runs for every signature.
        var text: [UInt8] = []
        text.reserveCapacity(16)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        digits(parts.tm_mon + 1, 2)
        digits(parts.tm_mday, 2)
        self.date = String(decoding: text, as: UTF8.self)
        text.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        digits(parts.tm_min, 2)
        digits(parts.tm_sec, 2)
        text.append(UInt8(ascii: "Z"))
        self.dateTime = String(decoding: text, as: UTF8.self)
    }
}
