/// A fixed-memory HDR-style histogram of non-negative integers (e.g. nanoseconds, hop counts).
///
/// Log-linear buckets: values below 2^`precisionBits` (64) are exact; above, each power-of-two
/// range is split into 64 equal buckets, so any reported quantile is within 1/128 (0.8 %) of a
/// value in the same bucket (midpoint estimate) and memory is a fixed 3,776 counters (29.5 KiB)
/// whatever is recorded. Min, max, count and sum are exact.
public struct SimHistogram: Sendable, Equatable {
    /// Sub-buckets per power of two, as a bit count (64 sub-buckets).
    public static let precisionBits = 6
    @usableFromInline static let subBuckets = 1 << precisionBits
    /// Number of buckets: exact 0..<64, then 58 octaves of 64 (up to 2^64 − 1).
    public static let bucketCount = (64 - precisionBits + 1) * (1 << precisionBits)

    @usableFromInline var counts: [UInt64]
    @usableFromInline var _count: UInt64 = 0
    @usableFromInline var _sum: UInt64 = 0
    @usableFromInline var _min: UInt64 = .max
    @usableFromInline var _max: UInt64 = 0
    /// How many values were recorded.
    public var count: UInt64 { _count }
    /// The sum of all recorded values (wrapping at 2^64; fine for nanosecond latencies).
    public var sum: UInt64 { _sum }
    /// The smallest recorded value (`UInt64.max` when empty).
    public var min: UInt64 { _min }
    /// The largest recorded value (0 when empty).
    public var max: UInt64 { _max }

    /// An empty histogram.
    public init() { counts = [UInt64](repeating: 0, count: Self.bucketCount) }

    /// The bucket holding `value`.
    @inlinable
    static func bucket(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        let shift = msb - precisionBits
        let mantissa = Int(value >> UInt64(shift))  // in [64, 128)
        return (shift + 1) * subBuckets + (mantissa - subBuckets)
    }

    /// The smallest value in bucket `index` and the bucket's width.
    static func range(of index: Int) -> (low: UInt64, width: UInt64) {
        if index < subBuckets { return (UInt64(index), 1) }
        let shift = index / subBuckets - 1
        let mantissa = UInt64(index % subBuckets + subBuckets)
        return (mantissa << UInt64(shift), 1 << UInt64(shift))
    }

    /// Records one value.
    @inlinable
    public mutating func record(_ value: UInt64) {
        counts[Self.bucket(of: value)] &+= 1
        _count &+= 1
        _sum &+= value
        if value < _min { _min = value }
        if value > _max { _max = value }
    }

    /// Adds every value recorded in `other`.
    public mutating func merge(_ other: SimHistogram) {
        guard other.count > 0 else { return }
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
        _count &+= other._count
        _sum &+= other._sum
        _min = Swift.min(_min, other._min)
        _max = Swift.max(_max, other._max)
    }

    /// The mean of the recorded values (0 when empty).
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// The value at quantile `q` (0…1): the midpoint of the bucket holding the ⌈q·count⌉-th
    /// smallest value, clamped to [min, max]. 0 when empty.
    public func quantile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let qq = q.isNaN ? 0 : Swift.min(1, Swift.max(0, q))
        var rank = UInt64((qq * Double(count)).rounded(.up))
        if rank == 0 { rank = 1 }
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen &+= c
            if seen >= rank {
                let (low, width) = Self.range(of: i)
                let mid = low &+ (width - 1) / 2
                return Swift.min(max, Swift.max(min, mid))
            }
        }
        return max
    }

    /// The median.
    public var p50: UInt64 { quantile(0.50) }
    /// The 90th percentile.
    public var p90: UInt64 { quantile(0.90) }
    /// The 99th percentile.
    public var p99: UInt64 { quantile(0.99) }
}
