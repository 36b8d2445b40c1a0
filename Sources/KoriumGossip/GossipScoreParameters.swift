/// Peer-score parameters (GossipSub v1.1 §Peer Scoring) with Korium's defaults.
///
/// Korium ships P3/P3b disabled (weight 0). Here they are enabled, with values derived from the
/// topic's expected message rate as the v1.1 spec lays the parameters out (§P₃ and P₃b,
/// §Parameter Decay), see ``GossipTopicScoreParameters/derived(expectedMessageRate:meshDegree:fullDeficitPenalty:lateFullDeficitPenalty:)``.
/// Korium caps P6 at 90 (weight −10); here P6 is the uncapped v1.1 formula with weight −15,
/// see ``maxIPColocationPenalty`` and ``ipColocationFactorWeight``.
public struct GossipScoreParameters: Sendable, Equatable {
    /// No gossip to or from peers below (DEFAULT_GOSSIP_THRESHOLD).
    public var gossipThreshold = -25.0
    /// Own messages not flood-published to peers below (DEFAULT_PUBLISH_THRESHOLD).
    public var publishThreshold = -50.0
    /// RPCs of peers below are ignored (DEFAULT_GRAYLIST_THRESHOLD).
    public var graylistThreshold = -100.0
    /// PX from peers at or below is ignored. Korium has no value; v1.1 asks for a non-negative
    /// value attainable only by well-behaved peers: 10 (ten first deliveries, or 1 s in mesh).
    public var acceptPXThreshold = 10.0
    /// Median mesh score below which opportunistic grafting runs (DEFAULT_OPPORTUNISTIC_GRAFT_THRESHOLD).
    public var opportunisticGraftThreshold = 1.0
    /// Decay period, ns (DEFAULT_DECAY_INTERVAL).
    public var decayIntervalNanos: Int64 = 1_000_000_000
    /// Counters below this become 0 (DEFAULT_DECAY_TO_ZERO).
    public var decayToZero = 0.01
    /// How long a disconnected peer's counters are kept (v1.1 `RetainScore`; 10 min here).
    public var retainScoreNanos: Int64 = 600_000_000_000
    /// Cap on the summed topic contribution; 0 means none.
    public var topicScoreCap = 0.0

    /// P5 weight (DEFAULT_P5_WEIGHT).
    public var appSpecificWeight = 1.0
    /// P6 weight. Korium's DEFAULT_P6_WEIGHT is −10; −15 here (see `maxIPColocationPenalty`).
    ///
    /// v1.1 only constrains the sign (§Overview of New Parameters: negative, threshold ≥ 1) and
    /// leaves the magnitudes to tuning, so the weight is placed on the ladder of thresholds,
    /// for `s` = peers on one address beyond the threshold (P6 = s²):
    /// - s = 1 (two peers behind one NAT) stays above the gossip threshold (−25): |w6| < 25;
    /// - s = 3 (four peers on one address) falls below the graylist threshold (−100):
    ///   9·|w6| > 100, |w6| > 11.1 — then s = 2 is below the gossip threshold as well.
    /// −15 sits inside (11.1, 25) with room on both sides: −15, −60, −135, −240 for 2…5 peers.
    public var ipColocationFactorWeight = -15.0
    /// Peers per IP allowed before P6 applies (IP_COLOCATION_THRESHOLD).
    public var ipColocationFactorThreshold = 1
    /// Largest P6 penalty magnitude; 0 (the default) means none: the v1.1 formula.
    ///
    /// Korium caps |w6·P6| at 90 (MAX_P6_PENALTY) so that colocation alone (a data centre, a
    /// NAT) lowers a peer's rank but never graylists it. Issue 7's acceptance asks the opposite
    /// (Sybils visible to scoring only through colocation must fall below the graylist
    /// threshold within 60 s), and that point overrides Korium's constant here, so the default
    /// is the uncapped spec formula. Set 90 (with weight −10) for Korium's behaviour; the cost
    /// of the default is that a node connected to four or more peers behind one address
    /// graylists them, unless their application score (P5) lifts them.
    public var maxIPColocationPenalty = 0.0
    /// P7 weight (DEFAULT_P7_WEIGHT).
    public var behaviourPenaltyWeight = -10.0
    /// P7 counter decay per interval (Korium has none; 0.99: a spammer stays penalised for
    /// minutes, while one stray penalty (−10) is forgotten in ~8 min).
    public var behaviourPenaltyDecay = 0.99
    /// P7 counts only the part above this (go-libp2p `BehaviourPenaltyThreshold`): one or two
    /// stray penalties (a GRAFT racing a backoff, a lost IWANT answer) cost nothing.
    public var behaviourPenaltyThreshold = 2.0

    /// Parameters of the topics that count towards the score; other topics contribute nothing.
    public var topics: [String: GossipTopicScoreParameters] = [:]
    /// Parameters applied to any topic not in `topics` (nil: such topics do not count).
    public var defaultTopic: GossipTopicScoreParameters? = .derived(expectedMessageRate: 1, meshDegree: 12)

    /// Korium's defaults.
    public init() {}

    /// The parameters of `topic`, if it is scored.
    @inlinable
    public func parameters(for topic: String) -> GossipTopicScoreParameters? {
        // Most deployments score every topic alike: skip hashing the name then.
        topics.isEmpty ? defaultTopic : (topics[topic] ?? defaultTopic)
    }
}

/// Per-topic score parameters (v1.1 §Overview of New Parameters, topic table).
public struct GossipTopicScoreParameters: Sendable, Equatable {
    /// Weight of the topic's contribution.
    public var topicWeight = 1.0
    /// P1 weight (DEFAULT_P1_WEIGHT).
    public var timeInMeshWeight = 1.0
    /// Time in mesh that earns one P1 point, ns (DEFAULT_TIME_IN_MESH_QUANTUM).
    public var timeInMeshQuantumNanos: Int64 = 100_000_000
    /// P1 cap (DEFAULT_TIME_IN_MESH_CAP).
    public var timeInMeshCap = 3_600.0
    /// P2 weight (DEFAULT_P2_WEIGHT).
    public var firstMessageDeliveriesWeight = 1.0
    /// P2 decay per interval (Korium has none; 0.9).
    public var firstMessageDeliveriesDecay = 0.9
    /// P2 cap (DEFAULT_FIRST_MESSAGE_DELIVERIES_CAP).
    public var firstMessageDeliveriesCap = 100.0
    /// P3 weight (negative; 0 disables P3).
    public var meshMessageDeliveriesWeight = 0.0
    /// P3 decay per interval.
    public var meshMessageDeliveriesDecay = 0.9
    /// P3 threshold.
    public var meshMessageDeliveriesThreshold = 0.0
    /// P3 cap.
    public var meshMessageDeliveriesCap = 0.0
    /// Time in mesh before P3 applies, ns.
    public var meshMessageDeliveriesActivationNanos: Int64 = 0
    /// Time after a first delivery during which a mesh peer's copy counts as near-first, ns.
    public var meshMessageDeliveryWindowNanos: Int64 = 5_000_000
    /// Whether a mesh peer's copy that arrives less than that peer's minimum round-trip time
    /// after we validated (and forwarded) the message also counts as near-first.
    ///
    /// Such a copy cannot be an echo of ours: an echo needs our copy to reach the peer and its
    /// copy to come back, at least one round trip. It is a copy the peer forwarded on receiving
    /// it from someone else, while ours was in flight — what an honest peer that is not
    /// downstream of us does. With only the millisecond window, a peer farther from the
    /// publishers than we are never delivers "near-first", and P3 cannot tell it from a
    /// withholder. The round trip comes from the transport
    /// (``GossipRouter/setMinimumRoundTrip(_:for:)``), capped at
    /// ``GossipLimits/maxNearFirstRoundTripNanos``; P3 does not activate for a peer until the
    /// transport has reported one (false: the window alone, P3 activates regardless).
    /// Limit: a peer that holds back its acknowledgements inflates the round trip the transport
    /// measures, and could then have echoes of our copies credited; the cap bounds that, and
    /// such a peer still relays every message back to us.
    public var nearFirstWithinRoundTrip = true
    /// If above 0, the P3 threshold is at most this share of the topic's recent traffic (the
    /// valid messages this router received first in the topic, counted with the P3 decay), so
    /// a topic that goes quiet does not read as every mesh peer withholding. 0: the spec's
    /// absolute threshold.
    public var meshMessageDeliveriesTrafficShare = 0.0
    /// The P3 threshold given the topic's recent traffic (see ``meshMessageDeliveriesTrafficShare``).
    @inlinable
    public func meshMessageDeliveriesThreshold(topicTraffic: Double) -> Double {
        meshMessageDeliveriesTrafficShare > 0
            ? min(meshMessageDeliveriesThreshold, meshMessageDeliveriesTrafficShare * topicTraffic)
            : meshMessageDeliveriesThreshold
    }

    /// P3b weight (negative; 0 disables P3b).
    public var meshFailurePenaltyWeight = 0.0
    /// Factor on P3b for a peer pruned with a deficit that kept sending copies too late to be
    /// credited by P3 (at least the P3 threshold of them, decayed like P3): slow — a congested
    /// uplink, a long queue — or echoing ours back. A peer that sent (almost) nothing, a
    /// withholder, takes the full weight. 1: no distinction (the spec).
    public var meshFailureLateFactor = 1.0
    /// P3b decay per interval.
    public var meshFailurePenaltyDecay = 0.998
    /// P4 weight (DEFAULT_P4_WEIGHT).
    public var invalidMessageDeliveriesWeight = -100.0
    /// P4 decay per interval (Korium has none; 0.99 halves the count in ~70 s).
    public var invalidMessageDeliveriesDecay = 0.99

    /// Korium's topic defaults with P3/P3b disabled.
    public init() {}

    /// Korium's defaults with P3/P3b enabled and derived from the topic's expected rate.
    ///
    /// Derivation (v1.1 §P₃ and P₃b, §Parameter Decay), for `R` = expected messages per second
    /// in the topic and `D_hi` = the largest mesh (`meshDegree` is `D_hi`), decay interval 1 s:
    /// - Each message reaches us first (or near-first) through one mesh peer, so in a mesh of
    ///   at most `D_hi` peers a peer's fair share of first deliveries is `ρ = R/D_hi` per second.
    /// - Decay window `W = 10·D_hi/R` s (at least 10 s): decay `δ = 1 − 1/W`, and a peer
    ///   delivering its fair share settles at `c∞ = ρ·W = 10`.
    /// - Threshold `c∞/8 = 1.25` (an eighth of the fair share), cap `c∞ = 10` (so a
    ///   withholder's counter starts from at most 10 when it stops), activation `3·W` (95 % of
    ///   `c∞` after `3·W` of traffic).
    /// - Near-first within the peer's round trip (``nearFirstWithinRoundTrip``): an honest mesh
    ///   peer is credited for every message it received before our copy could reach it — all
    ///   but the ones for which we are its fastest source, about `(D − 1)/D` of the topic's
    ///   messages — so it settles at the cap, far above the threshold, however far from the
    ///   publishers it is. A withholder settles at 0.
    /// - Traffic share `1/(8·D_hi)` (``meshMessageDeliveriesTrafficShare``): at the expected
    ///   rate the topic's own counter settles at `R·W = D_hi·c∞`, so the threshold is unchanged;
    ///   below it the threshold shrinks with the traffic, and a quiet topic penalises no one.
    /// - P3 weight: a full deficit (`threshold²`) must outweigh the largest positive topic score
    ///   (P1 cap + P2 cap = 3700) so a withholding peer is pruned: `w3 = −3800/threshold² = −2432`.
    /// - P3b weight `w3b = w3` (``fullDeficitPenalty`` nil; a prune with a full deficit costs
    ///   3800): the heartbeat prunes a peer as soon as `|w3|·deficit²` exceeds its P1 + P2, and
    ///   P3b records that deficit², so the sticky penalty equals the positive score the peer
    ///   had built; once out of the mesh P1 is gone and its score is ≈ −P1. P3 applies only after
    ///   `3·W` in the mesh (P1 ≥ 300), so a pruned withholder is at most −300: graylisted. Decay
    ///   0.998 (sticky, ~6 min half-life).
    /// - Late copies (``meshFailureLateFactor``): a peer pruned with a deficit that still sent
    ///   copies, too late for P3 (a congested uplink delays an honest peer's forwards beyond the
    ///   round trip), records P3b scaled to a full-deficit penalty of `lateFullDeficitPenalty`
    ///   (20): out of the mesh, below zero, not graylisted. Only a peer that sent (almost)
    ///   nothing — a withholder — takes `w3b`.
    /// - Measured (BENCHMARKS.md, covert flash): withholders out of every mesh and graylisted
    ///   30–40 s after they stop, honest delivery unchanged with and without the attack.
    ///   With the spec's fixed window alone (``nearFirstWithinRoundTrip`` false) honest peers
    ///   downstream of us look like withholders, and such a P3b weight graylists them too.
    /// With `R = 1`, `D_hi = 12`: W = 120 s, δ = 0.9917, activation 360 s. With `R = 10`:
    /// W = 12 s, δ = 0.917, activation 36 s; threshold 1.25, cap 10, w3 = w3b = −2432 whenever
    /// `W` is not clamped (`R ≤ D_hi`). With `R = 20`, W is clamped to 10 s: δ = 0.9,
    /// activation 30 s, c∞ = 16.7, threshold 2.08, cap 16.7, w3 = w3b = −875.5.
    ///
    /// - Parameters:
    ///   - fullDeficitPenalty: `|w3b|·threshold²`, the P3b penalty of a prune with a full
    ///     deficit; nil gives `w3b = w3`.
    ///   - lateFullDeficitPenalty: the same for a peer that kept sending late copies (at most
    ///     `fullDeficitPenalty`).
    public static func derived(expectedMessageRate rate: Double, meshDegree: Int,
                               fullDeficitPenalty: Double? = nil,
                               lateFullDeficitPenalty: Double = 20) -> GossipTopicScoreParameters {
        var p = GossipTopicScoreParameters()
        let r = max(rate, 0.001)
        let degree = Double(max(meshDegree, 1))
        let window = max(10 * degree / r, 10)
        let perPeer = r / degree
        let steady = perPeer * window
        p.meshMessageDeliveriesDecay = 1 - 1 / window
        p.meshMessageDeliveriesThreshold = steady / 8
        p.meshMessageDeliveriesCap = steady
        p.meshMessageDeliveriesActivationNanos = Int64(3 * window * 1e9)
        p.meshMessageDeliveriesTrafficShare = 1 / (8 * degree)
        let t2 = p.meshMessageDeliveriesThreshold * p.meshMessageDeliveriesThreshold
        let fullDeficit = p.timeInMeshCap * p.timeInMeshWeight
            + p.firstMessageDeliveriesCap * p.firstMessageDeliveriesWeight + 100
        p.meshMessageDeliveriesWeight = -fullDeficit / t2
        let full = abs(fullDeficitPenalty ?? fullDeficit)
        p.meshFailurePenaltyWeight = -full / t2
        p.meshFailureLateFactor = full > 0 ? min(abs(lateFullDeficitPenalty) / full, 1) : 1
        p.meshFailurePenaltyDecay = 0.998
        return p
    }
}
