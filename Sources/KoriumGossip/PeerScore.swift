/// Score counters of one peer (GossipSub v1.1 §The Score Function), kept while connected and
/// for `retainScoreNanos` after it disconnects.
struct PeerScore {
    struct Topic {
        var inMesh = false
        var graftTime: Int64 = 0
        var meshTime: Int64 = 0
        var firstMessageDeliveries = 0.0
        var meshMessageDeliveries = 0.0
        var meshMessageDeliveriesActive = false
        /// Copies the peer sent while in our mesh too late for P3, decayed and capped like P3:
        /// tells a peer that is slow from one that sends nothing.
        var meshLateCopies = 0.0
        var meshFailurePenalty = 0.0
        /// P3b deficits of prunes of a peer that kept sending late copies (weighted by
        /// `meshFailureLateFactor`; a separate counter so a small weight does not round it to zero).
        var meshLateFailurePenalty = 0.0
        var invalidMessageDeliveries = 0.0

        var isZero: Bool {
            !inMesh && firstMessageDeliveries == 0 && meshMessageDeliveries == 0 && meshLateCopies == 0
                && meshFailurePenalty == 0 && meshLateFailurePenalty == 0 && invalidMessageDeliveries == 0
        }
    }

    var topics: [String: Topic] = [:]
    var behaviourPenalty = 0.0
    var applicationScore = 0.0
    var address: UInt64 = 0
    var connected = true
    /// Whether the transport reported a round trip (``GossipRouter/setMinimumRoundTrip(_:for:)``);
    /// until then P3 does not activate in topics that credit near-first copies by round trip,
    /// as the peer's honest copies could not be credited.
    var roundTripKnown = false
    /// When a disconnected record is forgotten.
    var expiresAt: Int64 = .max

    /// The score given the parameters, the number of connected peers sharing the address and
    /// the router's recent traffic per topic (which scales the P3 threshold).
    func value(_ p: GossipScoreParameters, colocated: Int, traffic: [String: Double]) -> Double {
        var topicSum = 0.0
        for (name, t) in topics {
            guard let tp = p.parameters(for: name) else { continue }
            var s = 0.0
            if t.inMesh {
                let p1 = min(Double(t.meshTime) / Double(max(tp.timeInMeshQuantumNanos, 1)), tp.timeInMeshCap)
                s += p1 * tp.timeInMeshWeight
            }
            s += t.firstMessageDeliveries * tp.firstMessageDeliveriesWeight
            if t.meshMessageDeliveriesActive {
                let threshold = tp.meshMessageDeliveriesThreshold(topicTraffic: traffic[name] ?? 0)
                if t.meshMessageDeliveries < threshold {
                    let deficit = threshold - t.meshMessageDeliveries
                    s += deficit * deficit * tp.meshMessageDeliveriesWeight
                }
            }
            s += (t.meshFailurePenalty + t.meshLateFailurePenalty * tp.meshFailureLateFactor) * tp.meshFailurePenaltyWeight
            s += t.invalidMessageDeliveries * t.invalidMessageDeliveries * tp.invalidMessageDeliveriesWeight
            topicSum += s * tp.topicWeight
        }
        if p.topicScoreCap > 0, topicSum > p.topicScoreCap { topicSum = p.topicScoreCap }
        var score = topicSum + applicationScore * p.appSpecificWeight
        let surplus = colocated - p.ipColocationFactorThreshold
        if surplus > 0 {
            let p6 = Double(surplus * surplus) * p.ipColocationFactorWeight
            score += p.maxIPColocationPenalty > 0 ? max(p6, -p.maxIPColocationPenalty) : p6
        }
        let excess = behaviourPenalty - p.behaviourPenaltyThreshold
        if excess > 0 { score += excess * excess * p.behaviourPenaltyWeight }
        return score
    }

    /// One decay step (v1.1 §Parameter Decay); also refreshes time in mesh.
    mutating func decay(_ p: GossipScoreParameters, now: Int64) {
        // In place through the values (mutating while iterating a copy would copy the table).
        var emptied = false
        var i = topics.startIndex
        while i != topics.endIndex {
            if let tp = p.parameters(for: topics.keys[i]) {
                let zero: Bool = { (t: inout Topic) in
                    t.firstMessageDeliveries = Self.decayed(t.firstMessageDeliveries, tp.firstMessageDeliveriesDecay, p.decayToZero)
                    t.meshMessageDeliveries = Self.decayed(t.meshMessageDeliveries, tp.meshMessageDeliveriesDecay, p.decayToZero)
                    t.meshLateCopies = Self.decayed(t.meshLateCopies, tp.meshMessageDeliveriesDecay, p.decayToZero)
                    t.meshFailurePenalty = Self.decayed(t.meshFailurePenalty, tp.meshFailurePenaltyDecay, p.decayToZero)
                    t.meshLateFailurePenalty = Self.decayed(t.meshLateFailurePenalty, tp.meshFailurePenaltyDecay, p.decayToZero)
                    t.invalidMessageDeliveries = Self.decayed(t.invalidMessageDeliveries, tp.invalidMessageDeliveriesDecay, p.decayToZero)
                    if t.inMesh {
                        t.meshTime = now - t.graftTime
                        if t.meshTime > tp.meshMessageDeliveriesActivationNanos, roundTripKnown || !tp.nearFirstWithinRoundTrip {
                            t.meshMessageDeliveriesActive = true
                        }
                    }
                    return t.isZero
                }(&topics.values[i])
                emptied = emptied || zero
            }
            topics.formIndex(after: &i)
        }
        if emptied { topics = topics.filter { !$0.value.isZero } }
        behaviourPenalty = Self.decayed(behaviourPenalty, p.behaviourPenaltyDecay, p.decayToZero)
    }

    static func decayed(_ v: Double, _ factor: Double, _ zero: Double) -> Double {
        let d = v * factor
        return abs(d) < zero ? 0 : d
    }

    /// Whether every counter has decayed to zero (used by tests and for forgetting records).
    var isZero: Bool { topics.isEmpty && behaviourPenalty == 0 }
}
