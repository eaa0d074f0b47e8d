import AWS
package import GavelCore

/// The subject, HTML and text templates of every notification kind, read once at init from
/// `<directory>/<kind>.{subject,html,text}.mustache` (the repo's `Templates/notifications`, shipped in each
/// zip as `templates/notifications`).
package struct NotificationTemplates: Sendable {
    /// One rendered email.
    package struct Rendered: Sendable, Equatable {
        package var subject: String
        package var html: String
        package var text: String
    }

    private let templates:
        [Notification.Kind: (subject: MustacheTemplate, html: MustacheTemplate, text: MustacheTemplate)]

    /// - Throws: `ValidationError` naming the missing or broken file: a function without its templates
    ///   should fail at init, not on the first message.
    package init(directory: String) throws(ValidationError) {
        var templates: [Notification.Kind: (MustacheTemplate, MustacheTemplate, MustacheTemplate)] = [:]
        for kind in Notification.Kind.allCases {
            func load(_ part: String) throws(ValidationError) -> MustacheTemplate {
                let path = "\(directory)/\(kind.rawValue).\(part).mustache"
                guard let data = LocalFile.contents(atPath: path) else {
                    throw ValidationError(field: path, "template is missing")
                }
                do throws(ValidationError) {
                    return try MustacheTemplate(String(decoding: data, as: UTF8.self))
                } catch {
                    throw ValidationError(field: path, error.description)
                }
            }
            templates[kind] = (try load("subject"), try load("html"), try load("text"))
        }
        self.templates = templates
    }

    /// The placeholders of `kind`'s subject, HTML or text that `values` leaves empty (an empty value counts as
    /// absent, as in `render`), sorted.
    package func unfilled(_ kind: Notification.Kind, _ values: [String: String]) -> [String] {
        let templates = self.templates[kind]!  // init loaded every kind
        let values = values.filter { !$0.value.isEmpty }
        let names =
            templates.subject.unfilled(values) + templates.html.unfilled(values) + templates.text.unfilled(values)
        return Set(names).sorted()
    }

    /// The email for `kind` with `values`; the subject is one line, trimmed. An empty value counts as absent,
    /// so `{{#link}}` hides a section whose link a producer sent as "".
    package func render(_ kind: Notification.Kind, _ values: [String: String]) -> Rendered {
        let templates = self.templates[kind]!  // init loaded every kind
        let values = values.filter { !$0.value.isEmpty }
        let subject = templates.subject.render(values).split(whereSeparator: \.isNewline).joined(separator: " ")
        return Rendered(
            subject: subject.trimmingSpaces(),
            html: templates.html.render(values),
            text: templates.text.render(values)
        )
    }
}
