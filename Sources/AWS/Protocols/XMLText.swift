import JSON

/// Just enough XML reading for S3's flat answers and errors: the text of named elements. S3's responses to
/// the operations Gavel calls have no attributes or nesting that matter, so no parser is linked.
package enum XMLText {
    /// The text of the first `<name>…</name>` in `xml`, with the five predefined entities decoded.
    package static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.firstRange(ofText: "<\(name)>"),
            let close = xml[open.upperBound...].firstRange(ofText: "</\(name)>")
        else { return nil }
        return self.unescape(xml[open.upperBound..<close.lowerBound])
    }

    private static func unescape(_ text: Substring) -> String {
        text.replacing(text: "&lt;", with: "<").replacing(text: "&gt;", with: ">")
            .replacing(text: "&quot;", with: "\"").replacing(text: "&apos;", with: "'")
            .replacing(text: "&amp;", with: "&")
    }
}
