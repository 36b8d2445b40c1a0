extension GossipRouter {
    mutating func decayScores(_ sp: GossipScoreParameters, now: Int64) {
        var i = scores.startIndex
        while i != scores.endIndex {
            scores.values[i].decay(sp, now: now)
            scores.formIndex(after: &i)
        }
        var t = topicTraffic.startIndex
        while t != topicTraffic.endIndex {
            if let tp = sp.parameters(for: topicTraffic.keys[t]) {
                topicTraffic.values[t] = PeerScore.decayed(topicTraffic.values[t], tp.meshMessageDeliveriesDecay, sp.decayToZero)
            }
            topicTraffic.formIndex(after: &t)
        }
    }

    /// P7: adds `amount` to the behavioural-penalty counter.
    mutating func penalize(_ peer: GossipPeerID, _ amount: Double) {
        guard parameters.scoring != nil else { return }
        scores[peer]?.behaviourPenalty += amount
    }

    mutating func withTopic(_ peer: GossipPeerID, _ topic: String, _ body: (inout PeerScore.Topic, GossipTopicScoreParameters) -> Void) {
        guard let sp = parameters.scoring, let tp = sp.parameters(for: topic), var s = scores[peer] else { return }
        var t = s.topics[topic] ?? PeerScore.Topic()
        body(&t, tp)
        s.topics[topic] = t
        scores[peer] = s
    }

    mutating func scoreGraft(_ peer: GossipPeerID, topic: String, now: Int64) {
        withTopic(peer, topic) { t, _ in
            t.inMesh = true
            t.graftTime = now
            t.meshTime = 0
            t.meshMessageDeliveriesActive = false
        }
    }

    /// Leaving the mesh; v1.1 §P₃b: an active deficit at prune time becomes sticky penalty.
    mutating func scorePrune(_ peer: GossipPeerID, topic: String, now: Int64) {
        let traffic = topicTraffic[topic] ?? 0
        withTopic(peer, topic) { t, tp in
            let threshold = tp.meshMessageDeliveriesThreshold(topicTraffic: traffic)
            if t.meshMessageDeliveriesActive, t.meshMessageDeliveries < threshold {
                let deficit = threshold - t.meshMessageDeliveries
                // A peer that kept sending copies, too late for P3, is slow (or echoing), not
                // withholding: its P3b is scaled down (GossipTopicScoreParameters.meshFailureLateFactor).
                if t.meshLateCopies < threshold {
                    t.meshFailurePenalty += deficit * deficit
                } else {
                    t.meshLateFailurePenalty += deficit * deficit
                }
            }
            t.inMesh = false
            t.meshMessageDeliveriesActive = false
        }
    }

    /// P2 (first delivery) and P3 (mesh delivery) for the first forwarder of a valid message,
    /// and the topic's traffic counter.
    mutating func scoreFirstDelivery(_ peer: GossipPeerID, topic: String) {
        // Only subscribed topics have an entry (set on subscribe): one lookup, no insertion.
        if let i = topicTraffic.index(forKey: topic) { topicTraffic.values[i] += 1 }
        withTopic(peer, topic) { t, tp in
            t.firstMessageDeliveries = min(t.firstMessageDeliveries + 1, tp.firstMessageDeliveriesCap)
            if t.inMesh { t.meshMessageDeliveries = min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap) }
        }
    }

    /// P3 for a near-first delivery by a mesh peer.
    mutating func scoreNearFirst(_ peer: GossipPeerID, topic: String) {
        withTopic(peer, topic) { t, tp in
            if t.inMesh { t.meshMessageDeliveries = min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap) }
        }
    }

    /// A copy from a mesh peer too late to count for P3 (see `PeerScore.Topic.meshLateCopies`).
    mutating func scoreLateCopy(_ peer: GossipPeerID, topic: String) {
        withTopic(peer, topic) { t, tp in
            if t.inMesh { t.meshLateCopies = min(t.meshLateCopies + 1, tp.meshMessageDeliveriesCap) }
        }
    }

    /// P4: an invalid message forwarded by `peer`.
    mutating func scoreInvalid(_ peer: GossipPeerID, topic: String) {
        withTopic(peer, topic) { t, _ in t.invalidMessageDeliveries += 1 }
    }
}
