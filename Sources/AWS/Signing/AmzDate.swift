import JSON

/// The two forms of a signing time SigV4 uses: `20150830` (the scope's date) and `20150830T123600Z`.
package struct AmzDate: Sendable, Equatable {
    package let date: String
    package let dateTime: String

    /// - Parameter unixTime: seconds since the Unix epoch; the signer takes time as a parameter, never a clock.
    package init(unixTime: Int64) {
        // The project's one civil-date conversion, not gmtime_r (glibc takes its time-zone lock for it).
        let days = unixTime >= 0 ? unixTime / 86_400 : (unixTime - 86_399) / 86_400
        let secondOfDay = unixTime - days * 86_400
        let (year, month, day) = ISO8601.civil(days: days)
        // Digits straight into bytes: this runs for every signature.
        var text: [UInt8] = []
        text.reserveCapacity(16)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        digits(month, 2)
        digits(day, 2)
        self.date = String(decoding: text, as: UTF8.self)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        digits(secondOfDay / 60 % 60, 2)
        digits(secondOfDay % 60, 2)
        text.append(UInt8(ascii: "Z"))
        self.dateTime = String(decoding: text, as: UTF8.self)
    }
}
