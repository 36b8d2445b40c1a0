extension GossipRouter {
    mutating func handleControl(_ c: GossipControl, from peer: GossipPeerID, now: GossipInstant,
                                rng: inout some RandomNumberGenerator) {
        if !c.idontwant.isEmpty { handleIDontWant(c.idontwant, from: peer, now: now) }
        if !c.ihave.isEmpty { handleIHave(c.ihave, from: peer, now: now, rng: &rng) }
        if !c.iwant.isEmpty { handleIWant(c.iwant, from: peer, now: now) }
        for t in c.graft { handleGraft(t, from: peer, now: now) }
        for p in c.prune { handlePrune(p, from: peer, now: now, rng: &rng) }
    }

    /// v1.2: remember the IDs (bounded per peer, TTL), at most `maxIDontWantMessagesPerHeartbeat`.
    mutating func handleIDontWant(_ ids: [GossipMessageID], from peer: GossipPeerID, now: GossipInstant) {
        // In place: a copy of the record would copy its ID set on the first insert.
        guard let slot = peers.index(forKey: peer) else { return }
        let refused: Int = {
            var refused = 0
            for id in ids {
                guard $0.idontwantReceived < GossipLimits.maxIDontWantMessagesPerHeartbeat else { refused += 1; continue }
                $0.idontwantReceived += 1
                $0.idontwant.insert(id, now: now.nanoseconds)
            }
            return refused
        }(&peers.values[slot])
        if refused > 0 { drops.add(.idontwantFlood, refused) }
    }

    /// v1.0 IHAVE with the v1.1 spam limits: ignored below the gossip threshold, at most
    /// `maxIHaveMessagesPerHeartbeat` IHAVEs and `maxIWantMessages` requested IDs per peer and
    /// heartbeat; one random requested ID is tracked as a promise (P7 if broken).
    mutating func handleIHave(_ ihaves: [GossipIHave], from peer: GossipPeerID, now: GossipInstant,
                              rng: inout some RandomNumberGenerator) {
        guard var p = peers[peer] else { return }
        if let sp = parameters.scoring, score(of: peer) < sp.gossipThreshold { drops.add(.ihaveIgnored); return }
        var wanted: [GossipMessageID] = []
        for ih in ihaves {
            p.ihaveMessages += 1
            guard p.ihaveMessages <= GossipLimits.maxIHaveMessagesPerHeartbeat else { drops.add(.ihaveIgnored); continue }
            guard subscriptions.contains(ih.topic) else { continue }
            for id in ih.messageIDs.prefix(GossipLimits.maxIHaveLength) where seen[id] == nil && !wanted.contains(id) {
                guard p.iasked < GossipLimits.maxIWantMessages else { break }
                p.iasked += 1
                wanted.append(id)
            }
        }
        peers[peer] = p
        guard !wanted.isEmpty else { return }
        enqueue(GossipRPC(control: GossipControl(iwant: wanted)), to: peer)
        // v1.1 §Spam Protection: track one random requested ID as a promise.
        guard let promised = wanted.randomElement(using: &rng) else { return }
        guard globalPromises < GossipLimits.maxGlobalPendingIWants else { drops.add(.promiseTableFull); return }
        if peers[peer]!.promises.count >= GossipLimits.maxPendingIWants { drops.add(.promiseTableFull); return }
        if peers[peer]!.promises.updateValue(now.nanoseconds &+ GossipLimits.iwantFollowupNanos, forKey: promised) == nil {
            globalPromises += 1
        }
    }

    /// IWANT: served from the message cache, at most `iwantRateLimit` requests per window
    /// (excess penalised through P7), `gossipRetransmission` copies per message and peer, and
    /// `maxIWantResponseBytes` per request.
    mutating func handleIWant(_ ids: [GossipMessageID], from peer: GossipPeerID, now: GossipInstant) {
        guard var p = peers[peer] else { return }
        let t = now.nanoseconds
        if t - p.iwantWindowStart >= GossipLimits.rateLimitWindowNanos { p.iwantWindowStart = t; p.iwantCount = 0 }
        p.iwantCount += 1
        peers[peer] = p
        // The rate is checked first so that a spammer keeps paying P7 after it has fallen
        // below the gossip threshold, until it is graylisted.
        guard p.iwantCount <= GossipLimits.iwantRateLimit else {
            drops.add(.iwantRateLimited)
            penalize(peer, 1)
            return
        }
        if let sp = parameters.scoring, score(of: peer) < sp.gossipThreshold { drops.add(.iwantIgnored); return }
        var bytes = 0
        for id in ids.prefix(GossipLimits.maxIWantMessages) {
            switch mcache.serve(id, to: peer) {
            case .none: continue
            case .some(.none):
                drops.add(.iwantRetransmissionLimit)
                penalize(peer, 0.5)
            case .some(.some(let m)):
                guard bytes + m.data.count <= GossipLimits.maxIWantResponseBytes else { drops.add(.iwantResponseBytes); return }
                bytes += m.data.count
                enqueue(message: m, to: peer)
            }
        }
        if ids.count > GossipLimits.maxIWantMessages { drops.add(.iwantRateLimited, ids.count - GossipLimits.maxIWantMessages) }
    }

    /// GRAFT (v1.0, v1.1 §PRUNE Backoff, §Outbound Mesh Quotas, §Spam Protection).
    mutating func handleGraft(_ topic: String, from peer: GossipPeerID, now: GossipInstant) {
        // v1.1: GRAFTs for unknown topics are ignored (no PRUNE, to avoid spam responses).
        guard subscriptions.contains(topic) else { drops.add(.graftUnknownTopic); return }
        guard mesh[topic]?.contains(peer) != true else { return }
        if isBackedOff(peer, topic: topic, now: now) {
            // v1.1: a GRAFT within the backoff is answered with PRUNE, the backoff extended, and
            // the peer penalised via P7.
            drops.add(.graftDuringBackoff)
            penalize(peer, 1)
            setBackoff(peer, topic: topic, until: now.nanoseconds &+ parameters.pruneBackoffNanos)
            enqueue(GossipRPC(control: GossipControl(prune: [makePrune(topic, to: peer, backoffNanos: parameters.pruneBackoffNanos, px: false, now: now)])), to: peer)
            return
        }
        let outbound = peers[peer]?.outbound ?? false
        let full = (mesh[topic]?.count ?? 0) >= parameters.dHigh
        if score(of: peer) < 0 || (full && !outbound) {
            drops.add(.graftRefused)
            setBackoff(peer, topic: topic, until: now.nanoseconds &+ parameters.pruneBackoffNanos)
            let px = score(of: peer) >= 0
            enqueue(GossipRPC(control: GossipControl(prune: [makePrune(topic, to: peer, backoffNanos: parameters.pruneBackoffNanos, px: px, now: now)])), to: peer)
            return
        }
        mesh[topic, default: []].insert(peer)
        scoreGraft(peer, topic: topic, now: now.nanoseconds)
    }

    /// PRUNE: leave the mesh, honour the backoff, and consider PX if the peer scores above
    /// `acceptPXThreshold`.
    mutating func handlePrune(_ prune: GossipPrune, from peer: GossipPeerID, now: GossipInstant,
                              rng: inout some RandomNumberGenerator) {
        if mesh[prune.topic]?.remove(peer) != nil { scorePrune(peer, topic: prune.topic, now: now.nanoseconds) }
        // v1.1: honour the announced backoff (0 means unspecified: our default), capped at 1 h.
        let seconds = min(prune.backoffSeconds, 3_600)
        let backoffNanos = seconds == 0 ? parameters.pruneBackoffNanos : Int64(seconds) * 1_000_000_000
        setBackoff(peer, topic: prune.topic, until: now.nanoseconds &+ backoffNanos)
        guard !prune.peers.isEmpty, parameters.peerExchange else { return }
        if let sp = parameters.scoring, score(of: peer) <= sp.acceptPXThreshold { drops.add(.pxIgnored); return }
        var used = 0
        for r in prune.peers.permuted(seed: rng.next()) {
            guard used < GossipLimits.maxPXResolve else { break }
            guard r.peer != localPeer, peers.index(forKey: r.peer) == nil else { continue }
            guard r.isValid(now: now) else { drops.add(.pxInvalidRecord); continue }
            used += 1
            emit(.connect(r))
        }
    }

    func makePrune(_ topic: String, to peer: GossipPeerID, backoffNanos: Int64, px: Bool, now: GossipInstant) -> GossipPrune {
        var records: [GossipPeerRecord] = []
        if px, parameters.peerExchange {
            // v1.1: only peers with non-negative scores are exchanged, and only signed records.
            for q in (topicPeers[topic] ?? []).sorted() where q != peer {
                guard records.count < GossipLimits.maxPXPeers else { break }
                if let r = peers[q]?.record, score(of: q) >= 0 { records.append(r) }
            }
        }
        return GossipPrune(topic: topic, peers: records, backoffSeconds: UInt64(max(backoffNanos, 0) / 1_000_000_000))
    }

    mutating func setBackoff(_ peer: GossipPeerID, topic: String, until: Int64) {
        let k = BackoffKey(topic: topic, peer: peer)
        if backoff[k] == nil, backoff.count >= GossipLimits.maxBackoffEntries {
            if let victim = backoff.min(by: { $0.value < $1.value })?.key { backoff[victim] = nil }
            drops.add(.backoffEvicted)
        }
        backoff[k] = max(backoff[k] ?? .min, until)
    }

    mutating func graft(_ peer: GossipPeerID, topic: String, now: GossipInstant) {
        mesh[topic, default: []].insert(peer)
        scoreGraft(peer, topic: topic, now: now.nanoseconds)
        enqueue(GossipRPC(control: GossipControl(graft: [topic])), to: peer)
    }

    mutating func prune(_ peer: GossipPeerID, topic: String, now: GossipInstant, px: Bool) {
        mesh[topic]?.remove(peer)
        scorePrune(peer, topic: topic, now: now.nanoseconds)
        setBackoff(peer, topic: topic, until: now.nanoseconds &+ parameters.pruneBackoffNanos)
        enqueue(GossipRPC(control: GossipControl(prune: [makePrune(topic, to: peer, backoffNanos: parameters.pruneBackoffNanos, px: px, now: now)])), to: peer)
    }

    /// Peers we may GRAFT: subscribed, not excluded, non-negative score, and past their backoff
    /// plus one heartbeat of slack (v1.1 §PRUNE Backoff: the slack keeps our GRAFT from
    /// arriving before the other side's backoff has expired).
    func eligibleForGraft(_ topic: String, excluding: Set<GossipPeerID>, now: GossipInstant) -> [GossipPeerID] {
        let slack = parameters.backoffSlackNanos
        return (topicPeers[topic] ?? []).filter {
            guard !excluding.contains($0), score(of: $0) >= 0 else { return false }
            if let until = backoff[BackoffKey(topic: topic, peer: $0)], until &+ slack > now.nanoseconds { return false }
            return true
        }.sorted()
    }

    mutating func fulfilPromises(_ id: GossipMessageID) {
        // Any delivery of the message settles everyone's promise for it (v1.1: "not received
        // from any peer").
        guard globalPromises > 0 else { return }
        for (k, var p) in peers where p.promises.removeValue(forKey: id) != nil {
            globalPromises -= 1
            peers[k] = p
        }
    }

    mutating func fulfilPromisesFrom(_ peer: GossipPeerID, _ id: GossipMessageID) {
        if peers[peer]?.promises.removeValue(forKey: id) != nil { globalPromises -= 1 }
    }
}
