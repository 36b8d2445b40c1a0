import KoriumCrypto

/// Errors of the local operations.
public enum GossipError: Error, Equatable, Sendable {
    /// More than `publishRateLimit` publishes in the window.
    case publishRateLimited
    /// Payload above `maxMessageSize` or topic above `maxTopicLength`.
    case messageTooLarge
    /// More than `maxTopics` topics.
    case tooManyTopics
}

extension GossipRouter {
    // MARK: Local operations

    /// Joins `topic`: announces the subscription and builds the mesh from fanout and known
    /// subscribers (v1.0 §Router State / JOIN).
    public mutating func subscribe(_ topic: String, now: GossipInstant, rng: inout some RandomNumberGenerator) throws(GossipError) {
        guard topic.utf8.count <= GossipLimits.maxTopicLength else { throw .messageTooLarge }
        guard !subscriptions.contains(topic) else { return }
        guard topicPeers[topic] != nil || topicPeers.count < GossipLimits.maxTopics else {
            drops.add(.tooManyTopics); throw .tooManyTopics
        }
        subscriptions.insert(topic)
        topicTraffic[topic] = 0
        if topicPeers[topic] == nil { topicPeers[topic] = [] }
        for p in peers.keys { enqueue(GossipRPC(subscriptions: [GossipSubscription(subscribe: true, topic: topic)]), to: p) }
        var chosen = fanout.removeValue(forKey: topic) ?? []
        fanoutLastPublish[topic] = nil
        chosen = chosen.filter { score(of: $0) >= 0 && !isBackedOff($0, topic: topic, now: now) }
        if chosen.count < parameters.d {
            let candidates = eligibleForGraft(topic, excluding: chosen, now: now)
            chosen.formUnion(candidates.permuted(seed: rng.next()).prefix(parameters.d - chosen.count))
        }
        mesh[topic] = []
        for p in chosen { graft(p, topic: topic, now: now) }
    }

    /// Leaves `topic`: announces it and prunes every mesh peer with the unsubscribe backoff.
    public mutating func unsubscribe(_ topic: String, now: GossipInstant) {
        guard subscriptions.remove(topic) != nil else { return }
        topicTraffic[topic] = nil
        for p in peers.keys { enqueue(GossipRPC(subscriptions: [GossipSubscription(subscribe: false, topic: topic)]), to: p) }
        let backoffNanos = parameters.unsubscribeBackoffNanos
        for p in mesh.removeValue(forKey: topic) ?? [] {
            scorePrune(p, topic: topic, now: now.nanoseconds)
            setBackoff(p, topic: topic, until: now.nanoseconds &+ backoffNanos)
            enqueue(GossipRPC(control: GossipControl(prune: [makePrune(topic, to: p, backoffNanos: backoffNanos, px: false, now: now)])), to: p)
        }
        if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
    }

    /// Signs and publishes `data` in `topic`; returns its ID. Own messages are flood-published to
    /// every subscriber above the publish threshold (v1.1 §Flood Publishing), or sent to the mesh
    /// or fanout when flood publishing is off.
    @discardableResult
    public mutating func publish(_ data: [UInt8], topic: String, now: GossipInstant,
                                 rng: inout some RandomNumberGenerator) throws(GossipError) -> GossipMessageID {
        guard data.count <= GossipLimits.maxMessageSize, topic.utf8.count <= GossipLimits.maxTopicLength else {
            drops.add(.messageTooLarge); throw .messageTooLarge
        }
        if now.nanoseconds - publishWindowStart >= GossipLimits.rateLimitWindowNanos {
            publishWindowStart = now.nanoseconds; publishCount = 0
        }
        guard publishCount < GossipLimits.publishRateLimit else { drops.add(.publishRateLimited); throw .publishRateLimited }
        publishCount += 1
        // The first seqno is the microsecond clock, so a restarted publisher starts above the
        // replay windows others keep for it; after that seqnos are consecutive, as the
        // 128-wide replay window expects (reordered messages stay inside it).
        if nextSeqno == 0 { nextSeqno = max(1, UInt64(clamping: now.nanoseconds / 1_000)) }
        let seqno = nextSeqno
        nextSeqno = seqno &+ 1
        let message = GossipMessage(signing: data, topic: topic, seqno: seqno, key: key)
        let id = message.id
        markSeen(id, from: localPeer, status: .valid, now: now.nanoseconds)
        seqnos.mark(localPeer, seqno)
        drops.add(.messageCacheEvicted, mcache.put(message))

        var recipients: Set<GossipPeerID>
        let publishThreshold = parameters.scoring?.publishThreshold ?? -.infinity
        if parameters.floodPublish {
            recipients = (topicPeers[topic] ?? []).filter { score(of: $0) >= publishThreshold }
        } else if subscriptions.contains(topic) {
            recipients = mesh[topic] ?? []
        } else {
            recipients = fanout[topic] ?? []
            if recipients.isEmpty {
                let candidates = (topicPeers[topic] ?? []).filter { score(of: $0) >= publishThreshold }
                recipients = Set(candidates.sorted().randomSample(parameters.d, seed: rng.next()))
                fanout[topic] = recipients
            }
            fanoutLastPublish[topic] = now.nanoseconds
        }
        if !subscriptions.contains(topic), parameters.floodPublish { fanoutLastPublish[topic] = now.nanoseconds }
        for p in recipients { enqueue(message: message, to: p) }
        return id
    }

    /// The application's verdict on a message it was asked to validate asynchronously.
    public mutating func reportValidation(_ id: GossipMessageID, result: GossipValidationResult,
                                          now: GossipInstant, rng: inout some RandomNumberGenerator) {
        guard let pending = pendingValidations.removeValue(forKey: id) else { return }
        finishValidation(pending.message, from: pending.from, result: result, now: now)
    }

    // MARK: Received RPCs

    /// Processes one RPC from `peer` (which must have been added with `addPeer`).
    public mutating func handleRPC(_ rpc: GossipRPC, from peer: GossipPeerID, now: GossipInstant,
                                   rng: inout some RandomNumberGenerator) {
        guard peers.index(forKey: peer) != nil else { return }
        // v1.1 §Score Thresholds: RPCs of graylisted peers are ignored.
        if let sp = parameters.scoring, score(of: peer) < sp.graylistThreshold {
            drops.add(.graylisted)
            return
        }
        for s in rpc.subscriptions { handleSubscription(s, from: peer) }
        for m in rpc.messages { handleMessage(m, from: peer, now: now) }
        handleControl(rpc.control, from: peer, now: now, rng: &rng)
    }

    mutating func handleSubscription(_ s: GossipSubscription, from peer: GossipPeerID) {
        guard var p = peers[peer] else { return }
        if s.subscribe {
            guard !p.topics.contains(s.topic) else { return }
            guard p.topics.count < GossipLimits.maxSubscriptionsPerPeer else { drops.add(.tooManySubscriptionsPerPeer); return }
            guard topicPeers[s.topic] != nil || topicPeers.count < GossipLimits.maxTopics else { drops.add(.tooManyTopics); return }
            guard (topicPeers[s.topic]?.count ?? 0) < GossipLimits.maxPeersPerTopic else { drops.add(.topicFull); return }
            p.topics.insert(s.topic)
            topicPeers[s.topic, default: []].insert(peer)
        } else {
            guard p.topics.remove(s.topic) != nil else { return }
            topicPeers[s.topic]?.remove(peer)
            if topicPeers[s.topic]?.isEmpty == true, !subscriptions.contains(s.topic) { topicPeers[s.topic] = nil }
            if mesh[s.topic]?.remove(peer) != nil { scorePrune(peer, topic: s.topic, now: 0) }
            fanout[s.topic]?.remove(peer)
        }
        peers[peer] = p
    }

    mutating func handleMessage(_ m: GossipMessage, from peer: GossipPeerID, now: GossipInstant) {
        let t = now.nanoseconds
        // In place: copying the peer record out and back costs a retain/release per field.
        guard let slot = peers.index(forKey: peer) else { return }
        let count: Int = {
            if t - $0.rateWindowStart >= GossipLimits.rateLimitWindowNanos { $0.rateWindowStart = t; $0.rateCount = 0 }
            $0.rateCount += 1
            return $0.rateCount
        }(&peers.values[slot])
        guard count <= GossipLimits.perPeerRateLimit else { drops.add(.peerRateLimited); return }
        guard m.data.count <= GossipLimits.maxMessageSize, m.topic.utf8.count <= GossipLimits.maxTopicLength else {
            drops.add(.messageTooLarge); return
        }
        let id = m.id
        if var d = seen[id] {
            duplicates &+= 1
            duplicateDelivery(&d, id: id, topic: m.topic, from: peer, now: t)
            seen[id] = d
            return
        }
        guard subscriptions.contains(m.topic) else { drops.add(.notSubscribed); return }
        if m.source == localPeer { drops.add(.ownMessage); return }
        guard seqnos.isFresh(m.source, m.seqno) else { drops.add(.replay); return }
        guard verifier.isValid(m) else {
            drops.add(.invalidSignature)
            // Invalid messages count against the forwarder (P4); remember the ID so copies
            // from other forwarders are penalised without verifying again.
            markSeen(id, from: peer, status: .invalid, now: t)
            scoreInvalid(peer, topic: m.topic)
            return
        }
        seqnos.mark(m.source, m.seqno)
        markSeen(id, from: peer, status: .pending, now: t)
        fulfilPromises(id)
        // v1.2: IDONTWANT to the mesh at once, before validation, for large messages.
        if let threshold = parameters.idontwantThreshold, m.data.count >= threshold {
            for q in mesh[m.topic] ?? [] where q != peer && q != m.source {
                enqueue(GossipRPC(control: GossipControl(idontwant: [id])), to: q)
                idontwantSent &+= 1
            }
        }
        switch validator.validate(m, from: peer) {
        case .some(let result):
            finishValidation(m, from: peer, result: result, now: now)
        case .none:
            guard pendingValidations.count < GossipLimits.maxPendingValidations else {
                drops.add(.validationQueueFull)
                seen[id]?.status = .ignored
                return
            }
            pendingValidations[id] = PendingValidation(message: m, from: peer, deadline: t &+ GossipLimits.validationTimeoutNanos)
            emit(.validate(m))
        }
    }

    mutating func finishValidation(_ m: GossipMessage, from peer: GossipPeerID, result: GossipValidationResult, now: GossipInstant) {
        let id = m.id
        let t = now.nanoseconds
        guard var d = seen[id] else { return }
        switch result {
        case .accept:
            d.status = .valid
            d.validatedAt = t
            seen[id] = d
            scoreFirstDelivery(d.firstFrom, topic: m.topic)
            for q in d.others { scoreNearFirst(q, topic: m.topic) }
            drops.add(.messageCacheEvicted, mcache.put(m))
            delivered &+= 1
            emit(.message(m, from: peer))
            forward(m, except: d.firstFrom, alsoSkip: d.others)
        case .reject:
            d.status = .invalid
            seen[id] = d
            drops.add(.validationRejected)
            scoreInvalid(d.firstFrom, topic: m.topic)
            for q in d.others { scoreInvalid(q, topic: m.topic) }
        case .ignore:
            d.status = .ignored
            seen[id] = d
            drops.add(.validationIgnored)
        }
    }

    /// Forwards to the topic mesh, skipping the sender, the source, peers that already sent
    /// it, and peers that said IDONTWANT (v1.2: MUST be skipped).
    mutating func forward(_ m: GossipMessage, except from: GossipPeerID, alsoSkip: [GossipPeerID]) {
        let id = m.id
        let now = seen[id]?.validatedAt ?? 0
        for q in mesh[m.topic] ?? [] where q != from && q != m.source && !alsoSkip.contains(q) {
            if let i = peers.index(forKey: q), peers.values[i].idontwant.contains(id, now: now) { idontwantSuppressed &+= 1; continue }
            enqueue(message: m, to: q)
        }
    }

    mutating func duplicateDelivery(_ d: inout Delivery, id: GossipMessageID, topic: String, from peer: GossipPeerID, now: Int64) {
        fulfilPromisesFrom(peer, id)
        switch d.status {
        case .pending:
            // Near-first: arrived while the message is being validated (v1.1 §P₃).
            if !d.others.contains(peer), d.firstFrom != peer, d.others.count < 64 { d.others.append(peer) }
        case .valid:
            if let sp = parameters.scoring, let tp = sp.parameters(for: topic), d.firstFrom != peer {
                let elapsed = now - d.validatedAt
                // Within the peer's round trip of our forward it cannot be an echo of our copy.
                let roundTrip = tp.nearFirstWithinRoundTrip ? (peers[peer]?.minRoundTripNanos ?? 0) : 0
                if elapsed <= tp.meshMessageDeliveryWindowNanos || elapsed < roundTrip {
                    scoreNearFirst(peer, topic: topic)
                } else {
                    scoreLateCopy(peer, topic: topic)
                }
            }
        case .invalid:
            scoreInvalid(peer, topic: topic)
        case .ignored:
            break
        }
    }

    mutating func markSeen(_ id: GossipMessageID, from peer: GossipPeerID, status: Delivery.Status, now: Int64) {
        if seen.count >= GossipLimits.messageCacheSize { evictOldestSeen() }
        seen[id] = Delivery(status: status, firstSeen: now, firstFrom: peer)
        seenOrder.append((id, now))
    }

    mutating func evictOldestSeen() {
        while seenHead < seenOrder.count {
            let e = seenOrder[seenHead]
            seenHead += 1
            if let d = seen[e.id], d.firstSeen == e.at { seen[e.id] = nil; break }
        }
        compactSeenOrder()
    }

    mutating func expireSeen(now: Int64) {
        while seenHead < seenOrder.count, now - seenOrder[seenHead].at >= GossipLimits.seenTTLNanos {
            let e = seenOrder[seenHead]
            seenHead += 1
            if let d = seen[e.id], d.firstSeen == e.at { seen[e.id] = nil }
        }
        compactSeenOrder()
    }

    mutating func compactSeenOrder() {
        if seenHead > 256, seenHead * 2 > seenOrder.count { seenOrder.removeFirst(seenHead); seenHead = 0 }
    }
}
