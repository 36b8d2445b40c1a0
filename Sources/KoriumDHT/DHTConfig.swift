/// Per-node settings of the DHT core; defaults are Korium's.
public struct DHTConfig: Sendable {
    /// Proof-of-work bits a contact needs to enter the routing table (24 in production; the
    /// simulator and tests use ≤ 8).
    public var powDifficulty = DHTLimits.powDifficulty
    /// Whether contacts without valid proof of work are kept out of the routing table.
    public var enforceProofOfWork = DHTLimits.enforcePoWForRouting
    /// Whether lookups prefer faster latency tiers.
    public var tiering = true
    /// S/Kademlia disjoint paths per lookup (1 = plain Kademlia).
    public var disjointPaths = 1
    /// Storage protection limits.
    public var storage = StorageLimits()
    /// How often held values are re-replicated.
    public var republishInterval = DHTLimits.republishInterval
    /// Housekeeping period: expiry, republish and refresh checks.
    public var housekeepingInterval = DHTLimits.expirationCheckInterval
    /// A bucket untouched this long gets a refresh lookup.
    public var bucketStaleThreshold = DHTLimits.bucketStaleThreshold
    /// Whether held values are republished (off only for experiments that show why it matters).
    public var republish = true

    /// Korium's defaults.
    public init() {}
}

/// A message the core wants sent.
public struct DHTTransmit: Sendable {
    /// The peer to send to.
    public var destination: Contact
    /// The message.
    public var message: DHTMessage
}

/// What the core reports to its user.
public enum DHTEvent: Sendable {
    /// A lookup (find node, find value, store, refresh) ended.
    case lookupFinished(LookupResult)
    /// A PING sent with `DHTNode.ping` was answered (true) or timed out (false).
    case pingResult(NodeID, alive: Bool)
}
