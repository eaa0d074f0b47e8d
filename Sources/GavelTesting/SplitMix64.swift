/// A small seeded generator (SplitMix64): the same seed gives the same run, so a failure found by generated
/// input (faults, fuzzed JSON) can be repeated.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { self.state = seed }

    package mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1).
    package mutating func unit() -> Double { Double(self.next() >> 11) / Double(1 << 53) }
}
