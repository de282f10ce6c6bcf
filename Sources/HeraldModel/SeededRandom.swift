import Foundation

/// A deterministic random source (SplitMix64, Steele, Lea & Flood 2014), so plans and the results' bootstrap intervals are
/// reproducible from a seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable pseudo-random number for a key, independent of call order.
    public static func value(seed: UInt64, _ key: String) -> UInt64 { value(seed: seed, hash: StableHash.value(key)) }

    /// `value(seed:_:)` for a key whose `StableHash` is already known.
    public static func value(seed: UInt64, hash: UInt64) -> UInt64 {
        var r = SeededRandom(seed: seed ^ hash)
        return r.next()
    }
}
