import KoriumCrypto

/// When a server answers a new client's Initial with a Retry (RFC 9000 §8.1.2) to validate its
/// address before creating any state.
public enum RetryPolicy: Sendable, Hashable {
    /// Never send Retry (addresses are validated by the handshake itself, RFC 9000 §8.1).
    case never
    /// Always: every connection costs the client one extra round trip.
    case always
    /// Only while more than `n` server handshakes are in progress (a flood of Initials).
    case whenPendingHandshakesExceed(Int)
}

/// Everything an ``Endpoint`` needs besides the clock.
public struct EndpointConfiguration: Sendable {
    /// Server side: the configuration for connections created from client Initials; nil for a
    /// client-only endpoint (Initials for unknown connections are then dropped).
    public var server: ConnectionConfiguration?
    /// Length of the connection IDs this endpoint issues (RFC 9000 §5.1); short headers carry no
    /// length, so every connection of the endpoint uses this one (it overrides the
    /// connections' `localConnectionIDLength`). 0 routes by remote address instead (client only).
    public var localConnectionIDLength: Int = 8
    /// Secret for stateless reset tokens (RFC 9000 §10.3.2), shared with every connection of
    /// the endpoint (it overrides the connections' `statelessResetKey`) and, for resets after a
    /// restart to work, kept across restarts.
    public var statelessResetKey: SecureBytes = SecureBytes(randomCount: 32)
    /// Secret protecting address-validation tokens (Retry and NEW_TOKEN, RFC 9000 §8.1.4).
    public var tokenKey: SecureBytes = SecureBytes(randomCount: 32)
    /// When to send Retry.
    public var retryPolicy: RetryPolicy = .never
    /// How long a Retry token stays valid (RFC 9000 §8.1.3: short, it is used at once).
    public var retryTokenLifetime: Duration = .seconds(10)
    /// How long a NEW_TOKEN token stays valid.
    public var newTokenLifetime: Duration = .seconds(24 * 3_600)
    /// Most connections at once; Initials beyond it are dropped (no state is created).
    public var maxConnections: Int = 4_096
    /// Most stateless responses (Version Negotiation, Retry, Stateless Reset, Initial
    /// CONNECTION_CLOSE) waiting for ``Endpoint/pollTransmit(into:now:)``; more are dropped, so
    /// a flood of junk costs bounded memory and bounded output per poll.
    public var maxPendingStatelessResponses: Int = 64
    /// Most Stateless Resets sent per second (RFC 9000 §10.3: they must not become a reflector).
    public var maxStatelessResetsPerSecond: Int = 200
    /// Most events waiting for ``Endpoint/pollEvent()``; a connection whose event would exceed
    /// it is closed (its owner is not polling), so memory stays bounded.
    public var maxQueuedEvents: Int = 1 << 16
    /// Source of randomness (connection IDs, token nonces, reset bytes).
    public var random: @Sendable (UnsafeMutableRawBufferPointer) -> Void = { SecureRandom.fill($0) }

    /// A client-only endpoint (pass `server` to accept connections).
    public init(server: ConnectionConfiguration? = nil) {
        self.server = server
    }
}
