import JSON
import Synchronization

/// The two forms of a signing time SigV4 uses: `20150830` (the scope's date) and `20150830T123600Z`.
package struct AmzDate: Sendable, Equatable {
    package let date: String
    package let dateTime: String

    /// The last time formatted: every request of the same second signs with the same date, and formatting
    /// it (two strings, one on the heap) was a tenth of a signature.
    private static let last = Mutex<(unixTime: Int64, date: AmzDate)?>(nil)

    /// - Parameter unixTime: seconds since the Unix epoch; the signer takes time as a parameter, never a clock.
    package init(unixTime: Int64) {
        if let last = Self.last.withLock({ $0 }), last.unixTime == unixTime {
            self = last.date
            return
        }
        self.init(formatting: unixTime)
        Self.last.withLock { $0 = (unixTime, self) }
    }

    private init(formatting unixTime: Int64) {
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
