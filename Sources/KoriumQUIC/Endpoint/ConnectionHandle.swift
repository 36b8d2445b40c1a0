/// Names one connection of an ``Endpoint``. A handle outlives its connection harmlessly: once
/// the connection is dropped, the slot's generation changes and the stale handle matches nothing.
public struct ConnectionHandle: Hashable, Sendable, CustomStringConvertible {
    /// Index of the slot in the endpoint's table.
    let index: UInt32
    /// The slot's generation when the handle was made.
    let generation: UInt32

    /// `#index.generation`.
    public var description: String { "#\(index).\(generation)" }
}
