import LambdaRuntime

/// CloudWatch metrics through the Embedded Metric Format: one JSON line on standard output per call, which
/// Lambda's log pipeline turns into metrics without an API call (no latency, no PutMetricData cost).
package struct Metrics: Sendable {
    package let namespace: String
    package let function: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where lines go; standard output unless a test collects them.
    package init(namespace: String = "Gavel", function: String, write: (@Sendable (String) -> Void)? = nil) {
        self.namespace = namespace
        self.function = function
        // The log handler's writer: one write(2) per line, so a metric line never interleaves with a log line.
        self.write = write ?? { LambdaLogHandler.writeLine($0) }
    }

    /// Emits the non-zero `counts` (metric name → count) with the `Function` dimension.
    package func count(_ counts: [String: Int]) {
        let nonZero = counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        guard !nonZero.isEmpty else { return }
        let definitions = nonZero.map { #"{"Name":"\#($0.key)","Unit":"Count"}"# }.joined(separator: ",")
        let values = nonZero.map { #""\#($0.key)":\#($0.value)"# }.joined(separator: ",")
        let now = WallClock.nowMs()
        self.write(
            #"{"_aws":{"Timestamp":\#(now),"CloudWatchMetrics":[{"Namespace":"\#(self.namespace)","Dimensions":[["Function"]],"Metrics":[\#(definitions)]}]},"Function":"\#(self.function)",\#(values)}"#
        )
    }
}
