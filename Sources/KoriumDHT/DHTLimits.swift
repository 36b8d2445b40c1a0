/// Every constant of the DHT in one place: the Korium reference defaults
/// (`korium-constants.md`, sections dht / identity / messages / rpc), the few limits this
/// implementation adds (marked "swift-korium"), and the adaptive-parameter formulas.
public enum DHTLimits {
    // MARK: Routing table

    /// NUM_BUCKETS: one k-bucket per bit of the 256-bit ID space.
    public static let bucketCount = 256
    /// DEFAULT_K: bucket size and replication factor before the outcome window has data.
    public static let defaultK = 20
    /// Adaptive k lower bound (k = 10 + round(20·f)).
    public static let minK = 10
    /// MAX_K: adaptive k upper bound.
    public static let maxK = 30
    /// DEFAULT_ALPHA: lookup parallelism before the outcome window has data.
    public static let defaultAlpha = 3
    /// Adaptive α lower bound (α = 2 + round(3·f)).
    public static let minAlpha = 2
    /// Adaptive α upper bound.
    public static let maxAlpha = 5
    /// QUERY_STATS_WINDOW: how many recent contact outcomes drive k and α.
    public static let queryStatsWindow = 100
    /// swift-korium: outcomes needed before the window overrides the defaults (a handful of
    /// samples would swing k between its bounds).
    public static let minOutcomesForAdaptation = 10
    /// swift-korium: outcomes older than this leave the adaptive window (10 min), so k and α
    /// fall back after a churn spike even on a node that has gone quiet.
    public static let outcomeMaxAge = DHTDuration.seconds(10 * 60)
    /// swift-korium: replacement cache per bucket (Kademlia §4.1); as large as the largest k.
    public static let replacementCacheSize = maxK
    /// swift-korium: consecutive failures after which a contact is dropped even when its
    /// bucket has no replacement (with a replacement it goes after `failuresBeforeReplace`).
    public static let failuresBeforeDrop: UInt8 = 5
    /// swift-korium: consecutive failures after which a contact is swapped for a replacement.
    public static let failuresBeforeReplace: UInt8 = 2
    /// BUCKET_REFRESH_INTERVAL: how often stale buckets are refreshed.
    public static let bucketRefreshInterval = DHTDuration.seconds(30 * 60)
    /// BUCKET_STALE_THRESHOLD: a bucket untouched this long gets a refresh lookup.
    public static let bucketStaleThreshold = DHTDuration.seconds(30 * 60)
    /// swift-korium: refresh lookups started per refresh round (spreads the load).
    public static let maxRefreshLookupsPerRound = 4

    // MARK: Routing insertion defenses (S/Kademlia)

    /// ROUTING_INSERTION_PER_PEER_LIMIT: insertions/updates a peer may cause per window.
    public static let routingInsertionPerPeerLimit = 50
    /// ROUTING_INSERTION_RATE_WINDOW.
    public static let routingInsertionRateWindow = DHTDuration.seconds(60)
    /// MAX_ROUTING_INSERTION_TRACKED_PEERS: LRU cap of the per-peer insertion limiter.
    public static let maxRoutingInsertionTrackedPeers = 1_000
    /// DIRECT_PEER_PER_IP_LIMIT: new routing contacts per IP per window, and the most
    /// routing-table contacts that may share one IP.
    public static let directPeerPerIPLimit = 5
    /// DIRECT_PEER_RATE_WINDOW.
    public static let directPeerRateWindow = DHTDuration.seconds(60)
    /// MAX_DIRECT_PEER_TRACKED_IPS: LRU cap of the per-IP limiter.
    public static let maxDirectPeerTrackedIPs = 1_000
    /// ENFORCE_POW_FOR_ROUTING: contacts without a valid proof of work never enter the table.
    public static let enforcePoWForRouting = true

    // MARK: Identity (proof of work)

    /// POW_DIFFICULTY: leading zero bits required of the identity hash (production).
    public static let powDifficulty = 24
    /// POW_MAX_NONCE: nonces tried per key pair before drawing a new key pair.
    public static let powMaxNonce: UInt64 = 1 << 36
    /// POW_MAX_KEYPAIR_ATTEMPTS.
    public static let powMaxKeypairAttempts = 16
    /// POW_HASH_DOMAIN.
    public static let powHashDomain: [UInt8] = Array("korium-pow-v1:".utf8)
    /// NAMESPACE_HASH_LEN: the optional namespace binding of the proof of work.
    public static let namespaceHashLength = 8
    /// CONTACT_SIGNATURE_DOMAIN: prefix of every signed endpoint record.
    public static let contactSignatureDomain: [UInt8] = Array("korium-contact-v1:".utf8)
    /// swift-korium: prefix of every signed mutable value and of its key derivation.
    public static let mutableSignatureDomain: [UInt8] = Array("korium-mutable-v1:".utf8)
    /// FUTURE_TOLERANCE_MS: how far in the future a record timestamp may lie.
    public static let futureToleranceMilliseconds: UInt64 = 5_000
    /// MAX_ADDRS: addresses per endpoint record.
    public static let maxAddresses = 16

    // MARK: Values and storage

    /// MAX_VALUE_SIZE (messages): largest value payload.
    public static let maxValueSize = 1024 * 1024
    /// MAX_DESERIALIZE_SIZE: largest DHT message accepted by the parser.
    public static let maxMessageSize = maxValueSize + 4096
    /// MAX_CONTACTS_PER_RESPONSE (rpc): contacts in one NODES reply.
    public static let maxContactsPerResponse = 100
    /// swift-korium: the name that scopes a mutable value under its publisher's key.
    public static let maxMutableNameLength = 64
    /// MAX_CONTACT_RECORD_SIZE: largest encoded endpoint record.
    public static let maxContactRecordSize = 16 * 1024
    /// DEFAULT_TTL: lifetime of a stored value unless republished.
    public static let defaultTTL = DHTDuration.seconds(24 * 60 * 60)
    /// ENDPOINT_RECORD_MAX_AGE_SECS / MAX_RECORD_AGE_SECS.
    public static let endpointRecordMaxAge = DHTDuration.seconds(24 * 60 * 60)
    /// EXPIRATION_CHECK_INTERVAL: the housekeeping tick (expiry, refresh, republish checks).
    public static let expirationCheckInterval = DHTDuration.seconds(60)
    /// swift-korium: how often a holder re-replicates a value (Kademlia §2.5 hourly
    /// republish; a holder that received a STORE for the key within the interval skips it).
    public static let republishInterval = DHTDuration.seconds(60 * 60)
    /// swift-korium: republish times get a random delay of up to interval / 8, so the holders
    /// of one value do not all republish at once (the first one's STORE resets the others).
    public static let republishJitterDivisor: Int64 = 8
    /// PRESSURE_MEMORY_SOFT_LIMIT: stored bytes at which memory pressure reaches 1.
    public static let pressureMemorySoftLimit = 4 * 1024 * 1024
    /// PRESSURE_REQUEST_LIMIT: STORE requests per window at which request pressure reaches 1.
    public static let pressureRequestLimit = 200
    /// PRESSURE_REQUEST_WINDOW.
    public static let pressureRequestWindow = DHTDuration.seconds(60)
    /// PRESSURE_THRESHOLD: above it, least-recently-used values are evicted.
    public static let pressureThreshold = 0.75
    /// PER_PEER_STORAGE_QUOTA: bytes one peer may have stored here.
    public static let perPeerStorageQuota = 1024 * 1024
    /// PER_PEER_ENTRY_LIMIT: entries one peer may have stored here.
    public static let perPeerEntryLimit = 100
    /// PER_PEER_RATE_LIMIT: signed (mutable/endpoint) STOREs per peer per window.
    public static let perPeerRateLimit = 20
    /// CONTENT_ADDRESSED_RATE_DIVISOR: a content-addressed STORE costs 1/4 of a signed one
    /// (it is self-verifying and cannot overwrite anything), so a peer may send 4× as many.
    public static let contentAddressedRateDivisor = 4
    /// PER_PEER_RATE_WINDOW.
    public static let perPeerRateWindow = DHTDuration.seconds(60)
    /// MAX_TRACKED_PEERS: LRU cap of the per-peer store rate limiter.
    public static let maxTrackedPeers = 10_000
    /// LOCAL_STORE_MAX_ENTRIES: LRU cap of the local value store.
    public static let localStoreMaxEntries = 100_000
    /// MAX_EVICTION_ITERATIONS: bound on one pressure-eviction pass.
    public static let maxEvictionIterations = 10_000

    // MARK: Lookups

    /// MAX_LOOKUP_ITERATIONS: deepest hop a lookup follows.
    public static let maxLookupIterations = 20
    /// LOOKUP_TOTAL_TIMEOUT.
    public static let lookupTotalTimeout = DHTDuration.seconds(10)
    /// PER_QUERY_TIMEOUT (also the PING timeout of ping-before-evict).
    public static let perQueryTimeout = DHTDuration.seconds(3)
    /// STORE_TIMEOUT.
    public static let storeTimeout = DHTDuration.seconds(5)
    /// FIND_VALUE_TIMEOUT.
    public static let findValueTimeout = DHTDuration.seconds(3)
    /// swift-korium: a lookup query unanswered this long stops counting against α (it can
    /// still answer until PER_QUERY_TIMEOUT), so silent peers cost one second, not three.
    public static let queryStallTimeout = DHTDuration.seconds(1)
    /// swift-korium: candidates one lookup remembers (the farthest unqueried are dropped).
    public static let maxLookupCandidates = 8 * maxK
    /// swift-korium: concurrent lookups per node.
    public static let maxConcurrentLookups = 256
    /// MAX_PENDING_REQUESTS (node): outstanding RPCs per node.
    public static let maxPendingRequests = 1_000
    /// swift-korium: most disjoint paths (S/Kademlia d).
    public static let maxDisjointPaths = 8

    // MARK: Latency tiering

    /// TIERING_RECOMPUTE_INTERVAL: how often the k-means tiers are recomputed.
    public static let tieringRecomputeInterval = DHTDuration.seconds(300)
    /// MAX_RTT_SAMPLES_PER_PREFIX.
    public static let maxRTTSamplesPerPrefix = 32
    /// MIN_LATENCY_TIERS.
    public static let minLatencyTiers = 1
    /// MAX_LATENCY_TIERS.
    public static let maxLatencyTiers = 7
    /// KMEANS_ITERATIONS.
    public static let kmeansIterations = 20
    /// TIERING_PENALTY_FACTOR: a candidate one tier slower counts as 1.5× farther.
    public static let tieringPenaltyFactor = 1.5
    /// MAX_TIERING_TRACKED_PREFIXES: LRU cap of the prefix table.
    public static let maxTieringTrackedPrefixes = 10_000
    /// ALPHA (0.3): smoothing factor of the per-prefix RTT average (EMA weight of a sample).
    public static let rttSmoothing = 0.3
    /// swift-korium: one more tier is kept only if it cuts the clustering error by at least
    /// this fraction of the one-tier error (elbow rule).
    public static let tierGainThreshold = 0.05

    // MARK: Adaptive parameters (korium-constants.md, "Adaptive k and α")

    /// k = clamp(10 + round(20·f), 10, 30) for failure rate f ∈ [0, 1].
    public static func adaptiveK(failureRate f: Double) -> Int {
        let raw = 10 + Int((20 * clampUnit(f)).rounded())
        return min(max(raw, minK), maxK)
    }

    /// α = clamp(2 + round(3·f), 2, 5). Korium's README says α "reduces under congestion" but
    /// its code raises α with failures; swift-korium follows the code: failures are timeouts,
    /// and more queries in flight hide them, which is what keeps lookups fast under churn.
    public static func adaptiveAlpha(failureRate f: Double) -> Int {
        let raw = 2 + Int((3 * clampUnit(f)).rounded())
        return min(max(raw, minAlpha), maxAlpha)
    }

    @inline(__always)
    static func clampUnit(_ f: Double) -> Double { f.isNaN ? 0 : min(max(f, 0), 1) }
}
