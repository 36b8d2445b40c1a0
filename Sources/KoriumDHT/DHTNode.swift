/// The Kademlia node, sans-IO: messages and `now` in, messages, timers and events out.
///
/// Use: feed every received message to `handle(_:from:now:rng:)`, call
/// `handleTimeout(now:rng:)` when `pollTimeout()` is reached, start operations with
/// `findNode`/`findValue`/`put`/`ping`, and after each call drain `pollTransmit()` (send each
/// message to its destination) and `pollEvent()`, then re-arm the timer from `pollTimeout()`.
/// Randomness comes from the caller's generator; the core never reads a clock or a socket.
public struct DHTNode: Sendable {
    enum Purpose {
        case lookup(LookupID)
        case store(LookupID)
        case probe
        case userPing
    }

    struct Pending {
        var peer: Contact
        var purpose: Purpose
        var sentAt: DHTInstant
        var deadline: DHTInstant
        /// For lookup queries: when the query stops holding an α slot (nil once passed).
        var stallAt: DHTInstant?
    }

    /// This node's identity.
    public let identity: DHTIdentity
    /// The address peers reach this node at.
    public let address: DHTAddress
    /// Settings.
    public let config: DHTConfig
    /// The k-buckets.
    public private(set) var routing: RoutingTable
    /// Held values.
    public private(set) var store: LocalStore
    /// The recent-outcome window behind k and α.
    public private(set) var adaptive = AdaptiveParameters()
    /// RTT tiers.
    public private(set) var tiering = LatencyTiering()
    /// Contacts refused for a missing or wrong proof of work.
    public private(set) var rejectedProofOfWork = 0
    /// Routing insertions refused by the per-peer or per-IP limits.
    public private(set) var rateLimitedInsertions = 0

    private var perPeerInsertions = RateLimiter<NodeID>(
        limit: DHTLimits.routingInsertionPerPeerLimit, window: DHTLimits.routingInsertionRateWindow,
        trackedKeys: DHTLimits.maxRoutingInsertionTrackedPeers)
    private var perIPInsertions = RateLimiter<DHTAddress>(
        limit: DHTLimits.directPeerPerIPLimit, window: DHTLimits.directPeerRateWindow,
        trackedKeys: DHTLimits.maxDirectPeerTrackedIPs)
    private var lookups: [LookupID: Lookup] = [:]
    private var pending: [UInt64: Pending] = [:]
    private var nextRequestID: UInt64 = 1
    private var nextLookupID: UInt64 = 1
    private var transmits: [DHTTransmit] = []
    private var transmitHead = 0
    private var events: [DHTEvent] = []
    private var eventHead = 0
    private var nextHousekeeping: DHTInstant?
    private var nextTieringRecompute: DHTInstant?

    /// A node that has not started yet.
    public init(identity: DHTIdentity, address: DHTAddress, config: DHTConfig = DHTConfig()) {
        self.identity = identity
        self.address = address
        self.config = config
        routing = RoutingTable(localID: identity.nodeID)
        store = LocalStore(limits: config.storage)
    }

    /// This node's contact record.
    public var contact: Contact { identity.contact(address: address) }

    /// Current bucket size / replication factor (adaptive, 10–30).
    public var k: Int { adaptive.k }

    /// Current lookup parallelism (adaptive, 2–5).
    public var alpha: Int { adaptive.alpha }

    /// Lookups in progress.
    public var activeLookups: Int { lookups.count }

    /// Requests awaiting an answer.
    public var pendingRequests: Int { pending.count }

    /// Approximate bytes held, by table (allocated capacity; see `DHTMemoryUsage`).
    public var memoryUsage: DHTMemoryUsage {
        var m = DHTMemoryUsage()
        m.inline = MemoryLayout<DHTNode>.stride
        let r = routing.heapBytes
        m.routingTable = r.buckets
        m.replacementCaches = r.replacements
        m.perIPCounts = r.perIP
        m.tiering = tiering.heapBytes
        m.insertionLimiters = perPeerInsertions.heapBytes + perIPInsertions.heapBytes
        m.valueStoreTables = store.tableHeapBytes
        m.valueRecords = store.totalBytes
        m.adaptiveWindow = adaptive.heapBytes
        m.lookups = HeapSize.dictionary(lookups) + lookups.values.reduce(0) { $0 + $1.heapBytes }
        m.pendingRequests = HeapSize.dictionary(pending)
        m.queues = HeapSize.array(transmits) + HeapSize.array(events)
        return m
    }

    /// Queues and tables that drained keep at most this many slots between bursts (a real
    /// node reuses them without reallocating; 10⁵ simulated nodes must not each keep the
    /// high-water mark of their busiest moment).
    static let retainedIdleSlots = 4

    /// Releases the storage of the request and lookup tables once they are empty.
    mutating func releaseIdleStorage() {
        if pending.isEmpty, pending.capacity > Self.retainedIdleSlots { pending = [:] }
        if lookups.isEmpty, lookups.capacity > Self.retainedIdleSlots { lookups = [:] }
    }

    // MARK: Inputs

    /// Comes online: learns the bootstrap contacts (subject to the same checks as any
    /// contact) and looks itself up to populate its buckets (Kademlia §2.3 join).
    @discardableResult
    public mutating func start(bootstrap: [Contact], now: DHTInstant, rng: inout some RandomNumberGenerator) -> LookupID? {
        nextRequestID = rng.next() | 1
        nextHousekeeping = now + jitter(config.housekeepingInterval, &rng)
        // The first tiers are computed at the first housekeeping tick, then every 300 s.
        nextTieringRecompute = now + config.housekeepingInterval
        for c in bootstrap { considerContact(c, observed: c.address, now: now) }
        return startLookup(.findNode, target: identity.nodeID, now: now)
    }

    /// Handles a message from `observed` (the transport's source address, used for per-IP
    /// limits and latency tiers). The transport has authenticated `message.sender.publicKey`.
    public mutating func handle(_ message: DHTMessage, from observed: DHTAddress, now: DHTInstant,
                                rng: inout some RandomNumberGenerator) {
        let sender = message.sender
        guard sender.nodeID != identity.nodeID else { return }
        if message.isResponse {
            // A response must answer one of our requests and come from the peer we asked.
            guard let p = pending[message.requestID], p.peer.nodeID == sender.nodeID else { return }
            pending.removeValue(forKey: message.requestID)
            adaptive.record(success: true, now: now)
            tiering.recordRTT(now - p.sentAt, to: observed)
            if case .probe = p.purpose {
                routing.probeAnswered(sender.nodeID, now: now)
            } else {
                considerContact(sender, observed: observed, now: now)
            }
            handleResponse(message.body, from: sender, purpose: p.purpose, now: now)
        } else {
            considerContact(sender, observed: observed, now: now)
            respond(to: message, now: now, rng: &rng)
        }
    }

    /// Handles every deadline at or before `now`: request timeouts, lookup deadlines and the
    /// periodic housekeeping (expiry, republish, bucket refresh, tier recomputation).
    public mutating func handleTimeout(now: DHTInstant, rng: inout some RandomNumberGenerator) {
        adaptive.expire(now: now)
        var expired: [UInt64] = []
        var stalled: [UInt64] = []
        for (rid, p) in pending {
            if p.deadline <= now { expired.append(rid) } else if let s = p.stallAt, s <= now { stalled.append(rid) }
        }
        stalled.sort()
        for rid in stalled {
            guard let p = pending[rid], case .lookup(let lid) = p.purpose else { continue }
            pending[rid]?.stallAt = nil
            if lookups[lid]?.handleStall(from: p.peer.nodeID) == true { advance(lid, now: now) }
        }
        expired.sort()
        for rid in expired {
            guard let p = pending.removeValue(forKey: rid) else { continue }
            adaptive.record(success: false, now: now)
            switch p.purpose {
            case .probe:
                routing.probeFailed(p.peer.nodeID)
            case .lookup(let lid):
                routing.markFailed(p.peer.nodeID)
                lookups[lid]?.handleFailure(from: p.peer.nodeID, timedOut: true)
                advance(lid, now: now)
            case .store(let lid):
                routing.markFailed(p.peer.nodeID)
                storeAnswered(lid, rejection: nil, from: p.peer.nodeID, stored: false, now: now)
            case .userPing:
                routing.markFailed(p.peer.nodeID)
                events.append(.pingResult(p.peer.nodeID, alive: false))
            }
        }
        var overdue: [LookupID] = []
        for (lid, l) in lookups where now >= l.deadline { overdue.append(lid) }
        for lid in overdue.sorted(by: { $0.rawValue < $1.rawValue }) {
            // A search out of time still ends like a converged one: a STORE lookup stores at
            // the closest nodes it reached (dropping the record instead lost every value whose
            // search met silent peers for 10 s: 5 % of publications against 20 % dropping Sybils).
            if case .searching = lookups[lid]?.phase { searchDone(lid, now: now) } else { finish(lid, now: now) }
        }
        if let t = nextTieringRecompute, now >= t {
            tiering.recompute(now: now)
            nextTieringRecompute = now + DHTLimits.tieringRecomputeInterval
        }
        if let t = nextHousekeeping, now >= t {
            nextHousekeeping = now + config.housekeepingInterval
            housekeeping(now: now, rng: &rng)
        }
    }

    // MARK: User requests

    /// Starts a lookup for the k closest nodes to `target`.
    @discardableResult
    public mutating func findNode(_ target: NodeID, now: DHTInstant) -> LookupID? {
        startLookup(.findNode, target: target, now: now)
    }

    /// Starts a lookup for the record under `key` (answered locally if held).
    @discardableResult
    public mutating func findValue(_ key: NodeID, now: DHTInstant) -> LookupID? {
        startLookup(.findValue, target: key, now: now)
    }

    /// Publishes `record`: keeps it locally as an original (republished every interval with
    /// a fresh TTL) and stores it on the k closest nodes. Returns nil if the record is invalid.
    @discardableResult
    public mutating func put(_ record: DHTRecord, ttl: DHTDuration = DHTLimits.defaultTTL, now: DHTInstant,
                             rng: inout some RandomNumberGenerator) -> LookupID? {
        let republishAt = now + config.republishInterval + jitter(config.republishInterval / DHTLimits.republishJitterDivisor, &rng)
        if store.store(record, ttl: ttl, from: identity.nodeID, now: now, republishAt: republishAt, isOriginal: true) != nil {
            return nil
        }
        return startLookup(.store(record, ttlSeconds: UInt32(clamping: ttl.nanoseconds / 1_000_000_000)),
                           target: record.key, now: now)
    }

    /// Publishes this node's signed endpoint record (identity → `addresses`, timestamped `now`),
    /// stored under its node ID; a newer record from the same identity replaces it everywhere.
    @discardableResult
    public mutating func publishEndpoint(_ addresses: [DHTAddress], now: DHTInstant,
                                         rng: inout some RandomNumberGenerator) -> LookupID? {
        put(.endpoint(EndpointRecord(signing: addresses, at: now, with: identity)),
            ttl: DHTLimits.endpointRecordMaxAge, now: now, rng: &rng)
    }

    /// Looks up the endpoint record of `peer` (a FIND_VALUE under its node ID).
    @discardableResult
    public mutating func resolve(_ peer: NodeID, now: DHTInstant) -> LookupID? {
        findValue(peer, now: now)
    }

    /// Pings `contact`; the answer arrives as `DHTEvent.pingResult`.
    public mutating func ping(_ contact: Contact, now: DHTInstant) {
        send(.ping, to: contact, purpose: .userPing, timeout: DHTLimits.perQueryTimeout, now: now)
    }

    // MARK: Outputs

    /// The next message to send, in order.
    public mutating func pollTransmit() -> DHTTransmit? {
        guard transmitHead < transmits.count else {
            if !transmits.isEmpty {
                transmits.removeAll(keepingCapacity: transmits.capacity <= Self.retainedIdleSlots)
                transmitHead = 0
                releaseIdleStorage()
            }
            return nil
        }
        defer { transmitHead += 1 }
        return transmits[transmitHead]
    }

    /// The next event, in order.
    public mutating func pollEvent() -> DHTEvent? {
        guard eventHead < events.count else {
            if !events.isEmpty {
                events.removeAll(keepingCapacity: events.capacity <= Self.retainedIdleSlots)
                eventHead = 0
            }
            return nil
        }
        defer { eventHead += 1 }
        return events[eventHead]
    }

    /// When `handleTimeout` must next be called (nil before `start`).
    public func pollTimeout() -> DHTInstant? {
        var t = nextHousekeeping
        func consider(_ d: DHTInstant) { if t == nil || d < t! { t = d } }
        if let r = nextTieringRecompute { consider(r) }
        for p in pending.values { consider(p.stallAt ?? p.deadline) }
        for l in lookups.values { consider(l.deadline) }
        return t
    }

    // MARK: Routing admission

    /// Admits a peer that talked to us directly: proof of work (S/Kademlia), per-peer and
    /// per-IP insertion rates, and the per-IP cap; a full bucket triggers ping-before-evict.
    mutating func considerContact(_ contact: Contact, observed: DHTAddress, now: DHTInstant) {
        guard contact.nodeID != identity.nodeID else { return }
        if config.enforceProofOfWork, !contact.hasValidProofOfWork(difficulty: config.powDifficulty) {
            rejectedProofOfWork += 1
            return
        }
        if routing.contains(contact.nodeID) {
            if perPeerInsertions.allow(contact.nodeID, now: now) { _ = routing.insert(contact, now: now, k: k) }
            return
        }
        guard routing.contactsSharingIP(observed) < DHTLimits.directPeerPerIPLimit,
              perPeerInsertions.allow(contact.nodeID, now: now),
              perIPInsertions.allow(observed.ipOnly, now: now)
        else {
            rateLimitedInsertions += 1
            return
        }
        if case .pingBeforeEvict(let oldest) = routing.insert(contact, now: now, k: k) {
            send(.ping, to: oldest, purpose: .probe, timeout: DHTLimits.perQueryTimeout, now: now)
        }
    }

    // MARK: Serving requests

    mutating func respond(to request: DHTMessage, now: DHTInstant, rng: inout some RandomNumberGenerator) {
        let reply: DHTMessageBody
        switch request.body {
        case .ping:
            reply = .pong
        case .findNode(let target):
            reply = .nodes(routing.closest(to: target, count: min(k, DHTLimits.maxContactsPerResponse),
                                           excluding: request.sender.nodeID))
        case .findValue(let key):
            if let record = store.get(key, now: now) {
                reply = .value(record)
            } else {
                reply = .nodes(routing.closest(to: key, count: min(k, DHTLimits.maxContactsPerResponse),
                                               excluding: request.sender.nodeID))
            }
        case .store(let record, let ttlSeconds):
            let republishAt = now + config.republishInterval + jitter(config.republishInterval / DHTLimits.republishJitterDivisor, &rng)
            reply = .storeResult(store.store(record, ttl: .seconds(Int64(ttlSeconds)), from: request.sender.nodeID,
                                             now: now, republishAt: republishAt))
        case .pong, .nodes, .value, .storeResult:
            return
        }
        transmits.append(DHTTransmit(destination: request.sender,
                                     message: DHTMessage(requestID: request.requestID, sender: contact, body: reply)))
    }

    // MARK: Lookups

    mutating func startLookup(_ kind: LookupKind, target: NodeID, now: DHTInstant) -> LookupID? {
        guard lookups.count < DHTLimits.maxConcurrentLookups else { return nil }
        let id = LookupID(rawValue: nextLookupID)
        nextLookupID += 1
        if let b = identity.nodeID.bucketIndex(of: target) { routing.touch(bucket: b, now: now) }
        let paths = max(1, min(config.disjointPaths, DHTLimits.maxDisjointPaths))
        let seeds = routing.closest(to: target, count: k * paths)
        var lookup = Lookup(id: id, kind: kind, target: target, k: k, alpha: alpha, paths: paths, now: now, seeds: seeds)
        if case .findValue = kind, let record = store.get(target, now: now) {
            lookup.record = record
        }
        lookups[id] = lookup
        advance(id, now: now)
        return id
    }

    /// Sends the next queries of lookup `id`, or finishes it.
    mutating func advance(_ id: LookupID, now: DHTInstant) {
        guard var lookup = lookups[id] else { return }
        if case .searching = lookup.phase {
            if lookup.isSearchDone(now: now) {
                lookups[id] = lookup
                searchDone(id, now: now)
                return
            }
            let tiers = tiering
            let useTiers = config.tiering && tiers.tierCount > 1
            let queries = lookup.nextQueries { useTiers ? tiers.tier(of: $0.address) : nil }
            lookups[id] = lookup
            let body: DHTMessageBody = lookup.kind == .findValue ? .findValue(key: lookup.target) : .findNode(target: lookup.target)
            for c in queries {
                send(body, to: c, purpose: .lookup(id),
                     timeout: lookup.kind == .findValue ? DHTLimits.findValueTimeout : DHTLimits.perQueryTimeout, now: now)
            }
            if queries.isEmpty, lookup.isSearchDone(now: now) { searchDone(id, now: now) }
        }
    }

    /// The search phase ended: STORE lookups now store, the others finish.
    mutating func searchDone(_ id: LookupID, now: DHTInstant) {
        guard var lookup = lookups[id] else { return }
        guard case .store(let record, let ttl) = lookup.kind else {
            finish(id, now: now)
            return
        }
        let targets = lookup.closestResponded
        lookup.phase = .storing(outstanding: targets.count)
        // The STORE round gets its own deadline, so answers to STOREs sent just before the
        // search deadline are still counted.
        lookup.deadline = now + DHTLimits.storeTimeout
        lookup.messagesSent += targets.count
        lookups[id] = lookup
        if targets.isEmpty { finish(id, now: now); return }
        for c in targets {
            send(.store(record, ttlSeconds: ttl), to: c, purpose: .store(id), timeout: DHTLimits.storeTimeout, now: now)
        }
    }

    mutating func storeAnswered(_ id: LookupID, rejection: StoreRejection?, from peer: NodeID, stored: Bool, now: DHTInstant) {
        guard var lookup = lookups[id], case .storing(let outstanding) = lookup.phase else { return }
        if stored { lookup.storedCount += 1 }
        if let rejection { lookup.rejections.append((peer, rejection)) }
        if !stored && rejection == nil { lookup.timeouts += 1 }
        lookup.phase = .storing(outstanding: outstanding - 1)
        lookups[id] = lookup
        if outstanding - 1 <= 0 { finish(id, now: now) }
    }

    mutating func finish(_ id: LookupID, now: DHTInstant) {
        guard let lookup = lookups.removeValue(forKey: id) else { return }
        // Requests still in flight for this lookup no longer matter; forget them so their
        // late answers are ignored (timeouts still count toward the outcome window via
        // their own deadlines, so drop them here without recording).
        let closest = lookup.closestResponded
        let succeeded: Bool
        switch lookup.kind {
        case .findValue: succeeded = lookup.record != nil
        case .store: succeeded = lookup.storedCount > 0
        case .findNode, .refresh: succeeded = !closest.isEmpty
        }
        let hops = lookup.record != nil ? lookup.recordHop : lookup.closestHop
        events.append(.lookupFinished(LookupResult(
            id: id, kind: lookup.kind, target: lookup.target, closest: closest, record: lookup.record,
            succeeded: succeeded, hops: hops, messagesSent: lookup.messagesSent, timeouts: lookup.timeouts,
            storedCount: lookup.storedCount, rejections: lookup.rejections, startedAt: lookup.startedAt,
            finishedAt: now, k: lookup.k, alpha: lookup.alpha)))
    }

    mutating func handleResponse(_ body: DHTMessageBody, from sender: Contact, purpose: Purpose, now: DHTInstant) {
        switch purpose {
        case .probe:
            return
        case .userPing:
            events.append(.pingResult(sender.nodeID, alive: true))
        case .store(let lid):
            if case .storeResult(let rejection) = body {
                storeAnswered(lid, rejection: rejection, from: sender.nodeID, stored: rejection == nil, now: now)
            } else {
                storeAnswered(lid, rejection: nil, from: sender.nodeID, stored: false, now: now)
            }
        case .lookup(let lid):
            guard lookups[lid] != nil else { return }
            switch body {
            case .nodes(let contacts):
                // S/Kademlia: contacts learned from others must carry a valid proof of work.
                var usable: [Contact] = []
                usable.reserveCapacity(contacts.count)
                for c in contacts.prefix(DHTLimits.maxContactsPerResponse) where c.nodeID != identity.nodeID {
                    if !config.enforceProofOfWork || c.hasValidProofOfWork(difficulty: config.powDifficulty) {
                        usable.append(c)
                    } else {
                        rejectedProofOfWork += 1
                    }
                }
                lookups[lid]?.handleNodes(from: sender.nodeID, contacts: usable)
            case .value(let record):
                if let l = lookups[lid], l.kind == .findValue, record.key == l.target,
                   (try? record.validate(now: now)) != nil {
                    lookups[lid]?.handleValue(from: sender.nodeID, record: record)
                } else {
                    lookups[lid]?.handleFailure(from: sender.nodeID, timedOut: false)
                }
            case .ping, .pong, .findNode, .findValue, .store, .storeResult:
                lookups[lid]?.handleFailure(from: sender.nodeID, timedOut: false)
            }
            advance(lid, now: now)
        }
    }

    // MARK: Housekeeping

    mutating func housekeeping(now: DHTInstant, rng: inout some RandomNumberGenerator) {
        store.expire(now: now)
        if config.republish {
            for v in store.dueForRepublish(now: now) {
                let next = now + config.republishInterval + jitter(config.republishInterval / DHTLimits.republishJitterDivisor, &rng)
                store.setRepublish(v.record.key, at: next)
                // Originals get a fresh TTL; replicas pass on what is left of theirs.
                let ttl = v.isOriginal ? DHTLimits.defaultTTL : v.expiresAt - now
                guard ttl >= .seconds(1) else { continue }
                if v.isOriginal {
                    _ = store.store(v.record, ttl: ttl, from: identity.nodeID, now: now, republishAt: next, isOriginal: true)
                }
                _ = startLookup(.store(v.record, ttlSeconds: UInt32(clamping: ttl.nanoseconds / 1_000_000_000)),
                                target: v.record.key, now: now)
            }
        }
        refreshBuckets(now: now, rng: &rng)
    }

    /// Kademlia §2.3 refresh: a FIND_NODE for a random ID in each bucket untouched for
    /// `bucketStaleThreshold` (non-empty buckets and the first empty one below them, since
    /// deeper empty buckets cover ranges where no node is expected), a few per round.
    mutating func refreshBuckets(now: DHTInstant, rng: inout some RandomNumberGenerator) {
        var started = 0
        guard let lowestNonEmpty = routing.lowestNonEmptyBucket else { return }
        var i = DHTLimits.bucketCount - 1
        while i >= max(0, lowestNonEmpty - 1), started < DHTLimits.maxRefreshLookupsPerRound {
            if now - routing.bucket(i).lastTouched >= config.bucketStaleThreshold {
                let target = identity.nodeID.randomID(inBucket: i, using: &rng)
                routing.touch(bucket: i, now: now)
                _ = startLookup(.refresh, target: target, now: now)
                started += 1
            }
            i -= 1
        }
    }

    // MARK: Sending

    mutating func send(_ body: DHTMessageBody, to peer: Contact, purpose: Purpose, timeout: DHTDuration, now: DHTInstant) {
        let rid = nextRequestID
        nextRequestID &+= 1
        if pending.count >= DHTLimits.maxPendingRequests {
            // Over the cap the request is not sent; it counts as failed for its lookup.
            switch purpose {
            case .lookup(let lid): lookups[lid]?.handleFailure(from: peer.nodeID, timedOut: false)
            case .store(let lid): storeAnswered(lid, rejection: nil, from: peer.nodeID, stored: false, now: now)
            case .probe: routing.probeAnswered(peer.nodeID, now: now)
            case .userPing: events.append(.pingResult(peer.nodeID, alive: false))
            }
            return
        }
        var stallAt: DHTInstant?
        if case .lookup = purpose { stallAt = now + DHTLimits.queryStallTimeout }
        pending[rid] = Pending(peer: peer, purpose: purpose, sentAt: now, deadline: now + timeout, stallAt: stallAt)
        transmits.append(DHTTransmit(destination: peer, message: DHTMessage(requestID: rid, sender: contact, body: body)))
    }

    private func jitter(_ span: DHTDuration, _ rng: inout some RandomNumberGenerator) -> DHTDuration {
        guard span.nanoseconds > 0 else { return .zero }
        return DHTDuration(nanoseconds: Int64(rng.next() % UInt64(span.nanoseconds)))
    }
}

extension DHTDuration {
    /// The duration divided by an integer (truncating).
    public static func / (a: DHTDuration, k: Int64) -> DHTDuration { DHTDuration(nanoseconds: a.nanoseconds / k) }
}
