/// Which side of a connection an endpoint is.
public enum Role: Sendable, Hashable {
    /// The side that sent the first Initial packet.
    case client
    /// The side that accepted it.
    case server

    /// The other side.
    @inlinable
    public var peer: Role { self == .client ? .server : .client }
}
