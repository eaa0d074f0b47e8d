package import GavelCore
import Synchronization

/// Collects the metric lines a handler emits, instead of printing them.
package final class MetricLines: Sendable {
    private let lines = Mutex<[String]>([])

    package init() {}

    /// A `Metrics` writing here.
    package func metrics(function: String) -> Metrics {
        Metrics(function: function) { line in self.lines.withLock { $0.append(line) } }
    }

    /// Every line so far.
    package var all: [String] { self.lines.withLock { $0 } }
}
