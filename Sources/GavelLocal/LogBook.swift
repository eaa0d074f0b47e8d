import Synchronization

/// The last lines of each function's output, numbered, so `gavel-local logs FUNCTION` can show one
/// function's lines (and follow them) while `gavel-local dev` interleaves eight on its terminal.
package final class LogBook: Sendable {
    /// One line and its number (increasing across the book, so a follower asks for what came after).
    package struct Line: Codable, Sendable, Equatable {
        package var number: Int
        package var text: String
    }

    /// Lines kept per function; older ones are dropped.
    package static let keptLines = 2_000

    private let state = Mutex<(next: Int, lines: [String: [Line]])>((1, [:]))

    package init() {}

    package func append(_ text: String, of function: String) {
        self.state.withLock { state in
            state.lines[function, default: []].append(Line(number: state.next, text: text))
            state.next += 1
            // Trimmed a quarter at a time, not one line per append (which moved every kept line each time);
            // `lines` shows only the newest `keptLines`.
            if state.lines[function]!.count >= Self.keptLines + Self.keptLines / 4 {
                state.lines[function]!.removeFirst(Self.keptLines / 4)
            }
        }
    }

    /// `function`'s kept lines numbered above `after`, oldest first.
    package func lines(of function: String, after: Int = 0) -> [Line] {
        self.state.withLock { state in
            (state.lines[function] ?? []).suffix(Self.keptLines).filter { $0.number > after }
        }
    }
}
