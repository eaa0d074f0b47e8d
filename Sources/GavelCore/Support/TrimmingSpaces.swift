extension StringProtocol {
    /// The text without leading and trailing spaces (spaces only: tabs and newlines stay).
    package func trimmingSpaces() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
