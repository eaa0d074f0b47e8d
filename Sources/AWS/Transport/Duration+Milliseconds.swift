extension Duration {
    /// Whole milliseconds, for APIs and clocks that count in them (curl timeouts, Unix-millisecond deadlines).
    package var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
