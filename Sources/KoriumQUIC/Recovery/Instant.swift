/// A point in time on the caller's monotonic clock, in nanoseconds from an arbitrary origin.
/// The sans-IO core never reads a clock: every input carries `now` as an `Instant`.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public let nanoseconds: UInt64

    /// An instant `nanoseconds` after the origin.
    @inlinable
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The clock's origin.
    public static let zero = Instant(nanoseconds: 0)

    /// Orders instants.
    @inlinable
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// `instant + duration`, saturating at the ends of the clock (negative durations move back).
    @inlinable
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        let delta = rhs.nanoseconds
        if delta >= 0 {
            let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(UInt64(delta))
            return Instant(nanoseconds: overflow ? UInt64.max : sum)
        }
        let back = UInt64(delta.magnitude)
        return Instant(nanoseconds: lhs.nanoseconds > back ? lhs.nanoseconds - back : 0)
    }

    /// `instant − duration`, saturating.
    @inlinable
    public static func - (lhs: Instant, rhs: Duration) -> Instant { lhs + (.zero - rhs) }

    /// The signed time from `rhs` to `lhs`.
    @inlinable
    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        lhs >= rhs ? .nanoseconds(Int64(clamping: lhs.nanoseconds - rhs.nanoseconds))
                   : .zero - .nanoseconds(Int64(clamping: rhs.nanoseconds - lhs.nanoseconds))
    }

    /// E.g. `12.345678s`.
    public var description: String {
        let micros = nanoseconds / 1000
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)s"
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    @inlinable
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? (seconds < 0 ? Int64.min : Int64.max) : total
    }

    /// `self × numerator / denominator` in nanoseconds (for 9/8, 3/4, 1.25 and the like).
    @inlinable
    public func scaled(_ numerator: Int64, _ denominator: Int64) -> Duration {
        .nanoseconds(nanoseconds / denominator * numerator + nanoseconds % denominator * numerator / denominator)
    }
}
