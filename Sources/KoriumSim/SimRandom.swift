/// SplitMix64 (Steele, Lea, Flood 2014; Vigna's `splitmix64.c`): a 64-bit generator used here to
/// expand seeds into independent Xoshiro states. Deterministic on every platform.
@frozen
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator state (advances by the golden-ratio increment on every draw).
    public var state: UInt64

    /// A generator starting from `seed`.
    @inlinable
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman and Vigna, `xoshiro256starstar.c`): the simulator's random stream.
///
/// Every node gets its own stream derived from (run seed, node index, stream id), so a run is
/// reproducible bit for bit on any platform. The engine never uses `SystemRandomNumberGenerator`.
/// The draw helpers below (`nextDouble`, `nextInt(below:)`, …) are defined here rather than taken
/// from the standard library so their results cannot change with a toolchain update.
@frozen
public struct SimRandom: RandomNumberGenerator, Sendable {
    /// The four state words (never all zero).
    public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator with an explicit state; an all-zero state is replaced by SplitMix64(0) output
    /// because it is a fixed point of the algorithm.
    @inlinable
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state.0 | state.1 | state.2 | state.3 == 0 {
            var sm = SplitMix64(seed: 0)
            (s0, s1, s2, s3) = (sm.next(), sm.next(), sm.next(), sm.next())
        } else {
            (s0, s1, s2, s3) = state
        }
    }

    /// The stream for (`seed`, `node`, `stream`): independent streams for every node and purpose.
    /// `stream` distinguishes uses within a node (e.g. 0 = the protocol core, 1 = its links).
    @inlinable
    public init(seed: UInt64, node: UInt64 = 0, stream: UInt64 = 0) {
        var root = SplitMix64(seed: seed)
        let base = root.next()
        var sm = SplitMix64(
            seed: base ^ (node &* 0xD1B5_4A32_D192_ED03) ^ (stream &* 0xAEF1_7502_108E_F2D9) ^ (node &+ 1) >> 1)
        self.init(state: (sm.next(), sm.next(), sm.next(), sm.next()))
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p` (p ≤ 0 never draws: the stream does not advance).
    @inlinable
    public mutating func chance(_ p: Double) -> Bool {
        if p <= 0 { return false }
        return nextDouble() < p
    }

    /// A uniform integer in `0..<bound` (bound > 0), by Lemire's multiply-and-reject method.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// An exponentially distributed sample with the given mean (inverse-CDF method).
    @inlinable
    public mutating func exponential(mean: Double) -> Double {
        // 1 - u is in (0, 1], so the logarithm is finite.
        -mean * log1pNegative(nextDouble())
    }

    /// log(1 - u) for u in [0, 1), via the standard library's `log` on (1 - u) > 0.
    @inlinable
    func log1pNegative(_ u: Double) -> Double { (1.0 - u).naturalLog }

    /// Shuffles `array` in place (Fisher–Yates with this stream).
    @inlinable
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count
        while i > 1 {
            let j = nextInt(below: i)
            i -= 1
            array.swapAt(i, j)
        }
    }
}

extension Double {
    /// The natural logarithm by `SimMath.log` (pure IEEE-754 arithmetic, same bits everywhere).
    @inlinable
    var naturalLog: Double { SimMath.log(self) }
}
