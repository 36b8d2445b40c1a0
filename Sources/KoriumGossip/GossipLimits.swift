/// Every cap, rate and default of KoriumGossip, in one place (Korium 0.2.4 `gossipsub` constants,
/// see `korium-constants.md`). Each table the router keeps names its cap here together with its
/// eviction rule.
public enum GossipLimits {
    /// Prefix of every message signature: `sign(domain ‖ signed fields)`.
    public static let signatureDomain: [UInt8] = Array("korium-gossipsub-v1:".utf8)
    /// Prefix of every signed peer record (PX): Korium's contact-record domain.
    public static let peerRecordSignatureDomain: [UInt8] = Array("korium-contact-v1:".utf8)

    /// Largest message payload, bytes (MAX_MESSAGE_SIZE).
    public static let maxMessageSize = 64 * 1024
    /// Longest topic name, UTF-8 bytes (MAX_TOPIC_LENGTH).
    public static let maxTopicLength = 256
    /// Topics the router tracks (own subscriptions plus peers' announced ones); further topics
    /// are refused, never evicted (MAX_TOPICS).
    public static let maxTopics = 10_000
    /// Topics one peer may be subscribed to; further SUBSCRIBEs are dropped (MAX_SUBSCRIPTIONS_PER_PEER).
    public static let maxSubscriptionsPerPeer = 100
    /// Peers tracked per topic; further subscribers are dropped (MAX_PEERS_PER_TOPIC).
    public static let maxPeersPerTopic = 1_000
    /// Connected peers the router accepts; `addPeer` refuses more (MAX_KNOWN_PEERS).
    public static let maxKnownPeers = 1_000

    /// Own publishes per rate window (DEFAULT_PUBLISH_RATE_LIMIT).
    public static let publishRateLimit = 100
    /// Messages accepted from one peer per rate window (DEFAULT_PER_PEER_RATE_LIMIT).
    public static let perPeerRateLimit = 50
    /// The rate-limit window, ns (RATE_LIMIT_WINDOW = 1 s).
    public static let rateLimitWindowNanos: Int64 = 1_000_000_000

    /// Message IDs advertised in one IHAVE; longer IHAVEs are truncated (DEFAULT_MAX_IHAVE_LENGTH).
    public static let maxIHaveLength = 100
    /// IHAVE control messages accepted from one peer per heartbeat (v1.1 "Spam Protection").
    public static let maxIHaveMessagesPerHeartbeat = 10
    /// Message IDs requested from one peer in answer to its IHAVEs (DEFAULT_MAX_IWANT_MESSAGES).
    public static let maxIWantMessages = 10
    /// IWANT requests served per peer per rate window; excess is dropped and penalised via P7
    /// (DEFAULT_IWANT_RATE_LIMIT).
    public static let iwantRateLimit = 5
    /// Times one message is re-sent to one peer in answer to IWANTs (v1.1 `GossipRetransmission`).
    public static let gossipRetransmission = 3
    /// Payload bytes served per IWANT request (MAX_IWANT_RESPONSE_BYTES).
    public static let maxIWantResponseBytes = 256 * 1024
    /// Promises (IWANTs we sent) tracked per peer; oldest evicted (MAX_PENDING_IWANTS).
    public static let maxPendingIWants = 100
    /// Promises tracked in total; new ones refused beyond it (MAX_GLOBAL_PENDING_IWANTS).
    public static let maxGlobalPendingIWants = 1_000
    /// Time a peer has to deliver a message it advertised and we asked for (DEFAULT_IHAVE_TIMEOUT).
    public static let iwantFollowupNanos: Int64 = 3_000_000_000

    /// Messages held in the message cache (DEFAULT_MESSAGE_CACHE_SIZE); also the seen-cache cap.
    /// Eviction: oldest first.
    public static let messageCacheSize = 10_000
    /// Payload bytes held in the message cache; oldest evicted first (MAX_MESSAGE_CACHE_BYTES).
    public static let maxMessageCacheBytes = 64 * 1024 * 1024
    /// How long a message ID stays in the seen cache (DEFAULT_MESSAGE_CACHE_TTL).
    public static let seenTTLNanos: Int64 = 120_000_000_000
    /// Heartbeat windows kept in the message cache (v1.0 `mcache_len`).
    public static let mcacheLength = 5
    /// Windows advertised in IHAVE gossip (v1.0 `mcache_gossip`).
    public static let mcacheGossip = 3

    /// Queued messages per peer before further sends to it are dropped (MAX_OUTBOUND_PER_PEER).
    public static let maxOutboundPerPeer = 100
    /// Queued messages over all peers before further sends are dropped (MAX_TOTAL_OUTBOUND_MESSAGES).
    public static let maxTotalOutboundMessages = 50_000

    /// IDONTWANT IDs remembered per peer; oldest evicted (MAX_IDONTWANT_PER_PEER).
    public static let maxIDontWantPerPeer = 1_000
    /// How long an IDONTWANT is honoured (IDONTWANT_TTL).
    public static let idontwantTTLNanos: Int64 = 30_000_000_000
    /// Longest round trip that widens a peer's near-first window (see
    /// ``GossipTopicScoreParameters/nearFirstWithinRoundTrip``); a longer one counts as this.
    public static let maxNearFirstRoundTripNanos: Int64 = 1_000_000_000
    /// IDONTWANT IDs accepted from one peer per heartbeat (v1.2 `max_idontwant_messages`);
    /// excess is ignored (the spec allows ignoring IDONTWANT) and counted.
    public static let maxIDontWantMessagesPerHeartbeat = 1_000
    /// Default payload size from which IDONTWANT is sent (v1.2 leaves the policy to us): 1 KiB.
    public static let defaultIDontWantThreshold = 1_024

    /// Publishers whose sequence-number windows are tracked; least recently used evicted
    /// (MAX_SEQNO_TRACKING_SOURCES).
    public static let maxSeqnoSources = 10_000
    /// Width of the per-publisher replay window (SEQNO_WINDOW_SIZE).
    public static let seqnoWindow = 128

    /// Peers (connected or retained after disconnect) with a score record (MAX_SCORED_PEERS);
    /// disconnected records are evicted oldest first.
    public static let maxScoredPeers = 10_000
    /// IP addresses tracked for P6 colocation (MAX_COLOCATION_PREFIXES).
    public static let maxColocationAddresses = 10_000
    /// Backoff entries (topic, peer) kept; the earliest-expiring is evicted (MAX_BACKOFF_ENTRIES).
    public static let maxBackoffEntries = 10_000
    /// Peers offered in one PRUNE's peer exchange (MAX_PX_PEERS).
    public static let maxPXPeers = 16
    /// PX candidates we act on from one PRUNE (MAX_PX_RESOLVE).
    public static let maxPXResolve = 5
    /// Addresses in one signed peer record (identity MAX_ADDRS).
    public static let maxRecordAddresses = 16
    /// Bytes in one address of a peer record (identity MAX_ADDR_LEN).
    public static let maxAddressLength = 256
    /// How far in the future a peer record's timestamp may be (FUTURE_TOLERANCE_MS), ns.
    public static let futureToleranceNanos: Int64 = 5_000_000_000

    /// Messages awaiting an asynchronous validation result; beyond it new ones are dropped,
    /// and a pending one times out as `ignore` after `validationTimeoutNanos`.
    public static let maxPendingValidations = 1_000
    /// Time the application has to report a validation result.
    public static let validationTimeoutNanos: Int64 = 10_000_000_000
    /// Events queued for the application; beyond it events are dropped and counted.
    public static let maxPendingEvents = 10_000

    /// Bound on entries in one decoded RPC: subscriptions, messages, and each control list.
    public static let maxRPCSubscriptions = 100
    /// Messages carried in one RPC.
    public static let maxRPCMessages = 64
    /// Control entries of each kind (IHAVE, IWANT, GRAFT, PRUNE, IDONTWANT) in one RPC.
    public static let maxRPCControlEntries = 64
    /// Message IDs in one IWANT or IDONTWANT entry (IHAVEs use `maxIHaveLength`).
    public static let maxRPCMessageIDs = 1_000
    /// Byte length of one encoded RPC the decoder accepts.
    public static let maxRPCSize = 1 << 20

    static let _checks: Void = {
        precondition(maxMessageSize >= 1024, "max message size too small")
        precondition(maxTopicLength >= 32, "max topic length too small")
        precondition(publishRateLimit > 0 && perPeerRateLimit > 0)
    }()
}
