import GavelTesting
import JSON
import Testing

/// The byte-wise search against the standard library's (_StringProcessing's; a test may link it).
@Suite struct TextSearchTests {
    @Test func agreesWithTheStandardLibraryOnGeneratedText() {
        var random = SplitMix64(seed: 7)
        let letters: [Character] = ["a", "b", "<", "/", ">", "é", ":"]
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in letters[Int.random(in: 0..<letters.count, using: &random)] })
        }
        for _ in 0..<5_000 {
            let haystack = text(Int.random(in: 0...20, using: &random))
            let needle = text(Int.random(in: 1...3, using: &random))
            #expect(haystack.firstRange(ofText: needle) == haystack.firstRange(of: needle), "\(haystack) \(needle)")
            #expect(haystack.contains(text: needle) == haystack.contains(needle))
            #expect(haystack.replacing(text: needle, with: "[]") == haystack.replacing(needle, with: "[]"))
        }
    }

    @Test func anEmptyNeedleIsNeverFound() {
        #expect("abc".firstRange(ofText: "") == nil)
        #expect("abc".replacing(text: "", with: "x") == "abc")
        #expect(!"".contains(text: "a"))
    }

    @Test func aSubstringIsSearchedWithinItsBounds() {
        let text = "<Code>a</Code><Code>b</Code>"
        let second = text[text.index(text.startIndex, offsetBy: 14)...]
        #expect(
            second.firstRange(ofText: "<Code>").map { text.distance(from: text.startIndex, to: $0.lowerBound) } == 14
        )
    }
}
