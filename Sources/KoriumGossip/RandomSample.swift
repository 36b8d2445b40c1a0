extension Array {
    /// The first `k` elements of a uniformly random permutation: a random `k`-subset in random
    /// order, by a partial Fisher–Yates shuffle (`k` swaps, not `count`).
    ///
    /// It draws from a concrete generator seeded by the caller (with one draw from the router's
    /// generator): the router is generic over its generator, and a generic generator would
    /// leave this loop (and the standard library's `shuffled(using:)`) unspecialised,
    /// resolving every swap through witness tables.
    func randomSample(_ k: Int, seed: UInt64) -> [Element] {
        var g = SampleGenerator(seed: seed)
        let n = Swift.min(Swift.max(k, 0), count)
        var a = self
        for i in 0..<Swift.max(0, Swift.min(n, count - 1)) {
            let j = i + Int(g.next(upperBound: UInt64(a.count - i)))
            if j != i { a.swapAt(i, j) }
        }
        a.removeLast(a.count - n)
        return a
    }

    /// A uniformly random permutation (Fisher–Yates), for the same reason as `randomSample`.
    func permuted(seed: UInt64) -> [Element] {
        randomSample(count, seed: seed)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small concrete generator for the shuffles above.
struct SampleGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
