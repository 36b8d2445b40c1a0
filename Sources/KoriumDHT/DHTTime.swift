/// A point in time given to the DHT core by its caller, in nanoseconds since the Unix epoch.
///
/// The core never reads a clock: the I/O shell passes wall-clock time, the simulator its
/// virtual clock. Record timestamps (endpoint records) are derived from it, so nodes that
/// exchange records must agree on the epoch.
@frozen
public struct DHTInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the Unix epoch.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the epoch.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The epoch itself.
    public static let zero = DHTInstant(nanoseconds: 0)

    /// Milliseconds since the epoch (0 for instants before it), the unit of record timestamps.
    @inlinable
    public var milliseconds: UInt64 { nanoseconds <= 0 ? 0 : UInt64(nanoseconds / 1_000_000) }

    @inlinable
    public static func < (a: DHTInstant, b: DHTInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The instant `d` after `t` (saturating).
    @inlinable
    public static func + (t: DHTInstant, d: DHTDuration) -> DHTInstant {
        let (sum, overflow) = t.nanoseconds.addingReportingOverflow(d.nanoseconds)
        return DHTInstant(nanoseconds: overflow ? (d.nanoseconds > 0 ? .max : .min) : sum)
    }

    /// The time from `b` to `a`.
    @inlinable
    public static func - (a: DHTInstant, b: DHTInstant) -> DHTDuration {
        DHTDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }
}

/// A span of time in nanoseconds.
@frozen
public struct DHTDuration: Hashable, Comparable, Sendable {
    /// The length in nanoseconds.
    public var nanoseconds: Int64

    /// A duration of `nanoseconds`.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// `n` seconds.
    @inlinable
    public static func seconds(_ n: Int64) -> DHTDuration { DHTDuration(nanoseconds: n &* 1_000_000_000) }

    /// `n` milliseconds.
    @inlinable
    public static func milliseconds(_ n: Int64) -> DHTDuration { DHTDuration(nanoseconds: n &* 1_000_000) }

    /// No time.
    public static let zero = DHTDuration(nanoseconds: 0)

    /// The length in seconds.
    @inlinable
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (a: DHTDuration, b: DHTDuration) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The duration scaled by an integer factor.
    @inlinable
    public static func * (a: DHTDuration, k: Int64) -> DHTDuration { DHTDuration(nanoseconds: a.nanoseconds &* k) }
}
