/// Reading the runtime probe's JSON log lines.
package enum ProbeLog {
    /// The most `sleep` invocations that were sleeping at one moment, from the order of their `sleeping` and
    /// `slept` lines (each line is one write, so the file's order is the order they happened in).
    ///
    /// Concurrency shown this way does not depend on how fast a loaded machine runs: a wall-clock bound
    /// (eight sleeps in about two) fails whenever the machine stalls, an overlap count only if it stalls for
    /// longer than a sleep.
    package static func mostSleepingAtOnce(_ lines: some Sequence<some StringProtocol>) -> Int {
        var sleeping = 0
        var most = 0
        for line in lines {
            if line.contains(#""message":"sleeping""#) {
                sleeping += 1
                most = max(most, sleeping)
            } else if line.contains(#""message":"slept""#) {
                sleeping -= 1
            }
        }
        return most
    }
}
