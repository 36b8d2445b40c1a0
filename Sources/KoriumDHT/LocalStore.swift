/// The limits of a node's value store; the defaults are Korium's.
public struct StorageLimits: Sendable, Equatable {
    /// Largest value accepted.
    public var maxValueSize = DHTLimits.maxValueSize
    /// Bytes one peer may have stored here.
    public var perPeerBytes = DHTLimits.perPeerStorageQuota
    /// Entries one peer may have stored here.
    public var perPeerEntries = DHTLimits.perPeerEntryLimit
    /// Signed stores per peer per window (content-addressed ones cost 1/divisor of this).
    public var perPeerRate = DHTLimits.perPeerRateLimit
    /// Bytes at which memory pressure is 1.
    public var memorySoftLimit = DHTLimits.pressureMemorySoftLimit
    /// Accepted stores per window at which request pressure is 1.
    public var requestLimit = DHTLimits.pressureRequestLimit
    /// LRU cap on entries.
    public var maxEntries = DHTLimits.localStoreMaxEntries

    /// Korium's defaults.
    public init() {}
}

/// A value held by this node.
public struct StoredValue: Sendable {
    /// The record.
    public var record: DHTRecord
    /// The peer whose STORE placed it (charged against that peer's quota).
    public var publisher: NodeID
    /// Encoded size, the unit of quotas and memory accounting.
    public var size: Int
    /// When it disappears unless republished.
    public var expiresAt: DHTInstant
    /// When this node re-replicates it next.
    public var republishAt: DHTInstant
    /// Whether this node published it (originals are republished until removed).
    public var isOriginal: Bool
}

/// Storage protection (Korium `storage` defenses): size cap, per-peer byte and entry quotas,
/// per-peer store rate limit, pressure-based LRU eviction above 0.75, and an LRU cap on
/// entries. Every refusal is a `StoreRejection` for the requester.
public struct LocalStore: Sendable {
    /// The limits in force.
    public let limits: StorageLimits
    private var entries: LRUMap<NodeID, StoredValue>
    private var usage: [NodeID: (bytes: Int, entries: Int)] = [:]
    private var rate: RateLimiter<NodeID>
    private var requestWindowStart = DHTInstant.zero
    private var requestsInWindow = 0
    /// Bytes stored.
    public private(set) var totalBytes = 0
    /// Values evicted by pressure or the LRU cap (never by another peer's quota).
    public private(set) var evictions = 0

    /// An empty store.
    public init(limits: StorageLimits = StorageLimits()) {
        self.limits = limits
        entries = LRUMap(capacity: limits.maxEntries)
        rate = RateLimiter(limit: limits.perPeerRate * DHTLimits.contentAddressedRateDivisor,
                           window: DHTLimits.perPeerRateWindow, trackedKeys: DHTLimits.maxTrackedPeers)
    }

    /// The number of stored values.
    public var count: Int { entries.count }

    /// Heap bytes of the store's tables (entry map, usage, rate limiter), records excluded.
    var tableHeapBytes: Int { entries.heapBytes + HeapSize.dictionary(usage) + rate.heapBytes }

    /// Bytes and entries `peer` has stored here.
    public func usage(of peer: NodeID) -> (bytes: Int, entries: Int) { usage[peer] ?? (0, 0) }

    /// max(memory, request) pressure in [0, ∞).
    public func pressure(now: DHTInstant) -> Double {
        let memory = Double(totalBytes) / Double(max(1, limits.memorySoftLimit))
        let requests = now - requestWindowStart < DHTLimits.pressureRequestWindow
            ? Double(requestsInWindow) / Double(max(1, limits.requestLimit)) : 0
        return max(memory, requests)
    }

    /// Stores `record` for `ttl` on behalf of `publisher` (`isOriginal` for our own publications,
    /// which skip the peer limits). Returns nil when stored, or why not.
    public mutating func store(
        _ record: DHTRecord, ttl: DHTDuration, from publisher: NodeID, now: DHTInstant,
        republishAt: DHTInstant, isOriginal: Bool = false
    ) -> StoreRejection? {
        guard record.valueSize <= limits.maxValueSize else { return .valueTooLarge }
        guard ttl > .zero, ttl <= DHTLimits.defaultTTL else { return .ttlOutOfRange }
        if !isOriginal {
            let cost = record.isContentAddressed ? 1 : DHTLimits.contentAddressedRateDivisor
            guard rate.allow(publisher, cost: cost, now: now) else { return .rateLimited }
            if now - requestWindowStart >= DHTLimits.pressureRequestWindow { requestWindowStart = now; requestsInWindow = 0 }
            requestsInWindow += 1
        }
        do { try record.validate(now: now) } catch { return StoreRejection(error) }
        let key = record.key
        let size = record.encodedSize
        let expiresAt = now + ttl
        if let existing = entries.get(key) {
            if record.isSameVersion(as: existing.record) {
                // A republish: extend the lifetime; the first publisher stays charged.
                entries.update(key) {
                    if $0.expiresAt < expiresAt { $0.expiresAt = expiresAt }
                    $0.republishAt = republishAt
                    $0.isOriginal = $0.isOriginal || isOriginal
                }
                return nil
            }
            guard record.supersedes(existing.record) else { return .staleVersion }
        }
        let old = entries.peek(key)
        // Quotas count what the publisher would hold after the store.
        if !isOriginal {
            var u = usage[publisher] ?? (0, 0)
            if let old, old.publisher == publisher { u.bytes -= old.size; u.entries -= 1 }
            guard u.entries + 1 <= limits.perPeerEntries else { return .peerEntryQuotaExceeded }
            guard u.bytes + size <= limits.perPeerBytes else { return .peerByteQuotaExceeded }
            guard pressure(now: now) <= 1 else { return .storagePressure }
        }
        if let old { remove(key, old) }
        // Memory pressure: evict least-recently-used values until the new one fits under the
        // threshold (bounded by MAX_EVICTION_ITERATIONS).
        let budget = Int(DHTLimits.pressureThreshold * Double(limits.memorySoftLimit))
        var iterations = 0
        while totalBytes + size > budget, iterations < DHTLimits.maxEvictionIterations,
              let victim = entries.leastRecentlyUsed {
            remove(victim.key, victim.value)
            evictions += 1
            iterations += 1
        }
        guard totalBytes + size <= budget || isOriginal else { return .storagePressure }
        let value = StoredValue(record: record, publisher: publisher, size: size, expiresAt: expiresAt,
                                republishAt: republishAt, isOriginal: isOriginal)
        if let evicted = entries.set(key, value) {
            account(evicted.value, sign: -1)
            evictions += 1
        }
        account(value, sign: 1)
        return nil
    }

    /// The live record under `key` (an expired one is dropped).
    public mutating func get(_ key: NodeID, now: DHTInstant) -> DHTRecord? {
        guard let v = entries.get(key) else { return nil }
        if v.expiresAt <= now { remove(key, v); return nil }
        return v.record
    }

    /// The stored value under `key` without touching recency.
    public func peek(_ key: NodeID) -> StoredValue? { entries.peek(key) }

    /// Drops expired values; returns how many.
    @discardableResult
    public mutating func expire(now: DHTInstant) -> Int {
        var n = 0
        for (key, v) in entries.entries where v.expiresAt <= now {
            remove(key, v); n += 1
        }
        return n
    }

    /// Values whose republish time has come.
    public func dueForRepublish(now: DHTInstant) -> [StoredValue] {
        entries.entries.compactMap { $0.value.republishAt <= now && $0.value.expiresAt > now ? $0.value : nil }
    }

    /// Sets the next republish time of `key`.
    public mutating func setRepublish(_ key: NodeID, at time: DHTInstant) {
        entries.update(key) { $0.republishAt = time }
    }

    private mutating func remove(_ key: NodeID, _ v: StoredValue) {
        entries.remove(key)
        account(v, sign: -1)
    }

    private mutating func account(_ v: StoredValue, sign: Int) {
        totalBytes += sign * v.size
        var u = usage[v.publisher] ?? (0, 0)
        u.bytes += sign * v.size
        u.entries += sign
        if u.entries <= 0 { usage.removeValue(forKey: v.publisher) } else { usage[v.publisher] = u }
    }
}
