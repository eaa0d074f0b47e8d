import JSON

/// The two forms of a signing time SigV4 uses: `20150830` (the scope's date) and `20150830T123600Z`.
package struct AmzDate: Sendable, Equatable {
    package let date: String
    package let dateTime: String

    /// - Parameter unixTime: seconds since the Unix epoch; the signer takes time as a parameter, never a clock.
    package init(unixTime: Int64) {
        // ISO8601's civil-date arithmetic rather than gmtime_r: one conversion in the project, no C library.
        let time = ISO8601.fields(unixTime: unixTime)
        // Digits straight into bytes: this runs for every signature.
        var text: [UInt8] = []
        text.reserveCapacity(16)
        ISO8601.appendDigits(time.year, width: 4, to: &text)
        ISO8601.appendDigits(time.month, width: 2, to: &text)
        ISO8601.appendDigits(time.day, width: 2, to: &text)
        self.date = String(decoding: text, as: UTF8.self)
        text.append(UInt8(ascii: "T"))
        ISO8601.appendDigits(time.hour, width: 2, to: &text)
        ISO8601.appendDigits(time.minute, width: 2, to: &text)
        ISO8601.appendDigits(time.second, width: 2, to: &text)
        text.append(UInt8(ascii: "Z"))
        self.dateTime = String(decoding: text, as: UTF8.self)
    }
}
