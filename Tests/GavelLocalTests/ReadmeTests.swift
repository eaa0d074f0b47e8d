import FoundationEssentials
import GavelTesting
import Testing

/// The README's code is code that runs today.
@Suite struct ReadmeTests {
    @Test func theFunctionExampleIsARealMainSwift() throws {
        let readme = try String(contentsOfFile: TestPaths.root + "/README.md", encoding: .utf8)
        let opening = try #require(readme.firstRange(of: "```swift\n"), "the README has a Swift example")
        let closing = try #require(readme[opening.upperBound...].firstRange(of: "\n```"))
        let example = String(readme[opening.upperBound..<closing.lowerBound])
        let file = try String(
            contentsOfFile: TestPaths.root + "/Sources/Functions/bid-persistence/main.swift",
            encoding: .utf8
        )
        #expect(example + "\n" == file)
    }

    @Test func everyLinkedDocumentExists() throws {
        let readme = try String(contentsOfFile: TestPaths.root + "/README.md", encoding: .utf8)
        let links = readme.matches(of: #/\]\((docs/[^)#]+)/#).map { String($0.output.1) }
        #expect(!links.isEmpty)
        for link in Set(links) {
            #expect(FileManager.default.fileExists(atPath: TestPaths.root + "/" + link), "\(link)")
        }
    }
}
