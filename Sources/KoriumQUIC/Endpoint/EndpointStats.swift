/// Counters of an ``Endpoint``'s routing and stateless answers.
public struct EndpointStats: Sendable, Hashable {
    /// Datagrams routed to a connection.
    public var datagramsRouted: UInt64 = 0
    /// Datagrams dropped: unparsable, for no connection, too small an Initial, over a cap.
    public var datagramsDropped: UInt64 = 0
    /// Server connections created from Initials.
    public var connectionsAccepted: UInt64 = 0
    /// Initials dropped because ``EndpointConfiguration/maxConnections`` was reached.
    public var connectionsRefused: UInt64 = 0
    /// Version Negotiation packets sent.
    public var versionNegotiationsSent: UInt64 = 0
    /// Retry packets sent.
    public var retriesSent: UInt64 = 0
    /// Stateless Resets sent.
    public var statelessResetsSent: UInt64 = 0
    /// Initial CONNECTION_CLOSE (INVALID_TOKEN) packets sent statelessly.
    public var invalidTokenClosesSent: UInt64 = 0
    /// Stateless responses not sent: the pending cap or the reset rate limit was reached.
    public var statelessResponsesDropped: UInt64 = 0

    /// All zero.
    public init() {}
}
