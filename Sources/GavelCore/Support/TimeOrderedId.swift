/// Ids that sort by creation time: 12 hex digits of Unix milliseconds, then 16 random hex digits.
/// A DynamoDB sort key made of them reads newest first when queried descending.
package enum TimeOrderedId {
    /// A new id for something created at `nowMs`.
    package static func make(nowMs: Int64) -> String {
        func hex(_ value: UInt64, _ width: Int) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return hex(UInt64(nowMs), 12) + hex(UInt64.random(in: 0...UInt64.max), 16)
    }
}
