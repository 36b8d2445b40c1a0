/// What the router keeps per connected peer.
struct GossipPeerState {
    var outbound: Bool
    var address: UInt64
    var topics: Set<String> = []
    var ihaveMessages = 0
    var iasked = 0
    var idontwantReceived = 0
    var rateWindowStart: Int64 = -(1 << 62)
    var rateCount = 0
    var iwantWindowStart: Int64 = -(1 << 62)
    var iwantCount = 0
    var idontwant = ExpiringIDSet(capacity: GossipLimits.maxIDontWantPerPeer, ttl: GossipLimits.idontwantTTLNanos)
    var promises: [GossipMessageID: Int64] = [:]
    var record: GossipPeerRecord?
    /// The transport's minimum round-trip time to the peer, ns (0: unknown).
    var minRoundTripNanos: Int64 = 0
}

/// What the router remembers of a message it has seen (seen-cache entry).
struct GossipDelivery {
    enum Status { case pending, valid, invalid, ignored }
    var status: Status
    var firstSeen: Int64
    var validatedAt: Int64 = 0
    var firstFrom: GossipPeerID
    var others: [GossipPeerID] = []
}

/// A message awaiting the application's asynchronous verdict.
struct GossipPendingValidation { var message: GossipMessage; var from: GossipPeerID; var deadline: Int64 }

/// A (topic, peer) pair under PRUNE backoff.
struct GossipBackoffKey: Hashable { var topic: String; var peer: GossipPeerID }

