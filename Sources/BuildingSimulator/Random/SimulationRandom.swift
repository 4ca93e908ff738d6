import Foundation

/// A seeded pseudo-random generator: xoshiro256** with its state filled by SplitMix64.
///
/// Deterministic on every platform and toolchain: the simulator draws its uniform, integer
/// and normal numbers with the methods below (not the standard library's `random(in:using:)`,
/// whose algorithm may change between Swift versions), so the same seed gives the same bytes.
///
/// Each part of the simulation (the weather, each zone's occupancy, the sensor noise) takes
/// its own stream, derived from the run's seed and a stable name, so that changing one part
/// (an override, a skipped message) leaves the other parts' random numbers unchanged.
public struct SimulationRandom: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose 256-bit state is four successive SplitMix64 outputs of `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix64(&mixer)
        s1 = Self.splitMix64(&mixer)
        s2 = Self.splitMix64(&mixer)
        s3 = Self.splitMix64(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// An independent stream named `stream` (`"weather"`, `"occupancy/kitchen"`) of the run `seed`.
    ///
    /// The name is hashed with FNV-1a (stable across processes, unlike `Hasher`).
    public init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stream.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var mixer = seed ^ hash
        self.init(seed: Self.splitMix64(&mixer))
    }

    /// SplitMix64 (Steele, Lea and Flood 2014): one output, advancing `state`.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**, Blackman and Vigna 2018).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform number in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// A uniform integer in `range` (multiply-shift; the bias is below 2⁻³² for small ranges).
    public mutating func integer(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        let high = next().multipliedFullWidth(by: width).high
        return range.lowerBound + Int(high)
    }

    /// True with probability `probability` (clamped to [0, 1]).
    public mutating func chance(_ probability: Double) -> Bool {
        uniform() < probability
    }

    /// A standard normal number (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()  // in (0, 1]: the logarithm stays finite
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A normal number with the given mean and standard deviation.
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }
}
