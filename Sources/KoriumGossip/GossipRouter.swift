import KoriumCrypto

/// The GossipSub v1.1 router with v1.2 IDONTWANT, as a sans-IO state machine.
///
/// Inputs: ``addPeer(_:outbound:address:now:)`` / ``removePeer(_:now:)`` when a connection opens
/// or closes, ``handleRPC(_:from:now:rng:)`` for every RPC received, ``handleHeartbeat(now:rng:)``
/// every `heartbeatIntervalNanos`, and the local operations ``subscribe(_:now:rng:)``,
/// ``unsubscribe(_:now:)``, ``publish(_:topic:now:rng:)``, ``reportValidation(_:result:now:rng:)``.
/// After each input call ``pollTransmit()`` until nil (RPCs to send, coalesced per peer) and
/// ``pollEvent()`` until nil. The router never reads a clock (`now` is a parameter) and draws
/// randomness only from the generator passed in.
public struct GossipRouter<Verifier: GossipSignatureVerifier, Validator: GossipValidator> {
    /// This node's identity.
    public let localPeer: GossipPeerID
    /// Overlay and score parameters.
    public let parameters: GossipParameters
    let key: Ed25519.PrivateKey
    let verifier: Verifier
    var validator: Validator
    /// This node's signed record, offered to others through PX.
    public var localRecord: GossipPeerRecord?

    // The router's per-peer and per-message records are top-level (non-generic) types, so
    // code on them is specialised once here rather than resolved through generic metadata
    // for every access from a module that instantiates the router.
    typealias Peer = GossipPeerState
    typealias Delivery = GossipDelivery
    typealias PendingValidation = GossipPendingValidation
    typealias BackoffKey = GossipBackoffKey

    var peers: [GossipPeerID: Peer] = [:]
    var subscriptions: Set<String> = []
    var topicPeers: [String: Set<GossipPeerID>] = [:]
    var mesh: [String: Set<GossipPeerID>] = [:]
    var fanout: [String: Set<GossipPeerID>] = [:]
    var fanoutLastPublish: [String: Int64] = [:]
    var backoff: [BackoffKey: Int64] = [:]
    var scores: [GossipPeerID: PeerScore] = [:]
    var colocation: [UInt64: Int] = [:]
    var seen = [GossipMessageID: Delivery]()
    var seenOrder: [(id: GossipMessageID, at: Int64)] = []
    var seenHead = 0
    var seqnos = SeqnoWindows(capacity: GossipLimits.maxSeqnoSources)
    var mcache = MessageCache()
    var pendingValidations: [GossipMessageID: PendingValidation] = [:]
    var globalPromises = 0
    var publishWindowStart: Int64 = -(1 << 62)
    var publishCount = 0
    var nextSeqno: UInt64 = 0
    var heartbeatTicks = 0
    var lastDecay: Int64 = -(1 << 62)
    /// Per subscribed topic, the valid messages received first, decayed like P3 (the traffic
    /// that scales the P3 threshold, ``GossipTopicScoreParameters/meshMessageDeliveriesTrafficShare``).
    var topicTraffic: [String: Double] = [:]

    var outbox: [GossipPeerID: GossipRPC] = [:]
    var outboxOrder: [GossipPeerID] = []
    var outboxMessages = 0
    var events: [GossipEvent] = []
    var eventsHead = 0

    /// Every drop, by reason.
    public internal(set) var drops = GossipDropCounters()
    /// Duplicate message copies received (not drops: the protocol expects some).
    public internal(set) var duplicates: UInt64 = 0
    /// Messages delivered to the application.
    public internal(set) var delivered: UInt64 = 0
    /// IDONTWANT IDs sent.
    public internal(set) var idontwantSent: UInt64 = 0
    /// Message copies not sent because the peer had said IDONTWANT.
    public internal(set) var idontwantSuppressed: UInt64 = 0

    /// A router for the node whose signing key is `key`.
    public init(key: Ed25519.PrivateKey, parameters: GossipParameters = GossipParameters(),
                verifier: Verifier, validator: Validator) {
        self.key = key
        self.localPeer = GossipPeerID(bytes: key.publicKey.rawRepresentation) ?? GossipPeerID(0, 0, 0, 0)
        self.parameters = parameters
        self.verifier = verifier
        self.validator = validator
    }

    // MARK: Queries

    /// Own subscriptions.
    public var subscribedTopics: Set<String> { subscriptions }
    /// Current mesh peers of `topic`.
    public func meshPeers(_ topic: String) -> Set<GossipPeerID> { mesh[topic] ?? [] }
    /// Current fanout peers of `topic`.
    public func fanoutPeers(_ topic: String) -> Set<GossipPeerID> { fanout[topic] ?? [] }
    /// Connected peers.
    public var connectedPeers: [GossipPeerID] { Array(peers.keys) }
    /// Whether `peer` is connected.
    public func isConnected(_ peer: GossipPeerID) -> Bool { peers.index(forKey: peer) != nil }
    /// Peers known to be subscribed to `topic`.
    public func peers(in topic: String) -> Set<GossipPeerID> { topicPeers[topic] ?? [] }
    /// Whether `peer` is backed off in `topic` at `now`.
    public func isBackedOff(_ peer: GossipPeerID, topic: String, now: GossipInstant) -> Bool {
        (backoff[BackoffKey(topic: topic, peer: peer)] ?? .min) > now.nanoseconds
    }

    /// Whether `id` is in the seen cache (delivered, being validated, or rejected).
    public func hasSeen(_ id: GossipMessageID) -> Bool { seen[id] != nil }

    /// `peer`'s score (0 without scoring or without a record).
    public func score(of peer: GossipPeerID) -> Double {
        guard let p = parameters.scoring, let s = scores[peer] else { return 0 }
        return s.value(p, colocated: s.connected ? colocation[s.address, default: 0] : 0, traffic: topicTraffic)
    }

    /// Tells the router the transport's minimum round-trip time to `peer` (QUIC's `min_rtt`),
    /// which widens that peer's near-first window for P3
    /// (``GossipTopicScoreParameters/nearFirstWithinRoundTrip``). Call it when the connection
    /// opens and whenever the estimate falls; unknown peers are ignored.
    public mutating func setMinimumRoundTrip(_ nanoseconds: Int64, for peer: GossipPeerID) {
        guard let i = peers.index(forKey: peer) else { return }
        peers.values[i].minRoundTripNanos = min(max(nanoseconds, 0), GossipLimits.maxNearFirstRoundTripNanos)
        if nanoseconds > 0 { scores[peer]?.roundTripKnown = true }
    }

    /// Sizes of every bounded table, for property tests and memory accounting.
    public var tableSizes: [String: Int] {
        var idw = 0, promises = 0
        for p in peers.values { idw += p.idontwant.count; promises += p.promises.count }
        return ["peers": peers.count, "topics": topicPeers.count, "seen": seen.count,
                "seenOrder": seenOrder.count - seenHead, "seqnoSources": seqnos.count,
                "mcache": mcache.count, "mcacheBytes": mcache.bytes, "pendingValidations": pendingValidations.count,
                "backoff": backoff.count, "scores": scores.count, "colocation": colocation.count,
                "idontwant": idw, "promises": promises, "outbox": outboxMessages,
                "events": events.count - eventsHead, "fanout": fanout.count, "topicTraffic": topicTraffic.count]
    }

    // MARK: Connections

    /// A connection to `peer` opened; `outbound` if we dialled it (v1.1 outbound quotas).
    /// `address` identifies its IP for P6 colocation. Sends it our subscriptions.
    /// Returns false (and counts `.tooManyPeers`) beyond `maxKnownPeers`.
    @discardableResult
    public mutating func addPeer(_ peer: GossipPeerID, outbound: Bool, address: UInt64, now: GossipInstant) -> Bool {
        guard peer != localPeer else { return false }
        if peers.index(forKey: peer) != nil { return true }
        guard peers.count < GossipLimits.maxKnownPeers else { drops.add(.tooManyPeers); return false }
        peers[peer] = Peer(outbound: outbound, address: address)
        colocation[address, default: 0] += 1
        if scores[peer] == nil, scores.count >= GossipLimits.maxScoredPeers { evictOneScore() }
        var s = scores[peer] ?? PeerScore()
        s.connected = true
        s.roundTripKnown = false   // a new connection: its transport reports its own round trip
        s.expiresAt = .max
        s.address = address
        scores[peer] = s
        if !subscriptions.isEmpty {
            var rpc = GossipRPC()
            for t in subscriptions.sorted() { rpc.subscriptions.append(GossipSubscription(subscribe: true, topic: t)) }
            enqueue(rpc, to: peer)
        }
        return true
    }

    /// The connection to `peer` closed: it leaves every mesh, fanout and topic; its score is
    /// retained for `retainScoreNanos`.
    public mutating func removePeer(_ peer: GossipPeerID, now: GossipInstant) {
        guard let p = peers.removeValue(forKey: peer) else { return }
        for t in p.topics { topicPeers[t]?.remove(peer); if topicPeers[t]?.isEmpty == true, !subscriptions.contains(t) { topicPeers[t] = nil } }
        for t in Array(mesh.keys) where mesh[t]?.contains(peer) == true {
            mesh[t]?.remove(peer)
            scorePrune(peer, topic: t, now: now.nanoseconds)
        }
        for t in Array(fanout.keys) { fanout[t]?.remove(peer) }
        globalPromises -= p.promises.count
        if let c = colocation[p.address] { colocation[p.address] = c > 1 ? c - 1 : nil }
        if var s = scores[peer] {
            s.connected = false
            s.expiresAt = now.nanoseconds &+ (parameters.scoring?.retainScoreNanos ?? 0)
            scores[peer] = s
        }
        if let rpc = outbox.removeValue(forKey: peer) { outboxMessages -= rpc.messages.count }
    }

    /// Sets P5, the application-specific score of `peer`.
    public mutating func setApplicationScore(_ peer: GossipPeerID, _ value: Double) {
        scores[peer]?.applicationScore = value
    }

    /// Records the signed record PX hands out for `peer` (e.g. from the DHT or its handshake).
    public mutating func setPeerRecord(_ record: GossipPeerRecord) {
        peers[record.peer]?.record = record
    }

    // MARK: Output

    /// The next RPC to send, or nil. RPCs are coalesced per peer.
    public mutating func pollTransmit() -> (peer: GossipPeerID, rpc: GossipRPC)? {
        while let peer = outboxOrder.popLast() {
            if let rpc = outbox.removeValue(forKey: peer) {
                outboxMessages -= rpc.messages.count
                return (peer, rpc)
            }
        }
        return nil
    }

    /// Whether a queued copy of `id` should still go to `peer` now: false once the peer has
    /// sent IDONTWANT for it (v1.2) or is gone. A transport that paces large payloads calls
    /// this just before sending each one; a false answer counts as a suppressed copy.
    public mutating func shouldSend(_ id: GossipMessageID, to peer: GossipPeerID, now: GossipInstant) -> Bool {
        guard let i = peers.index(forKey: peer) else { return false }
        if peers.values[i].idontwant.contains(id, now: now.nanoseconds) { idontwantSuppressed &+= 1; return false }
        return true
    }

    /// The next event for the application, or nil.
    public mutating func pollEvent() -> GossipEvent? {
        guard eventsHead < events.count else {
            if eventsHead > 0 { events.removeAll(keepingCapacity: true); eventsHead = 0 }
            return nil
        }
        let e = events[eventsHead]
        eventsHead += 1
        return e
    }

    mutating func emit(_ event: GossipEvent) {
        guard events.count - eventsHead < GossipLimits.maxPendingEvents else { drops.add(.eventQueueFull); return }
        events.append(event)
    }

    mutating func outboxEntry(_ peer: GossipPeerID) -> GossipRPC {
        if let r = outbox[peer] { return r }
        outboxOrder.append(peer)
        return GossipRPC()
    }

    mutating func enqueue(_ rpc: GossipRPC, to peer: GossipPeerID) {
        var r = outboxEntry(peer)
        r.subscriptions += rpc.subscriptions
        r.control.graft += rpc.control.graft
        r.control.prune += rpc.control.prune
        r.control.ihave += rpc.control.ihave
        r.control.iwant += rpc.control.iwant
        r.control.idontwant += rpc.control.idontwant
        outbox[peer] = r
    }

    /// Queues `message` for `peer` under the outbound caps; returns whether it was queued.
    @discardableResult
    mutating func enqueue(message: GossipMessage, to peer: GossipPeerID) -> Bool {
        guard outboxMessages < GossipLimits.maxTotalOutboundMessages else { drops.add(.outboundTotalQueueFull); return false }
        var r = outboxEntry(peer)
        guard r.messages.count < GossipLimits.maxOutboundPerPeer else { outbox[peer] = r; drops.add(.outboundPeerQueueFull); return false }
        r.messages.append(message)
        outbox[peer] = r
        outboxMessages += 1
        return true
    }

    mutating func evictOneScore() {
        var victim: GossipPeerID?
        var earliest = Int64.max
        for (p, s) in scores where !s.connected && s.expiresAt < earliest { earliest = s.expiresAt; victim = p }
        if let v = victim { scores[v] = nil }
    }
}

/// The router with strict Ed25519 verification and an accept-all validator.
public typealias DefaultGossipRouter = GossipRouter<Ed25519SignatureVerifier, AcceptAllValidator>

extension GossipRouter where Verifier == Ed25519SignatureVerifier, Validator == AcceptAllValidator {
    /// A router with strict Ed25519 verification that accepts every correctly signed message.
    public init(key: Ed25519.PrivateKey, parameters: GossipParameters = GossipParameters()) {
        self.init(key: key, parameters: parameters, verifier: Ed25519SignatureVerifier(), validator: AcceptAllValidator())
    }
}
