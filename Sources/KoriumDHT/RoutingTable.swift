/// A contact in a k-bucket with its liveness bookkeeping.
public struct BucketEntry: Sendable {
    /// The peer.
    public var contact: Contact
    /// Consecutive unanswered requests. (Declared right after `contact` so it sits in the
    /// contact's tail padding: 104 bytes per entry instead of 112.)
    public var failures: UInt8
    /// When the peer last answered or wrote to us.
    public var lastSeen: DHTInstant

    /// An entry for `contact`, seen at `lastSeen`.
    public init(contact: Contact, lastSeen: DHTInstant, failures: UInt8) {
        self.contact = contact
        self.failures = failures
        self.lastSeen = lastSeen
    }
}

/// One k-bucket (Kademlia §2.2): live contacts ordered least- to most-recently seen, a
/// replacement cache of newer candidates (§4.1), and at most one ping-before-evict probe.
public struct KBucket: Sendable {
    /// Contacts, index 0 least recently seen.
    public internal(set) var entries: [BucketEntry] = []
    /// Candidates seen while the bucket was full, newest last (≤ `replacementCacheSize`).
    public internal(set) var replacements: [Contact] = []
    /// The least-recently-seen contact being pinged before it may be evicted.
    public internal(set) var probing: NodeID?
    /// When a contact of this bucket last answered, or a lookup passed through it.
    public internal(set) var lastTouched: DHTInstant = .zero

    mutating func addReplacement(_ c: Contact) {
        if let i = replacements.firstIndex(where: { $0.nodeID == c.nodeID }) { replacements.remove(at: i) }
        KBucket.reserveForAppend(&replacements, upTo: DHTLimits.replacementCacheSize)
        replacements.append(c)
        if replacements.count > DHTLimits.replacementCacheSize { replacements.removeFirst() }
    }

    mutating func appendEntry(_ e: BucketEntry, k: Int) {
        KBucket.reserveForAppend(&entries, upTo: max(k, entries.count + 1))
        entries.append(e)
    }

    /// Before an append to a full buffer, grows it by doubling (from 4) but never past
    /// `limit`, the most the list may hold: a bucket of k = 10 gets 10 slots, not the 16 that
    /// plain doubling gives.
    @inline(__always)
    static func reserveForAppend<T>(_ a: inout [T], upTo limit: Int) {
        guard a.count == a.capacity else { return }
        a.reserveCapacity(max(a.count + 1, min(limit, max(4, a.count * 2))))
    }
}

/// What inserting a contact did.
public enum RoutingInsertion: Equatable, Sendable {
    /// A new contact entered a bucket with room.
    case added
    /// The contact was already present and moved to the most-recently-seen end.
    case refreshed
    /// The bucket is full: the contact waits in the replacement cache, and the bucket's
    /// least-recently-seen contact must be pinged (ping-before-evict).
    case pingBeforeEvict(Contact)
    /// The bucket is full and already probing; the contact waits in the replacement cache.
    case cached
    /// Our own ID.
    case ignoredSelf
}

/// 256 k-buckets around the local ID (Kademlia §2.2), sans-IO: it reports what to ping and
/// the caller reports the outcomes.
public struct RoutingTable: Sendable {
    /// The local node ID.
    public let localID: NodeID
    /// Buckets `lowestAllocated`…255, bucket i at `allocated[i - lowestAllocated]`. Buckets
    /// below hold nodes sharing ≥ 256 − i prefix bits with us, which only exist for i near
    /// 255 − log₂N, so they are allocated when first used (a bucket never used is identical
    /// to an empty `KBucket()`): 256 eagerly allocated buckets were 16 KB per node.
    private var allocated: [KBucket] = []
    private var lowestAllocated = DHTLimits.bucketCount
    /// Contacts per IP (ports ignored), for the per-IP cap.
    private var perIP: [IPKey: UInt16] = [:]

    /// An IP without port or family tag, 16 bytes: IPv4 as its IPv4-mapped IPv6 form
    /// (RFC 4291 §2.5.5.2, the same host), so the per-IP table spends 18 bytes a slot, not the
    /// 32 of `DHTAddress` + `Int`.
    struct IPKey: Hashable {
        var hi: UInt64
        var lo: UInt64

        init(_ a: DHTAddress) {
            switch a {
            case .ipv4(let v4, _): hi = 0; lo = 0xffff_0000_0000 | UInt64(v4)
            case .ipv6(let h, let l, _): hi = h; lo = l
            }
        }
    }

    /// An empty table.
    public init(localID: NodeID) {
        self.localID = localID
    }

    /// Bucket `index` (0…255): contacts at distance [2^index, 2^(index+1)).
    public func bucket(_ index: Int) -> KBucket {
        index >= lowestAllocated ? allocated[index - lowestAllocated] : KBucket()
    }

    /// The lowest bucket holding a contact, if any.
    public var lowestNonEmptyBucket: Int? {
        allocated.firstIndex { !$0.entries.isEmpty }.map { $0 + lowestAllocated }
    }

    /// Buckets actually allocated (the rest are empty and untouched).
    public var allocatedBuckets: Int { allocated.count }

    /// The storage slot of bucket `index`, allocating it (and the empty ones between it and
    /// the lowest allocated bucket) on first use.
    private mutating func slot(_ index: Int) -> Int {
        if index < lowestAllocated {
            allocated.insert(contentsOf: repeatElement(KBucket(), count: lowestAllocated - index), at: 0)
            lowestAllocated = index
        }
        return index - lowestAllocated
    }

    /// The number of contacts.
    public var count: Int { allocated.reduce(0) { $0 + $1.entries.count } }

    /// Heap bytes of the bucket array and contact lists, of the replacement caches, and of
    /// the per-IP counts.
    var heapBytes: (buckets: Int, replacements: Int, perIP: Int) {
        (HeapSize.array(allocated) + allocated.reduce(0) { $0 + HeapSize.array($1.entries) },
         allocated.reduce(0) { $0 + HeapSize.array($1.replacements) }, HeapSize.dictionary(perIP))
    }

    /// Whether `id` is in the table.
    public func contains(_ id: NodeID) -> Bool {
        guard let b = localID.bucketIndex(of: id), b >= lowestAllocated else { return false }
        return allocated[b - lowestAllocated].entries.contains { $0.contact.nodeID == id }
    }

    /// Contacts sharing `address`'s IP.
    public func contactsSharingIP(_ address: DHTAddress) -> Int { Int(perIP[IPKey(address)] ?? 0) }

    /// Inserts or refreshes `contact` seen alive at `now`, with bucket capacity `k`.
    /// The caller has already checked proof of work and rate limits.
    public mutating func insert(_ contact: Contact, now: DHTInstant, k: Int) -> RoutingInsertion {
        guard let index = localID.bucketIndex(of: contact.nodeID) else { return .ignoredSelf }
        let b = slot(index)
        allocated[b].lastTouched = now
        if let i = allocated[b].entries.firstIndex(where: { $0.contact.nodeID == contact.nodeID }) {
            var e = allocated[b].entries.remove(at: i)
            if IPKey(e.contact.address) != IPKey(contact.address) {
                decrementIP(e.contact.address); perIP[IPKey(contact.address), default: 0] += 1
            }
            e.contact = contact; e.lastSeen = now; e.failures = 0
            allocated[b].entries.append(e)
            return .refreshed
        }
        if allocated[b].entries.count < k {
            allocated[b].appendEntry(BucketEntry(contact: contact, lastSeen: now, failures: 0), k: k)
            perIP[IPKey(contact.address), default: 0] += 1
            allocated[b].replacements.removeAll { $0.nodeID == contact.nodeID }
            return .added
        }
        allocated[b].addReplacement(contact)
        if allocated[b].probing != nil { return .cached }
        let oldest = allocated[b].entries[0].contact
        allocated[b].probing = oldest.nodeID
        return .pingBeforeEvict(oldest)
    }

    /// The ping-before-evict probe of `id` was answered: it stays, as most recently seen.
    public mutating func probeAnswered(_ id: NodeID, now: DHTInstant) {
        guard let b = allocatedSlot(of: id) else { return }
        if allocated[b].probing == id { allocated[b].probing = nil }
        markAlive(id, now: now)
    }

    /// The probe of `id` timed out: it is evicted and the newest replacement takes its place.
    public mutating func probeFailed(_ id: NodeID) {
        guard let b = allocatedSlot(of: id) else { return }
        if allocated[b].probing == id { allocated[b].probing = nil }
        evict(id, bucket: b)
    }

    /// `id` answered a request: reset its failures and move it to the recent end.
    public mutating func markAlive(_ id: NodeID, now: DHTInstant) {
        guard let b = allocatedSlot(of: id),
              let i = allocated[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else { return }
        var e = allocated[b].entries.remove(at: i)
        e.lastSeen = now; e.failures = 0
        allocated[b].entries.append(e)
        allocated[b].lastTouched = now
    }

    /// `id` failed to answer: after `failuresBeforeReplace` misses it makes way for a
    /// replacement, after `failuresBeforeDrop` it goes even without one. Returns true if removed.
    @discardableResult
    public mutating func markFailed(_ id: NodeID) -> Bool {
        guard let b = allocatedSlot(of: id),
              let i = allocated[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else {
            if let b = allocatedSlot(of: id) { allocated[b].replacements.removeAll { $0.nodeID == id } }
            return false
        }
        allocated[b].entries[i].failures &+= 1
        let f = allocated[b].entries[i].failures
        if f >= DHTLimits.failuresBeforeDrop || (f >= DHTLimits.failuresBeforeReplace && !allocated[b].replacements.isEmpty) {
            if allocated[b].probing == id { allocated[b].probing = nil }
            evict(id, bucket: b)
            return true
        }
        return false
    }

    /// The storage slot of `id`'s bucket if that bucket is allocated.
    private func allocatedSlot(of id: NodeID) -> Int? {
        guard let index = localID.bucketIndex(of: id), index >= lowestAllocated else { return nil }
        return index - lowestAllocated
    }

    /// Removes `id` and promotes the newest replacement.
    private mutating func evict(_ id: NodeID, bucket b: Int) {
        guard let i = allocated[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else { return }
        let removed = allocated[b].entries.remove(at: i)
        decrementIP(removed.contact.address)
        if let r = allocated[b].replacements.popLast() {
            allocated[b].entries.append(BucketEntry(contact: r, lastSeen: removed.lastSeen, failures: 0))
            perIP[IPKey(r.address), default: 0] += 1
        }
    }

    private mutating func decrementIP(_ a: DHTAddress) {
        let key = IPKey(a)
        if let n = perIP[key] { if n <= 1 { perIP.removeValue(forKey: key) } else { perIP[key] = n - 1 } }
    }

    /// Marks bucket `index` as used at `now` (a lookup for an ID in it ran).
    public mutating func touch(bucket index: Int, now: DHTInstant) {
        let b = slot(index)
        allocated[b].lastTouched = now
    }

    /// The `count` contacts closest to `target` by XOR distance, closest first.
    ///
    /// Buckets are visited in distance order: the target's own bucket i holds everything
    /// closer than 2^i, then buckets below i (distance in [2^i, 2^(i+1))), then buckets above
    /// i in increasing order — so only as many buckets as needed are sorted.
    public func closest(to target: NodeID, count: Int, excluding excluded: NodeID? = nil) -> [Contact] {
        guard count > 0 else { return [] }
        var result: [Contact] = []
        result.reserveCapacity(count + DHTLimits.maxK)
        func take(_ group: [Contact]) {
            let sorted = group.sorted { $0.nodeID.distance(to: target) < $1.nodeID.distance(to: target) }
            for c in sorted where c.nodeID != excluded {
                if result.count >= count { return }
                result.append(c)
            }
        }
        let i = localID.bucketIndex(of: target) ?? -1
        let base = lowestAllocated
        if i >= base { take(allocated[i - base].entries.map(\.contact)) }
        if result.count < count, i > base {
            var lower: [Contact] = []
            for j in base..<i { for e in allocated[j - base].entries { lower.append(e.contact) } }
            take(lower)
        }
        var j = max(i + 1, base)
        while result.count < count, j < DHTLimits.bucketCount {
            if !allocated[j - base].entries.isEmpty { take(allocated[j - base].entries.map(\.contact)) }
            j += 1
        }
        return result
    }

    /// Every contact (for tests and diagnostics).
    public var allContacts: [Contact] { allocated.flatMap { $0.entries.map(\.contact) } }
}
