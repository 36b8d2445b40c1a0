/// Counters and estimates of one connection, for logs, the CLI and benchmarks.
public struct ConnectionStats: Sendable, Hashable {
    /// Packets sent (all spaces).
    public var packetsSent: UInt64 = 0
    /// Packets received and authenticated.
    public var packetsReceived: UInt64 = 0
    /// UDP payload bytes sent.
    public var bytesSent: UInt64 = 0
    /// UDP payload bytes received.
    public var bytesReceived: UInt64 = 0
    /// Packets declared lost (RFC 9002 §6.1).
    public var packetsLost: UInt64 = 0
    /// Packets dropped before processing (undecryptable, unknown connection ID, duplicate).
    public var packetsDropped: UInt64 = 0
    /// The smoothed RTT (RFC 9002 §5.3).
    public var smoothedRTT: Duration = .zero
    /// The minimum RTT seen.
    public var minimumRTT: Duration = .zero
    /// The congestion window in bytes.
    public var congestionWindow: Int = 0
    /// Bytes in flight.
    public var bytesInFlight: Int = 0
    /// Queued DATAGRAM frames dropped unsent because the path's datagram size fell below them.
    public var datagramsDropped: UInt64 = 0
    /// The path's current maximum datagram size (UDP payload bytes; PMTU discovery, RFC 9000 §14.3).
    public var maxDatagramSize: Int = 1200
    /// The largest UDP payload received (what the peer's PMTU discovery reached, probes included).
    public var largestDatagramReceived: Int = 0
    /// PMTU probes sent and lost, and black holes detected (the size fell back to 1200).
    public var pmtuProbesSent: UInt64 = 0
    public var pmtuProbesLost: UInt64 = 0
    public var pmtuBlackHoles: UInt64 = 0
    /// Time from creation to handshake completion; nil while handshaking.
    public var handshakeDuration: Duration?
    /// Key updates performed (either side initiating).
    public var keyUpdates: UInt64 = 0

    /// Times the peer moved to a new address (RFC 9000 §9; server side).
    public var pathMigrations: UInt64 = 0
    /// New paths validated by a PATH_RESPONSE (RFC 9000 §8.2.3).
    public var pathsValidated: UInt64 = 0
    /// Path validations that timed out and reverted to the previous address (RFC 9000 §9.3.2).
    public var pathValidationFailures: UInt64 = 0

    /// Zeroed statistics.
    public init() {}
}
