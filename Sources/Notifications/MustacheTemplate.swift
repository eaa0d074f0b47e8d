package import GavelCore

/// The part of Mustache the notification templates use: `{{name}}` (HTML-escaped), `{{{name}}}` and
/// `{{& name}}` (as is), sections `{{#name}}…{{/name}}` shown when the value is present (even empty, as
/// swift-mustache does; `NotificationTemplates` drops empty values first),
/// inverted sections `{{^name}}…{{/name}}`, comments `{{! … }}`, and standalone tag lines removed as the
/// spec says. Values are flat strings.
///
/// Why not hummingbird-project/swift-mustache, which the issue names: it imports full Foundation, which a
/// static bootstrap then carries (a hello-world with `import Foundation` is 58.7 MB stripped against our
/// 19 MB; DESIGN 4). swift-mustache stays the reference: a test renders every template with both and
/// requires identical output.
package struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String, escaped: Bool)
        case section(String, inverted: Bool, [Node])
    }

    let nodes: [Node]

    /// - Throws: `ValidationError` for an unclosed tag or section, or a mismatched close.
    package init(_ source: String) throws(ValidationError) {
        var parser = Parser(lines: Self.lines(source))
        self.nodes = try parser.parse(closing: nil)
    }

    /// The template with `values` filled in.
    package func render(_ values: [String: String]) -> String {
        var output = ""
        Self.render(self.nodes, values, into: &output)
        return output
    }

    /// The variables a render with `values` would leave empty: placeholders in the parts that show, whose
    /// value is missing ("The current price is ." is the bug this catches).
    package func unfilled(_ values: [String: String]) -> [String] {
        var names: [String] = []
        Self.unfilled(self.nodes, values, into: &names)
        return names
    }

    private static func unfilled(_ nodes: [Node], _ values: [String: String], into names: inout [String]) {
        for node in nodes {
            switch node {
            case .text: continue
            case .variable(let name, _): if values[name] == nil, !names.contains(name) { names.append(name) }
            case .section(let name, let inverted, let children):
                if (values[name] != nil) != inverted { Self.unfilled(children, values, into: &names) }
            }
        }
    }

    private static func render(_ nodes: [Node], _ values: [String: String], into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text): output += text
            case .variable(let name, let escaped):
                let value = values[name] ?? ""
                output += escaped ? Self.escape(value) : value
            case .section(let name, let inverted, let children):
                let shown = values[name] != nil
                if shown != inverted { Self.render(children, values, into: &output) }
            }
        }
    }

    /// Mustache's HTML escaping (the same five characters swift-mustache escapes).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The source split after each newline, keeping it.
    private static func lines(_ source: String) -> [Substring] {
        var lines: [Substring] = []
        var start = source.startIndex
        var index = source.startIndex
        while index < source.endIndex {
            let next = source.index(after: index)
            if source[index] == "\n" {
                lines.append(source[start..<next])
                start = next
            }
            index = next
        }
        if start < source.endIndex { lines.append(source[start...]) }
        return lines
    }
}
