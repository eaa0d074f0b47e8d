import GavelCore
import JSON

extension MustacheTemplate {
    /// Reads the template a line at a time, so a line holding only a section, close or comment tag (and
    /// white space) can be dropped whole, as the spec's "standalone" rule says.
    struct Parser {
        private enum Tag {
            case variable(String, escaped: Bool)
            case open(String, inverted: Bool)
            case close(String)
            case comment
        }

        private enum Piece {
            case text(Substring)
            case tag(Tag)
        }

        private var lines: [Substring]
        private var pending: [Piece] = []

        init(lines: [Substring]) {
            self.lines = lines.reversed()
        }

        mutating func parse(closing: String?) throws(ValidationError) -> [Node] {
            var nodes: [Node] = []
            while let piece = try self.nextPiece() {
                switch piece {
                case .text(let text): nodes.append(.text(String(text)))
                case .tag(.variable(let name, let escaped)): nodes.append(.variable(name, escaped: escaped))
                case .tag(.comment): continue
                case .tag(.open(let name, let inverted)):
                    nodes.append(.section(name, inverted: inverted, try self.parse(closing: name)))
                case .tag(.close(let name)):
                    guard name == closing else {
                        throw ValidationError(field: name, "closes a section that is not open")
                    }
                    return nodes
                }
            }
            if let closing { throw ValidationError(field: closing, "section is never closed") }
            return nodes
        }

        private mutating func nextPiece() throws(ValidationError) -> Piece? {
            while self.pending.isEmpty {
                guard let line = self.lines.popLast() else { return nil }
                self.pending = try Self.pieces(of: line).reversed()
            }
            return self.pending.removeLast()
        }

        /// The pieces of one line; a standalone line keeps only its tag.
        private static func pieces(of line: Substring) throws(ValidationError) -> [Piece] {
            var pieces: [Piece] = []
            var rest = line
            while let open = rest.firstRange(ofText: "{{") {
                if open.lowerBound > rest.startIndex { pieces.append(.text(rest[..<open.lowerBound])) }
                let triple = rest[open.upperBound...].hasPrefix("{")
                let closer = triple ? "}}}" : "}}"
                let bodyStart = triple ? rest.index(after: open.upperBound) : open.upperBound
                guard let close = rest[bodyStart...].firstRange(ofText: closer) else {
                    throw ValidationError(field: nil, "a tag opened with {{ is never closed")
                }
                pieces.append(.tag(Self.tag(rest[bodyStart..<close.lowerBound], triple: triple)))
                rest = rest[close.upperBound...]
            }
            if !rest.isEmpty { pieces.append(.text(rest)) }
            let tags = pieces.filter { if case .tag = $0 { return true } else { return false } }
            let blank = pieces.allSatisfy { piece in
                if case .text(let text) = piece { return text.allSatisfy(\.isWhitespace) }
                return true
            }
            if blank, tags.count == 1, case .tag(let tag) = tags[0] {
                switch tag {
                case .open, .close, .comment: return [.tag(tag)]
                case .variable: break
                }
            }
            return pieces
        }

        private static func tag(_ body: Substring, triple: Bool) -> Tag {
            let text = body.trimmingSpaces()
            if triple { return .variable(Self.name(text), escaped: false) }
            switch text.first {
            case "#": return .open(Self.name(String(text.dropFirst())), inverted: false)
            case "^": return .open(Self.name(String(text.dropFirst())), inverted: true)
            case "/": return .close(Self.name(String(text.dropFirst())))
            case "!": return .comment
            case "&": return .variable(Self.name(String(text.dropFirst())), escaped: false)
            default: return .variable(Self.name(text), escaped: true)
            }
        }

        private static func name(_ text: String) -> String {
            String(text.filter { !$0.isWhitespace })
        }
    }
}
