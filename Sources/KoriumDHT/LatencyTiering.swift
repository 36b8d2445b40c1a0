/// Coral-style latency tiering: RTT samples per address prefix (/16 IPv4, /32 IPv6) in an
/// LRU-capped table, clustered by one-dimensional k-means into 1–7 tiers (tier 0 fastest).
/// Lookups use `tier(of:)` to prefer faster contacts among equally useful ones.
public struct LatencyTiering: Sendable {
    /// What a prefix's samples come to. Tiers are clustered on the smoothed RTT alone, so the
    /// last `MAX_RTT_SAMPLES_PER_PREFIX` samples are summarised by their EMA and how many of
    /// them there are (saturating at the cap) instead of being kept: 16 bytes inline per
    /// prefix, where a 32-sample ring was a 160-byte heap buffer that nothing read.
    struct PrefixStats: Sendable {
        var smoothed: Double = 0 // EMA of the samples, µs
        var sampleCount: UInt8 = 0 // ≤ MAX_RTT_SAMPLES_PER_PREFIX
        var tier: UInt8 = 0
    }

    private var prefixes = LRUMap<UInt64, PrefixStats>(capacity: DHTLimits.maxTieringTrackedPrefixes)
    /// Tier centroids in microseconds, fastest first.
    public private(set) var centroids: [Double] = []
    /// When the tiers were last recomputed.
    public private(set) var lastRecompute: DHTInstant?

    /// An empty table.
    public init() {}

    /// The number of tracked prefixes.
    public var trackedPrefixes: Int { prefixes.count }

    /// RTT samples summarised for `address`'s prefix (≤ `MAX_RTT_SAMPLES_PER_PREFIX`).
    public func sampleCount(of address: DHTAddress) -> Int {
        Int(prefixes.peek(address.tieringPrefix)?.sampleCount ?? 0)
    }

    /// Heap bytes of the prefix table and centroids, approximately.
    var heapBytes: Int { prefixes.heapBytes + HeapSize.array(centroids) }

    /// The number of tiers (0 until the first recompute with samples).
    public var tierCount: Int { centroids.count }

    /// Records a round-trip time to a peer at `address`.
    public mutating func recordRTT(_ rtt: DHTDuration, to address: DHTAddress) {
        let us = UInt32(clamping: max(0, rtt.nanoseconds / 1_000))
        let key = address.tieringPrefix
        var stats = prefixes.get(key) ?? PrefixStats()
        stats.smoothed = stats.sampleCount == 0 ? Double(us)
            : DHTLimits.rttSmoothing * Double(us) + (1 - DHTLimits.rttSmoothing) * stats.smoothed
        if Int(stats.sampleCount) < DHTLimits.maxRTTSamplesPerPrefix { stats.sampleCount += 1 }
        if stats.sampleCount == 1, !centroids.isEmpty { stats.tier = Self.nearest(Double(us), centroids) }
        prefixes.set(key, stats)
    }

    /// The tier of `address`'s prefix; unknown prefixes get the middle tier so they are
    /// neither preferred nor shunned.
    public func tier(of address: DHTAddress) -> Int {
        guard !centroids.isEmpty else { return 0 }
        if let s = prefixes.peek(address.tieringPrefix) { return Int(s.tier) }
        return centroids.count / 2
    }

    /// The smoothed RTT of `address`'s prefix, if sampled.
    public func smoothedRTT(of address: DHTAddress) -> DHTDuration? {
        prefixes.peek(address.tieringPrefix).map { DHTDuration(nanoseconds: Int64($0.smoothed * 1_000)) }
    }

    /// Re-clusters the prefixes: for each tier count 1…7 runs `KMEANS_ITERATIONS` of
    /// k-means on the smoothed prefix RTTs (centroids seeded at quantiles), and keeps the
    /// smallest count after which one more tier cuts the error by less than
    /// `tierGainThreshold` of the one-tier error (elbow rule).
    public mutating func recompute(now: DHTInstant) {
        lastRecompute = now
        let all = prefixes.entries
        guard !all.isEmpty else { centroids = []; return }
        let values = all.map(\.value.smoothed).sorted()
        let distinct = Set(values).count
        let maxTiers = min(DHTLimits.maxLatencyTiers, max(DHTLimits.minLatencyTiers, distinct))
        var best = Self.kmeans(values, clusters: 1)
        let baseError = best.error
        if baseError > 0 {
            var clusters = 2
            while clusters <= maxTiers {
                let candidate = Self.kmeans(values, clusters: clusters)
                if best.error - candidate.error < DHTLimits.tierGainThreshold * baseError { break }
                best = candidate
                clusters += 1
            }
        }
        centroids = best.centroids
        for (key, var stats) in all {
            stats.tier = Self.nearest(stats.smoothed, centroids)
            prefixes.update(key) { $0 = stats }
        }
    }

    /// 1-D k-means over sorted `values`: centroids (ascending, empty clusters dropped) and the
    /// sum of squared errors.
    static func kmeans(_ values: [Double], clusters: Int) -> (centroids: [Double], error: Double) {
        let n = values.count
        var c = (0..<clusters).map { values[min(n - 1, (2 * $0 + 1) * n / (2 * clusters))] }
        var sums = [Double](repeating: 0, count: clusters)
        var counts = [Int](repeating: 0, count: clusters)
        for _ in 0..<DHTLimits.kmeansIterations {
            for i in 0..<clusters { sums[i] = 0; counts[i] = 0 }
            for v in values {
                let t = Int(nearest(v, c))
                sums[t] += v; counts[t] += 1
            }
            var moved = false
            for i in 0..<clusters where counts[i] > 0 {
                let m = sums[i] / Double(counts[i])
                if m != c[i] { c[i] = m; moved = true }
            }
            if !moved { break }
        }
        for i in 0..<clusters { counts[i] = 0 }
        var error = 0.0
        for v in values {
            let t = Int(nearest(v, c))
            counts[t] += 1
            error += (v - c[t]) * (v - c[t])
        }
        let kept = (0..<clusters).filter { counts[$0] > 0 }.map { c[$0] }.sorted()
        return (kept, error)
    }

    static func nearest(_ v: Double, _ centroids: [Double]) -> UInt8 {
        var best = 0
        var bestDistance = Double.infinity
        for (i, c) in centroids.enumerated() where abs(v - c) < bestDistance {
            bestDistance = abs(v - c); best = i
        }
        return UInt8(truncatingIfNeeded: best)
    }

    /// Penalty weight of a tier: `TIERING_PENALTY_FACTOR`^tier.
    public static func penalty(tier: Int) -> Double {
        var p = 1.0
        for _ in 0..<max(0, tier) { p *= DHTLimits.tieringPenaltyFactor }
        return p
    }
}
