/// Overlay parameters of the router (GossipSub v1.0 §Parameters, v1.1 §Overview of New
/// Parameters) with Korium's defaults.
public struct GossipParameters: Sendable, Equatable {
    /// Target mesh degree `D` (DEFAULT_MESH_N).
    public var d = 6
    /// Lower bound `D_lo` (DEFAULT_MESH_N_LOW).
    public var dLow = 5
    /// Upper bound `D_hi` (DEFAULT_MESH_N_HIGH).
    public var dHigh = 12
    /// Outbound quota `D_out` (DEFAULT_MESH_OUTBOUND_MIN); v1.1: below `D_lo` and at most `D/2`.
    public var dOut = 2
    /// Peers kept by score when pruning an oversubscribed mesh (DEFAULT_MESH_D_SCORE).
    public var dScore = 4
    /// Minimum gossip emission degree (DEFAULT_GOSSIP_LAZY).
    public var dLazy = 6
    /// Fraction of eligible peers gossiped to (v1.1 "Adaptive Gossip": 0.25).
    public var gossipFactor = 0.25
    /// Heartbeat period, ns (DEFAULT_HEARTBEAT_INTERVAL).
    public var heartbeatIntervalNanos: Int64 = 1_000_000_000
    /// Fanout entries expire after this long without a publish (v1.0 `fanout_ttl`: 60 s).
    public var fanoutTTLNanos: Int64 = 60_000_000_000
    /// Backoff after a PRUNE (DEFAULT_PRUNE_BACKOFF_SECS).
    public var pruneBackoffNanos: Int64 = 60_000_000_000
    /// Backoff announced when leaving a topic (v1.1 `UnsubscribeBackoff`).
    public var unsubscribeBackoffNanos: Int64 = 10_000_000_000
    /// Slack added before a backed-off peer is grafted again (one heartbeat, v1.1 §PRUNE Backoff).
    public var backoffSlackNanos: Int64 = 1_000_000_000
    /// Heartbeats between opportunistic grafting rounds (v1.1: once a minute).
    public var opportunisticGraftTicks = 60
    /// Peers grafted per opportunistic round (DEFAULT_OPPORTUNISTIC_GRAFT_PEERS).
    public var opportunisticGraftPeers = 2
    /// Send own messages to every peer above the publish threshold (v1.1 `FloodPublish`).
    public var floodPublish = true
    /// Include peer exchange in PRUNEs (v1.1).
    public var peerExchange = true
    /// Payload size from which IDONTWANT is sent; `nil` disables sending (receipt is always
    /// honoured). v1.2 leaves the policy open; default 1 KiB.
    public var idontwantThreshold: Int? = GossipLimits.defaultIDontWantThreshold
    /// Peer scoring; `nil` disables scoring (every score reads as 0).
    public var scoring: GossipScoreParameters? = GossipScoreParameters()

    /// Korium's defaults.
    public init() {}
}
