import FoundationEssentials
import GavelCore
import GavelTesting
import Mustache
import Notifications
import Testing

/// Our renderer against hummingbird-project/swift-mustache, on every template in the repo and on the spec
/// cases the templates rely on.
@Suite struct MustacheTemplateTests {
    static let directory = TestPaths.root + "/Templates/notifications"
    static let valueSets: [[String: String]] = [
        [:],
        [
            "name": "Ada", "itemTitle": "Leica M6 <black> & \"chrome\" 'TTL'", "maxBid": "£1,250.00",
            "currentPrice": "£1,100.00", "finalPrice": "£1,180.00", "auctionEnd": "21 Nov 2026 22:00 UTC",
            "leadSeconds": "5", "reason": "the item has ended", "orderId": "o-42", "total": "€99.00",
            "auctionTitle": "Vintage watches", "newAmount": "$300.00", "link": "https://gavel.example/bids/b-1?x=1&y=2",
        ],
    ]

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Self.directory)) ?? []).filter {
            $0.hasSuffix(".mustache")
        }.sorted()
    }

    @Test func everyKindHasItsThreeTemplates() throws {
        #expect(Self.files.count == Notification.Kind.allCases.count * 3)
        _ = try NotificationTemplates(directory: Self.directory)
    }

    @Test func unfilledNamesThePlaceholdersAnEmailWouldShowEmpty() throws {
        let templates = try NotificationTemplates(directory: Self.directory)
        let placed = ["itemTitle": "Leica M6", "maxBid": "75.00 USD", "currentPrice": ""]
        // An empty value counts as absent; `name` and `link` only show inside their own sections.
        #expect(templates.unfilled(.bidPlaced, placed) == ["currentPrice"])
        #expect(templates.unfilled(.bidPlaced, placed.merging(["currentPrice": "20.00 USD"]) { $1 }).isEmpty)
        #expect(templates.unfilled(.auctionWon, ["itemTitle": "Leica M6"]) == ["finalPrice"])
        let template = try MustacheTemplate("{{#a}}{{b}}{{/a}}{{^a}}{{c}}{{/a}}")
        #expect(template.unfilled([:]) == ["c"] && template.unfilled(["a": "1"]) == ["b"])
    }

    @Test(arguments: Self.files)
    func rendersExactlyAsSwiftMustacheDoes(file: String) throws {
        let source = try String(contentsOfFile: Self.directory + "/" + file, encoding: .utf8)
        let ours = try MustacheTemplate(source)
        let reference = try Mustache.MustacheTemplate(string: source)
        for values in Self.valueSets {
            #expect(ours.render(values) == reference.render(values), "\(file) with \(values.count) values")
        }
    }

    @Test(arguments: [
        ("{{a}}|{{{a}}}|{{& a}}", ["a": "<&>\"'"]),
        ("x\n  {{#a}}\n  in\n  {{/a}}\ny\n", ["a": "1"]),
        ("x\n{{^a}}\nnone\n{{/a}}\n{{! note }}\ny", [:]),
        ("{{#a}}A{{/a}}{{^a}}not A{{/a}} {{ missing }}.", ["a": ""]),
        ("  {{a}}  \n", ["a": "kept"]),
    ])
    func specCasesMatch(source: String, values: [String: String]) throws {
        #expect(try MustacheTemplate(source).render(values) == Mustache.MustacheTemplate(string: source).render(values))
    }

    @Test func brokenTemplatesAreRefused() {
        #expect(throws: ValidationError.self) { try MustacheTemplate("{{#a}}open") }
        #expect(throws: ValidationError.self) { try MustacheTemplate("{{/a}}") }
        #expect(throws: ValidationError.self) { try MustacheTemplate("{{a") }
    }
}
