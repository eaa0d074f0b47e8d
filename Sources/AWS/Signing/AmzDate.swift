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
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        self.date = pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
        self.dateTime = self.date + "T" + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }
}
