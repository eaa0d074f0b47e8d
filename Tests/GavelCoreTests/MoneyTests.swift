import GavelCore
import Testing

/// eBay's decimal prices into minor units: exact, and refused rather than wrapped at the edge of Int64.
@Suite struct MoneyTests {
    @Test func decimalsBecomeMinorUnitsAndAnAmountPastInt64IsRefusedNotACrash() {
        #expect(Money(decimal: "125.50", currency: "USD")?.amount == 125_50)
        #expect(Money(decimal: "7", currency: "JPY")?.amount == 7)
        #expect(Money(decimal: "92233720368547758.07", currency: "USD")?.amount == Int64.max)
        #expect(Money(decimal: "92233720368547758.08", currency: "USD") == nil, "one cent past Int64.max")
        #expect(Money(decimal: "92233720368547759", currency: "USD") == nil)
        #expect(Money(decimal: "1.234", currency: "USD") == nil)
    }
}
