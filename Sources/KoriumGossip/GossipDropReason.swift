/// Why the router dropped something. Every drop increments exactly one counter in
/// ``GossipDropCounters``.
public enum GossipDropReason: Int, CaseIterable, Sendable {
    /// An RPC from a peer below the graylist threshold (v1.1 §Score Thresholds).
    case graylisted
    /// A message above the peer's rate (`perPeerRateLimit` per window).
    case peerRateLimited
    /// An own publish above `publishRateLimit` per window.
    case publishRateLimited
    /// A payload above `maxMessageSize` or a topic above `maxTopicLength`.
    case messageTooLarge
    /// A message whose Ed25519 signature does not verify for its source.
    case invalidSignature
    /// A message whose seqno is outside the replay window or already seen in it.
    case replay
    /// A message in a topic we are not subscribed to.
    case notSubscribed
    /// A copy of our own message.
    case ownMessage
    /// The validator rejected the message (P4 applied).
    case validationRejected
    /// The validator ignored the message.
    case validationIgnored
    /// No room for another asynchronous validation.
    case validationQueueFull
    /// The application never reported a validation result.
    case validationTimeout
    /// A subscription beyond `maxTopics`.
    case tooManyTopics
    /// A subscription beyond `maxSubscriptionsPerPeer`.
    case tooManySubscriptionsPerPeer
    /// A subscriber beyond `maxPeersPerTopic`.
    case topicFull
    /// A connection beyond `maxKnownPeers`.
    case tooManyPeers
    /// IHAVE from a peer below the gossip threshold, or beyond the per-heartbeat IHAVE caps.
    case ihaveIgnored
    /// IWANT from a peer below the gossip threshold.
    case iwantIgnored
    /// An IWANT beyond `iwantRateLimit` per window (P7 applied).
    case iwantRateLimited
    /// A message asked for more than `gossipRetransmission` times by one peer.
    case iwantRetransmissionLimit
    /// IWANT answers beyond `maxIWantResponseBytes` in one request.
    case iwantResponseBytes
    /// A GRAFT for a topic we are not subscribed to (v1.1 §Spam Protection).
    case graftUnknownTopic
    /// A GRAFT during backoff (P7 applied, answered with PRUNE).
    case graftDuringBackoff
    /// A GRAFT refused (negative score, or mesh full and the peer inbound).
    case graftRefused
    /// PX ignored: the pruning peer's score is not above `acceptPXThreshold`.
    case pxIgnored
    /// A PX record with a bad signature or timestamp.
    case pxInvalidRecord
    /// IDONTWANT IDs beyond the per-heartbeat cap.
    case idontwantFlood
    /// A send dropped because the peer's outbound queue is full.
    case outboundPeerQueueFull
    /// A send dropped because all outbound queues together are full.
    case outboundTotalQueueFull
    /// An application event dropped because the event queue is full.
    case eventQueueFull
    /// A promise not tracked because the promise tables are full.
    case promiseTableFull
    /// A backoff entry evicted because the backoff table is full.
    case backoffEvicted
    /// A message evicted from the message cache for room (count or bytes).
    case messageCacheEvicted
}

/// One counter per ``GossipDropReason``.
public struct GossipDropCounters: Sendable, Equatable {
    /// Counts indexed by reason.
    public private(set) var counts = [UInt64](repeating: 0, count: GossipDropReason.allCases.count)

    /// All zero.
    public init() {}

    /// The count for `reason`.
    public subscript(reason: GossipDropReason) -> UInt64 { counts[reason.rawValue] }

    /// Adds `n` to `reason`.
    public mutating func add(_ reason: GossipDropReason, _ n: Int = 1) {
        counts[reason.rawValue] &+= UInt64(n)
    }

    /// The sum over all reasons.
    public var total: UInt64 { counts.reduce(0, &+) }
}
