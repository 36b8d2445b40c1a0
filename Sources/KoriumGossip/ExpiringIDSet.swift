/// A set of message IDs that forgets each after a fixed TTL and holds at most `capacity`
/// (oldest evicted first). Because every entry has the same TTL, insertion order is expiry
/// order and a FIFO gives both eviction rules in O(1).
struct ExpiringIDSet {
    private var expiry: [GossipMessageID: Int64] = [:]
    private var fifo: [(id: GossipMessageID, expires: Int64)] = []
    private var head = 0
    let capacity: Int
    let ttl: Int64

    init(capacity: Int, ttl: Int64) { self.capacity = capacity; self.ttl = ttl }

    var count: Int { expiry.count }

    func contains(_ id: GossipMessageID, now: Int64) -> Bool {
        guard let e = expiry[id] else { return false }
        return e > now
    }

    /// Inserts or refreshes `id`; returns whether an entry had to be evicted for room.
    @discardableResult
    mutating func insert(_ id: GossipMessageID, now: Int64) -> Bool {
        var evicted = false
        if expiry[id] == nil, expiry.count >= capacity {
            popOldest()
            evicted = true
        }
        let e = now &+ ttl
        expiry[id] = e
        fifo.append((id, e))
        compactIfNeeded()
        return evicted
    }

    mutating func expire(now: Int64) {
        while head < fifo.count, fifo[head].expires <= now {
            let item = fifo[head]
            if expiry[item.id] == item.expires { expiry[item.id] = nil }
            head += 1
        }
        compactIfNeeded()
    }

    private mutating func popOldest() {
        while head < fifo.count {
            let item = fifo[head]
            head += 1
            if expiry[item.id] == item.expires {
                expiry[item.id] = nil
                return
            }
        }
    }

    private mutating func compactIfNeeded() {
        // Refreshes leave stale FIFO slots; drop the consumed prefix once it dominates.
        if head > 64, head * 2 > fifo.count {
            fifo.removeFirst(head)
            head = 0
        }
        // Bound stale slots from repeated refreshes of live IDs.
        if fifo.count - head > 4 * max(capacity, 16) {
            fifo = fifo[head...].filter { expiry[$0.id] == $0.expires }
            head = 0
        }
    }
}
