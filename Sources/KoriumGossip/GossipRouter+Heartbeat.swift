extension GossipRouter {
    /// The periodic heartbeat (v1.0 §Heartbeat, v1.1 §Heartbeat Maintenance): score decay,
    /// mesh maintenance with D/D_lo/D_hi/D_score/D_out, opportunistic grafting, fanout
    /// expiry, gossip emission, and expiry of every time-bounded table.
    public mutating func handleHeartbeat(now: GossipInstant, rng: inout some RandomNumberGenerator) {
        let t = now.nanoseconds
        heartbeatTicks += 1
        if let sp = parameters.scoring, t - lastDecay >= sp.decayIntervalNanos {
            lastDecay = t
            decayScores(sp, now: t)
        }
        expireTables(now: t)

        var toGraft: [GossipPeerID: [String]] = [:]
        for topic in subscriptions.sorted() {
            var m = mesh[topic] ?? []
            // Negative-score peers leave the mesh (no PX for them).
            for p in m.sorted() where score(of: p) < 0 {
                m.remove(p)
                prune(p, topic: topic, now: now, px: false)
            }
            if m.count < parameters.dLow {
                let candidates = eligibleForGraft(topic, excluding: m, now: now).permuted(seed: rng.next())
                for p in candidates.prefix(parameters.d - m.count) { m.insert(p); toGraft[p, default: []].append(topic) }
            }
            if m.count > parameters.dHigh {
                let keep = selectSurvivors(m, rng: &rng)
                for p in m.subtracting(keep).sorted() { prune(p, topic: topic, now: now, px: true) }
                m = keep
            }
            if m.count >= parameters.dLow {
                let outbound = m.filter { peers[$0]?.outbound == true }.count
                if outbound < parameters.dOut {
                    let candidates = eligibleForGraft(topic, excluding: m, now: now)
                        .filter { peers[$0]?.outbound == true }.permuted(seed: rng.next())
                    for p in candidates.prefix(parameters.dOut - outbound) { m.insert(p); toGraft[p, default: []].append(topic) }
                }
            }
            if parameters.scoring != nil, parameters.opportunisticGraftTicks > 0,
               heartbeatTicks % parameters.opportunisticGraftTicks == 0, m.count > 1,
               let threshold = parameters.scoring?.opportunisticGraftThreshold {
                let sorted = m.map { score(of: $0) }.sorted()
                let median = sorted[sorted.count / 2]
                if median < threshold {
                    let better = eligibleForGraft(topic, excluding: m, now: now)
                        .filter { score(of: $0) > median }.permuted(seed: rng.next())
                    for p in better.prefix(parameters.opportunisticGraftPeers) { m.insert(p); toGraft[p, default: []].append(topic) }
                }
            }
            mesh[topic] = mesh[topic]?.intersection(m) ?? []
            emitGossip(topic, exclude: m, now: now, rng: &rng)
        }
        for (p, topics) in toGraft.sorted(by: { $0.key < $1.key }) {
            for topic in topics {
                mesh[topic, default: []].insert(p)
                scoreGraft(p, topic: topic, now: t)
            }
            enqueue(GossipRPC(control: GossipControl(graft: topics)), to: p)
        }

        // Fanout: expire after the TTL, drop departed/low peers, top up to D.
        let publishThreshold = parameters.scoring?.publishThreshold ?? -.infinity
        for topic in fanout.keys.sorted() {
            if t - (fanoutLastPublish[topic] ?? t) > parameters.fanoutTTLNanos {
                fanout[topic] = nil; fanoutLastPublish[topic] = nil
                continue
            }
            var f = fanout[topic] ?? []
            f = f.filter { topicPeers[topic]?.contains($0) == true && score(of: $0) >= publishThreshold }
            if f.count < parameters.d {
                let extra = (topicPeers[topic] ?? []).filter { !f.contains($0) && score(of: $0) >= publishThreshold }
                    .sorted().permuted(seed: rng.next())
                f.formUnion(extra.prefix(parameters.d - f.count))
            }
            fanout[topic] = f
            emitGossip(topic, exclude: f, now: now, rng: &rng)
        }
        for topic in fanoutLastPublish.keys where fanout[topic] == nil && !subscriptions.contains(topic) {
            if t - (fanoutLastPublish[topic] ?? t) > parameters.fanoutTTLNanos { fanoutLastPublish[topic] = nil }
        }
        mcache.shift()
    }

    /// v1.1: keep the `D_score` best-scoring peers, fill to `D` at random, then make sure at
    /// least `D_out` survivors are outbound by swapping in outbound peers for the lowest others.
    func selectSurvivors(_ m: Set<GossipPeerID>, rng: inout some RandomNumberGenerator) -> Set<GossipPeerID> {
        let shuffled = m.sorted().permuted(seed: rng.next())
        let byScore = shuffled.sorted { score(of: $0) > score(of: $1) }
        var keep = Array(byScore.prefix(parameters.dScore))
        keep += Array(byScore.dropFirst(parameters.dScore)).permuted(seed: rng.next()).prefix(parameters.d - keep.count)
        let outboundKept = keep.filter { peers[$0]?.outbound == true }.count
        if outboundKept < parameters.dOut {
            let spare = byScore.filter { peers[$0]?.outbound == true && !keep.contains($0) }
            var need = parameters.dOut - outboundKept
            var i = keep.count - 1
            for o in spare where need > 0 {
                while i >= 0, peers[keep[i]]?.outbound == true { i -= 1 }
                guard i >= 0 else { break }
                keep[i] = o
                need -= 1
                i -= 1
            }
        }
        return Set(keep)
    }

    /// IHAVE to `max(D_lazy, gossipFactor × eligible)` random non-mesh peers above the gossip
    /// threshold (v1.1 §Adaptive Gossip Dissemination).
    mutating func emitGossip(_ topic: String, exclude: Set<GossipPeerID>, now: GossipInstant,
                             rng: inout some RandomNumberGenerator) {
        let ids = mcache.gossipIDs(topic: topic)
        guard !ids.isEmpty else { return }
        let gossipThreshold = parameters.scoring?.gossipThreshold ?? -.infinity
        let eligible = (topicPeers[topic] ?? []).filter { !exclude.contains($0) && score(of: $0) >= gossipThreshold }.sorted()
        guard !eligible.isEmpty else { return }
        let target = max(parameters.dLazy, Int(Double(eligible.count) * parameters.gossipFactor))
        let chosen = eligible.randomSample(target, seed: rng.next())
        for p in chosen {
            var advertised = ids
            if advertised.count > GossipLimits.maxIHaveLength {
                // A different random subset for each peer (as go-libp2p does).
                advertised = advertised.randomSample(GossipLimits.maxIHaveLength, seed: rng.next())
            }
            enqueue(GossipRPC(control: GossipControl(ihave: [GossipIHave(topic: topic, messageIDs: advertised)])), to: p)
        }
    }

    mutating func expireTables(now t: Int64) {
        expireSeen(now: t)
        for (k, until) in backoff where until &+ parameters.backoffSlackNanos <= t { backoff[k] = nil }
        var broken: [GossipPeerID: Int] = [:]
        // In place (through the dictionary's values), so the per-peer sets are not copied.
        var i = peers.startIndex
        while i != peers.endIndex {
            let id = peers.keys[i]
            let expired: Int = {
                $0.ihaveMessages = 0
                $0.iasked = 0
                $0.idontwantReceived = 0
                $0.idontwant.expire(now: t)
                guard !$0.promises.isEmpty else { return 0 }
                let before = $0.promises.count
                $0.promises = $0.promises.filter { $0.value > t }
                return before - $0.promises.count
            }(&peers.values[i])
            if expired > 0 {
                globalPromises -= expired
                broken[id, default: 0] += expired
            }
            peers.formIndex(after: &i)
        }
        // v1.1 §Spam Protection: a broken IWANT promise is a P7 penalty.
        for (p, n) in broken { penalize(p, Double(n)) }
        for (id, v) in pendingValidations where v.deadline <= t {
            pendingValidations[id] = nil
            drops.add(.validationTimeout)
            seen[id]?.status = .ignored
        }
        for (p, s) in scores where !s.connected && s.expiresAt <= t { scores[p] = nil }
    }
}
