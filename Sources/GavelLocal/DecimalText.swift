/// Fixed-point text for durations and sizes (FoundationEssentials has no `String(format:)`).
package enum DecimalText {
    /// `value` rounded to `digits` decimal places: `fixed(1.006, digits: 2)` is `"1.01"`, `fixed(3, digits: 2)` is `"3.00"`.
    package static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fraction = String(scaled % Int(scale))
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}
