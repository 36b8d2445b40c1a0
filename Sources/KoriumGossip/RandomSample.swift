extension Array {
    /// The first `k` elements of a uniformly random permutation: a random `k`-subset in random
    /// order, by a partial Fisher–Yates shuffle (`k` swaps, not `count`). Written out here
    /// because the router is generic over its generator, so the standard library's
    /// `shuffled(using:)` would run unspecialised, through witness tables for every swap.
    func randomSample(_ k: Int, using rng: inout some RandomNumberGenerator) -> [Element] {
        let n = Swift.min(Swift.max(k, 0), count)
        guard n < count else { return permuted(using: &rng) }
        var a = self
        for i in 0..<n {
            let j = i + Int(rng.next(upperBound: UInt64(a.count - i)))
            if j != i { a.swapAt(i, j) }
        }
        a.removeLast(a.count - n)
        return a
    }

    /// A uniformly random permutation (Fisher–Yates), for the same reason as `randomSample`.
    func permuted(using rng: inout some RandomNumberGenerator) -> [Element] {
        var a = self
        var i = a.count
        while i > 1 {
            let j = Int(rng.next(upperBound: UInt64(i)))
            i -= 1
            if j != i { a.swapAt(i, j) }
        }
        return a
    }
}
