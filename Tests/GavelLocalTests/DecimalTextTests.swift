import GavelLocal
import Testing

@Suite struct DecimalTextTests {
    @Test(arguments: [
        (1.006, 2, "1.01"), (3, 2, "3.00"), (0.5, 0, "1"), (12.345, 1, "12.3"), (-2.5, 1, "-2.5"), (.nan, 2, "n/a"),
    ])
    func roundsToFixedDigits(value: Double, digits: Int, expected: String) {
        #expect(DecimalText.fixed(value, digits: digits) == expected)
    }
}
