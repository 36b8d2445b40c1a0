/// A contact in a k-bucket with its liveness bookkeeping.
public struct BucketEntry: Sendable {
    /// The peer.
    public var contact: Contact
    /// When the peer last answered or wrote to us.
    public var lastSeen: DHTInstant
    /// Consecutive unanswered requests.
    public var failures: UInt8
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
        replacements.append(c)
        if replacements.count > DHTLimits.replacementCacheSize { replacements.removeFirst() }
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
    /// The buckets; bucket i holds contacts at distance [2^i, 2^(i+1)).
    public internal(set) var buckets: [KBucket]
    /// Contacts per IP (ports ignored), for the per-IP cap.
    private var perIP: [DHTAddress: Int] = [:]

    /// An empty table.
    public init(localID: NodeID) {
        self.localID = localID
        buckets = Array(repeating: KBucket(), count: DHTLimits.bucketCount)
    }

    /// The number of contacts.
    public var count: Int { buckets.reduce(0) { $0 + $1.entries.count } }

    /// Whether `id` is in the table.
    public func contains(_ id: NodeID) -> Bool {
        guard let b = localID.bucketIndex(of: id) else { return false }
        return buckets[b].entries.contains { $0.contact.nodeID == id }
    }

    /// Contacts sharing `address`'s IP.
    public func contactsSharingIP(_ address: DHTAddress) -> Int { perIP[address.ipOnly] ?? 0 }

    /// Inserts or refreshes `contact` seen alive at `now`, with bucket capacity `k`.
    /// The caller has already checked proof of work and rate limits.
    public mutating func insert(_ contact: Contact, now: DHTInstant, k: Int) -> RoutingInsertion {
        guard let b = localID.bucketIndex(of: contact.nodeID) else { return .ignoredSelf }
        buckets[b].lastTouched = now
        if let i = buckets[b].entries.firstIndex(where: { $0.contact.nodeID == contact.nodeID }) {
            var e = buckets[b].entries.remove(at: i)
            if e.contact.address.ipOnly != contact.address.ipOnly {
                decrementIP(e.contact.address); perIP[contact.address.ipOnly, default: 0] += 1
            }
            e.contact = contact; e.lastSeen = now; e.failures = 0
            buckets[b].entries.append(e)
            return .refreshed
        }
        if buckets[b].entries.count < k {
            buckets[b].entries.append(BucketEntry(contact: contact, lastSeen: now, failures: 0))
            perIP[contact.address.ipOnly, default: 0] += 1
            buckets[b].replacements.removeAll { $0.nodeID == contact.nodeID }
            return .added
        }
        buckets[b].addReplacement(contact)
        if buckets[b].probing != nil { return .cached }
        let oldest = buckets[b].entries[0].contact
        buckets[b].probing = oldest.nodeID
        return .pingBeforeEvict(oldest)
    }

    /// The ping-before-evict probe of `id` was answered: it stays, as most recently seen.
    public mutating func probeAnswered(_ id: NodeID, now: DHTInstant) {
        guard let b = localID.bucketIndex(of: id) else { return }
        if buckets[b].probing == id { buckets[b].probing = nil }
        markAlive(id, now: now)
    }

    /// The probe of `id` timed out: it is evicted and the newest replacement takes its place.
    public mutating func probeFailed(_ id: NodeID) {
        guard let b = localID.bucketIndex(of: id) else { return }
        if buckets[b].probing == id { buckets[b].probing = nil }
        evict(id, bucket: b)
    }

    /// `id` answered a request: reset its failures and move it to the recent end.
    public mutating func markAlive(_ id: NodeID, now: DHTInstant) {
        guard let b = localID.bucketIndex(of: id),
              let i = buckets[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else { return }
        var e = buckets[b].entries.remove(at: i)
        e.lastSeen = now; e.failures = 0
        buckets[b].entries.append(e)
        buckets[b].lastTouched = now
    }

    /// `id` failed to answer: after `failuresBeforeReplace` misses it makes way for a
    /// replacement, after `failuresBeforeDrop` it goes even without one. Returns true if removed.
    @discardableResult
    public mutating func markFailed(_ id: NodeID) -> Bool {
        guard let b = localID.bucketIndex(of: id),
              let i = buckets[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else {
            if let b = localID.bucketIndex(of: id) { buckets[b].replacements.removeAll { $0.nodeID == id } }
            return false
        }
        buckets[b].entries[i].failures &+= 1
        let f = buckets[b].entries[i].failures
        if f >= DHTLimits.failuresBeforeDrop || (f >= DHTLimits.failuresBeforeReplace && !buckets[b].replacements.isEmpty) {
            if buckets[b].probing == id { buckets[b].probing = nil }
            evict(id, bucket: b)
            return true
        }
        return false
    }

    /// Removes `id` and promotes the newest replacement.
    private mutating func evict(_ id: NodeID, bucket b: Int) {
        guard let i = buckets[b].entries.firstIndex(where: { $0.contact.nodeID == id }) else { return }
        let removed = buckets[b].entries.remove(at: i)
        decrementIP(removed.contact.address)
        if let r = buckets[b].replacements.popLast() {
            buckets[b].entries.append(BucketEntry(contact: r, lastSeen: removed.lastSeen, failures: 0))
            perIP[r.address.ipOnly, default: 0] += 1
        }
    }

    private mutating func decrementIP(_ a: DHTAddress) {
        let key = a.ipOnly
        if let n = perIP[key] { if n <= 1 { perIP.removeValue(forKey: key) } else { perIP[key] = n - 1 } }
    }

    /// Marks bucket `index` as used at `now` (a lookup for an ID in it ran).
    public mutating func touch(bucket index: Int, now: DHTInstant) {
        buckets[index].lastTouched = now
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
        if i >= 0 { take(buckets[i].entries.map(\.contact)) }
        if result.count < count, i > 0 {
            var lower: [Contact] = []
            for j in 0..<i { for e in buckets[j].entries { lower.append(e.contact) } }
            take(lower)
        }
        var j = i + 1
        while result.count < count, j < DHTLimits.bucketCount {
            if !buckets[j].entries.isEmpty { take(buckets[j].entries.map(\.contact)) }
            j += 1
        }
        return result
    }

    /// Every contact (for tests and diagnostics).
    public var allContacts: [Contact] { buckets.flatMap { $0.entries.map(\.contact) } }
}
