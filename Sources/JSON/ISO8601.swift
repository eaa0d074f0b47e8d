/// ISO 8601 UTC timestamps, the form JSON carries times in (`2026-11-21T10:15:30.123Z`), to and from Unix
/// milliseconds. Civil-date arithmetic in proleptic Gregorian days, so no C library and no time zone database.
package enum ISO8601 {
    /// `2026-11-21T10:15:30.123Z` for a Unix time in milliseconds.
    package static func string(ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let time = Self.fields(unixTime: seconds)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func field(_ value: Int64, _ width: Int, then separator: Unicode.Scalar) {
            Self.appendDigits(value, width: width, to: &text)
            text.append(UInt8(ascii: separator))
        }
        field(time.year, 4, then: "-")
        field(time.month, 2, then: "-")
        field(time.day, 2, then: "T")
        field(time.hour, 2, then: ":")
        field(time.minute, 2, then: ":")
        field(time.second, 2, then: ".")
        field(ms - seconds * 1000, 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// The UTC calendar fields of a Unix time in seconds.
    package static func fields(
        unixTime: Int64
    ) -> (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        let days = unixTime >= 0 ? unixTime / 86_400 : (unixTime - 86_399) / 86_400
        let secondOfDay = unixTime - days * 86_400
        let (year, month, day) = Self.civil(days: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// `value` as `width` zero-padded decimal digits (the low `width` digits of a larger value).
    package static func appendDigits(_ value: Int64, width: Int, to bytes: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }

    /// The Unix time in milliseconds of a UTC timestamp (`2026-11-21T10:15:30Z`, with or without fractional
    /// seconds, as eBay and the container credentials endpoint write them); nil for any other form, offsets
    /// included.
    package static func unixMs(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Unicode.Scalar)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ bytes[$0.0] == UInt8(ascii: $0.1) }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds: Int64 = 0
        if bytes.count > 20 {
            // `.f` to `.fffffffff`: the first three digits are milliseconds.
            let digits = bytes.count - 21
            guard bytes[19] == UInt8(ascii: "."), digits >= 1, digits <= 9, var scaled = number(20..<(bytes.count - 1))
            else { return nil }
            if digits < 3 { for _ in digits..<3 { scaled *= 10 } } else { for _ in 3..<digits { scaled /= 10 } }
            milliseconds = scaled
        } else if bytes[19] != UInt8(ascii: "Z") {
            return nil
        }
        let days = Self.days(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milliseconds
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`; eras of 400 years).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day since 1970-01-01 (`civil_from_days`, the inverse of `days`).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
