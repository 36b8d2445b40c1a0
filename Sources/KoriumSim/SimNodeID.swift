/// KoriumSim: a deterministic discrete-event network simulator (virtual clock, seeded RNG
/// streams, latency/loss/reorder/churn models) that drives the sans-IO protocol cores unchanged.

/// A simulated node: its index in the simulation (0 ..< node count).
@frozen
public struct SimNodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The node's index.
    public var rawValue: UInt32

    /// The node with index `rawValue`.
    @inlinable
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The node with index `index` (0 ≤ index < 2³²).
    @inlinable
    public init(index: Int) { rawValue = UInt32(truncatingIfNeeded: index) }

    /// The index as an `Int`, for array subscripts.
    @inlinable
    public var index: Int { Int(rawValue) }

    /// Orders nodes by index.
    @inlinable
    public static func < (a: SimNodeID, b: SimNodeID) -> Bool { a.rawValue < b.rawValue }

    /// `n42` for node 42.
    public var description: String { "n" + String(rawValue) }
}
