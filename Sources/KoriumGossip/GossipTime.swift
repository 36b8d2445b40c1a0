/// A point in time given to the router by its caller, in nanoseconds since an epoch the caller
/// chooses (wall clock for a node, virtual clock in the simulator). The router never reads a clock.
@frozen
public struct GossipInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the epoch.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the epoch.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The epoch.
    public static let zero = GossipInstant(nanoseconds: 0)

    @inlinable
    public static func < (a: GossipInstant, b: GossipInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The instant `nanos` later (saturating).
    @inlinable
    public func advanced(by nanos: Int64) -> GossipInstant {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(nanos)
        return GossipInstant(nanoseconds: overflow ? (nanos > 0 ? .max : .min) : sum)
    }

    /// Nanoseconds from `earlier` to this instant.
    @inlinable
    public func nanos(since earlier: GossipInstant) -> Int64 { nanoseconds &- earlier.nanoseconds }
}
