/// A point on the simulator's virtual clock, in nanoseconds since the start of the run.
///
/// The engine never reads a wall clock: virtual time only moves when the next event is taken
/// from the queue, so a run is a pure function of its seed and inputs.
@frozen
public struct SimInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the run (time zero).
    public var nanoseconds: Int64

    /// An instant `nanoseconds` after the start of the run.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of every run.
    public static let zero = SimInstant(nanoseconds: 0)

    /// The time elapsed since the start of the run.
    @inlinable
    public var sinceStart: SimDuration { SimDuration(nanoseconds: nanoseconds) }

    /// Whether `a` is earlier than `b`.
    @inlinable
    public static func < (a: SimInstant, b: SimInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The instant `d` after `t`.
    @inlinable
    public static func + (t: SimInstant, d: SimDuration) -> SimInstant {
        SimInstant(nanoseconds: t.nanoseconds &+ d.nanoseconds)
    }

    /// The instant `d` before `t`.
    @inlinable
    public static func - (t: SimInstant, d: SimDuration) -> SimInstant {
        SimInstant(nanoseconds: t.nanoseconds &- d.nanoseconds)
    }

    /// The duration from `b` to `a` (negative if `a` is earlier).
    @inlinable
    public static func - (a: SimInstant, b: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }

    /// Moves `t` forward by `d`.
    @inlinable
    public static func += (t: inout SimInstant, d: SimDuration) { t = t + d }

    /// The time since the start, e.g. `t+1.250000s`.
    public var description: String { "t+" + SimDuration(nanoseconds: nanoseconds).description }
}

/// A span of virtual time in nanoseconds (signed, ±292 years).
@frozen
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in nanoseconds.
    public var nanoseconds: Int64

    /// A duration of `nanoseconds`.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Converts a standard-library `Duration` (truncated to whole nanoseconds).
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        nanoseconds = seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    /// This duration as a standard-library `Duration`.
    public var duration: Duration { .nanoseconds(nanoseconds) }

    /// No time.
    public static let zero = SimDuration(nanoseconds: 0)

    /// `n` nanoseconds.
    @inlinable public static func nanoseconds(_ n: some BinaryInteger) -> SimDuration {
        SimDuration(nanoseconds: Int64(clamping: n))
    }
    /// `n` microseconds.
    @inlinable public static func microseconds(_ n: some BinaryInteger) -> SimDuration {
        SimDuration(nanoseconds: Int64(clamping: n) &* 1_000)
    }
    /// `n` milliseconds.
    @inlinable public static func milliseconds(_ n: some BinaryInteger) -> SimDuration {
        SimDuration(nanoseconds: Int64(clamping: n) &* 1_000_000)
    }
    /// `n` seconds.
    @inlinable public static func seconds(_ n: some BinaryInteger) -> SimDuration {
        SimDuration(nanoseconds: Int64(clamping: n) &* 1_000_000_000)
    }
    /// `n` minutes.
    @inlinable public static func minutes(_ n: some BinaryInteger) -> SimDuration { .seconds(Int64(clamping: n) &* 60) }
    /// `n` hours.
    @inlinable public static func hours(_ n: some BinaryInteger) -> SimDuration { .seconds(Int64(clamping: n) &* 3_600) }

    /// A fractional number of seconds, rounded to the nearest nanosecond (clamped to the range).
    public init(seconds s: Double) {
        let ns = (s * 1e9).rounded()
        if ns.isNaN {
            nanoseconds = 0
        } else if ns <= -9.2e18 {
            nanoseconds = .min
        } else if ns >= 9.2e18 {
            nanoseconds = .max
        } else {
            nanoseconds = Int64(ns)
        }
    }

    /// The length in seconds as a floating-point number.
    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }
    /// The length in milliseconds as a floating-point number.
    @inlinable public var milliseconds: Double { Double(nanoseconds) / 1e6 }

    /// Whether `a` is shorter than `b`.
    @inlinable
    public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    /// The sum of two durations.
    @inlinable
    public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &+ b.nanoseconds)
    }
    /// The difference of two durations.
    @inlinable
    public static func - (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }
    /// The duration scaled by an integer factor.
    @inlinable
    public static func * (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds &* k) }
    /// The duration divided by an integer (truncating).
    @inlinable
    public static func / (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds / k) }

    /// A short human form with a unit: `850ns`, `12.5µs`, `3.25ms`, `1.500000s`.
    public var description: String { SimFormat.duration(nanoseconds: nanoseconds) }
}
