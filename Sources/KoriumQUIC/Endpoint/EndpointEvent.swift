/// What an ``Endpoint`` reports through ``Endpoint/pollEvent()``.
public enum EndpointEvent: Sendable, Hashable {
    /// Server: a client's Initial created a new connection (its handshake is under way).
    case incoming(ConnectionHandle)
    /// An event of one connection (connection-ID events are consumed by the endpoint's
    /// routing and not repeated here). After `.closed` the handle is stale.
    case connection(ConnectionHandle, ConnectionEvent)
}

/// Why an ``Endpoint`` call failed.
public enum EndpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ``EndpointConfiguration/maxConnections`` connections exist already.
    case tooManyConnections(limit: Int)
    /// The connection could not be created (its configuration was rejected).
    case connection(ConnectionError)
    /// The version to offer first is one we speak or the reserved negotiation value 0: offering
    /// it would not trigger Version Negotiation.
    case notAnUnknownVersion(UInt32)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .tooManyConnections(let limit): return "endpoint already has its maximum of \(limit) connections"
        case .connection(let error): return "connection rejected: \(error)"
        case .notAnUnknownVersion(let v): return "version 0x\(String(v, radix: 16)) would not trigger version negotiation"
        }
    }
}
