/// An amount of money: an integer count of the currency's minor units (pence, cents) and an ISO 4217 code.
/// Never a floating-point number, so no amount is ever off by a rounding error.
package struct Money: Codable, Sendable, Hashable {
    package var amount: Int64
    package var currency: String

    package init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Currencies with no minor unit (eBay's markets among them); every other currency eBay uses has two.
    private static let wholeUnitCurrencies: Set<String> = ["JPY", "KRW", "HUF", "TWD", "CLP", "ISK", "VND"]

    private var decimals: Int { Self.wholeUnitCurrencies.contains(self.currency) ? 0 : 2 }

    /// eBay's decimal string: 125000 GBP → "1250.00".
    package var decimalString: String {
        guard self.decimals > 0 else { return String(self.amount) }
        let sign = self.amount < 0 ? "-" : ""
        let units = self.amount.magnitude / 100
        let cents = self.amount.magnitude % 100
        return "\(sign)\(units).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// For emails: "1250.00 GBP".
    package var display: String { "\(self.decimalString) \(self.currency)" }

    /// Reads eBay's `{"value": "1250.00", "currency": "GBP"}`; nil when the value has more decimals than the
    /// currency allows or is not a number.
    package init?(decimal value: String, currency: String) {
        self.currency = currency
        let decimals = Self.wholeUnitCurrencies.contains(currency) ? 0 : 2
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= decimals, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else {
            return nil
        }
        fraction += String(repeating: "0", count: decimals - fraction.count)
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (amount, sumOverflow) = scaled.addingReportingOverflow(Int64(fraction) ?? 0)
        guard !overflow, !sumOverflow else { return nil }
        self.amount = amount
    }
}
