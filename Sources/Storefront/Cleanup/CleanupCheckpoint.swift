package import AWS

/// Where each table's Scan segments had got to when a run stopped before its deadline: one row of the Jobs
/// table (`job` = `cleanup`). The next run resumes from it; a run that finishes deletes it.
package struct CleanupCheckpoint: Sendable, Equatable {
    /// One segment's progress.
    package enum Position: Sendable, Equatable {
        case start
        /// Resume after this key (the segment's last `LastEvaluatedKey`).
        case after([String: AttributeValue])
        case done

        var startKey: [String: AttributeValue]? {
            if case .after(let key) = self { return key }
            return nil
        }
    }

    /// The segment count the positions belong to; a run with another count starts afresh.
    package var segments: Int
    /// Table role (`analytics`, `sessions`) → one position per segment.
    package var positions: [String: [Position]]

    package init(segments: Int, positions: [String: [Position]] = [:]) {
        self.segments = segments
        self.positions = positions
    }

    /// The positions of `table`, all `.start` when it has none.
    package func positions(of table: String) -> [Position] {
        self.positions[table] ?? Array(repeating: .start, count: self.segments)
    }

    package var isComplete: Bool { self.positions.values.allSatisfy { $0.allSatisfy { $0 == .done } } }

    static let job = "cleanup"

    var item: [String: AttributeValue] {
        var tables: [String: AttributeValue] = [:]
        for (table, positions) in self.positions {
            tables[table] = .l(
                positions.map {
                    switch $0 {
                    case .start: .s("start")
                    case .done: .s("done")
                    case .after(let key): .m(key)
                    }
                }
            )
        }
        return ["job": .s(Self.job), "segments": .n(String(self.segments)), "positions": .m(tables)]
    }

    /// Reads a saved checkpoint; nil when the row is not one (then the run starts afresh).
    init?(item: [String: AttributeValue]) {
        guard case .n(let count)? = item["segments"], let segments = Int(count),
            case .m(let tables)? = item["positions"]
        else { return nil }
        var positions: [String: [Position]] = [:]
        for (table, value) in tables {
            guard case .l(let list) = value, list.count == segments else { return nil }
            var parsed: [Position] = []
            for entry in list {
                switch entry {
                case .s("start"): parsed.append(.start)
                case .s("done"): parsed.append(.done)
                case .m(let key): parsed.append(.after(key))
                default: return nil
                }
            }
            positions[table] = parsed
        }
        self.init(segments: segments, positions: positions)
    }
}
