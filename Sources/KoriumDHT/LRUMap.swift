/// A dictionary with a capacity and least-recently-used eviction: every table of the DHT that
/// a peer can grow (prefix table, rate limiters, local store) is one of these.
///
/// Entries live in one dense array of slots linked into a recency list by 32-bit index (no
/// optionals, no per-entry allocation), so insert, lookup, touch and evict are O(1). Removal
/// moves the last slot into the hole, so the array never holds dead entries; when a burst has
/// passed and the map holds less than a quarter of its storage, the storage is shrunk, so a
/// million simulated nodes do not each keep the high-water mark of their warm-up.
public struct LRUMap<Key: Hashable, Value> {
    struct Slot {
        var key: Key
        var value: Value
        var prev: Int32
        var next: Int32
    }

    /// The most entries kept; inserting beyond it evicts the least recently used.
    public let capacity: Int

    private var index: [Key: Int32] = [:]
    private var slots: [Slot] = []
    private var head: Int32 = -1 // most recently used
    private var tail: Int32 = -1 // least recently used

    /// Storage below this many slots is never shrunk (not worth a reallocation).
    static var minimumShrinkStorage: Int { 32 }

    /// An empty map holding at most `capacity` (1…2³¹−1) entries.
    public init(capacity: Int) {
        precondition(capacity >= 1 && capacity < Int(Int32.max), "LRUMap capacity must be in 1..<2^31")
        self.capacity = capacity
    }

    /// The number of entries.
    public var count: Int { slots.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { slots.isEmpty }

    /// The value for `key`, marking it most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return slots[Int(i)].value
    }

    /// The value for `key` without changing its recency.
    public func peek(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return slots[Int(i)].value
    }

    /// Whether `key` is present (recency unchanged).
    public func contains(_ key: Key) -> Bool { index[key] != nil }

    /// Inserts or replaces the value for `key` and marks it most recently used. Returns the
    /// entry evicted to make room, if any.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let i = index[key] {
            slots[Int(i)].value = value
            moveToFront(i)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if slots.count >= capacity { evicted = removeLeastRecentlyUsed() }
        let i = Int32(slots.count)
        slots.append(Slot(key: key, value: value, prev: -1, next: -1))
        index[key] = i
        linkAtFront(i)
        return evicted
    }

    /// Changes the value for `key` in place without changing its recency; no-op when absent.
    public mutating func update(_ key: Key, _ body: (inout Value) -> Void) {
        guard let i = index[key] else { return }
        body(&slots[Int(i)].value)
    }

    /// Removes `key`, returning its value.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        unlink(i)
        let last = Int32(slots.count - 1)
        if i != last {
            // Move the last slot into the hole and repoint its neighbours and index entry.
            let moved = slots[Int(last)]
            slots.swapAt(Int(i), Int(last))
            if moved.prev >= 0 { slots[Int(moved.prev)].next = i } else { head = i }
            if moved.next >= 0 { slots[Int(moved.next)].prev = i } else { tail = i }
            index[moved.key] = i
        }
        let v = slots.removeLast().value
        shrinkIfSparse()
        return v
    }

    /// Removes and returns the least recently used entry.
    @discardableResult
    public mutating func removeLeastRecentlyUsed() -> (key: Key, value: Value)? {
        guard tail >= 0 else { return nil }
        let k = slots[Int(tail)].key
        guard let v = remove(k) else { return nil }
        return (k, v)
    }

    /// The least recently used entry, without removing it.
    public var leastRecentlyUsed: (key: Key, value: Value)? {
        guard tail >= 0 else { return nil }
        let s = slots[Int(tail)]
        return (s.key, s.value)
    }

    /// All entries from most to least recently used.
    public var entries: [(key: Key, value: Value)] {
        var out: [(key: Key, value: Value)] = []
        out.reserveCapacity(slots.count)
        var i = head
        while i >= 0 {
            let s = slots[Int(i)]
            out.append((s.key, s.value))
            i = s.next
        }
        return out
    }

    /// Slots and index buckets currently allocated (for memory accounting).
    var storageCapacity: (slots: Int, index: Int) { (slots.capacity, index.capacity) }

    /// Heap bytes held by the map's storage (slot array and hash index), approximately.
    var heapBytes: Int {
        HeapSize.array(slots) + HeapSize.dictionary(index)
    }

    /// After a burst, gives back storage the map no longer needs: when fewer than a quarter
    /// of the allocated slots are used, the slots and the index are reallocated at twice the
    /// count (amortised O(1): at least 3/4 of the storage was freed since the last growth).
    private mutating func shrinkIfSparse() {
        let allocated = max(slots.capacity, index.capacity)
        guard allocated >= Self.minimumShrinkStorage, slots.count * 4 < allocated else { return }
        var compact: [Slot] = []
        compact.reserveCapacity(slots.count * 2)
        compact.append(contentsOf: slots)
        slots = compact
        var fresh = [Key: Int32](minimumCapacity: slots.count * 2)
        for (i, s) in slots.enumerated() { fresh[s.key] = Int32(i) }
        index = fresh
    }

    private mutating func unlink(_ i: Int32) {
        let p = slots[Int(i)].prev, n = slots[Int(i)].next
        if p >= 0 { slots[Int(p)].next = n } else { head = n }
        if n >= 0 { slots[Int(n)].prev = p } else { tail = p }
        slots[Int(i)].prev = -1; slots[Int(i)].next = -1
    }

    private mutating func linkAtFront(_ i: Int32) {
        slots[Int(i)].prev = -1
        slots[Int(i)].next = head
        if head >= 0 { slots[Int(head)].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    private mutating func moveToFront(_ i: Int32) {
        guard head != i else { return }
        unlink(i)
        linkAtFront(i)
    }
}

/// Fixed-window counters per key with an LRU-capped key table: `allow` admits a cost while the
/// key's total in the current window stays within the limit.
///
/// A counter whose window has passed means the same as no counter, so such counters are
/// dropped from the least-recent end as they are met: the table holds the keys active in about
/// the last window, not the last `trackedKeys` keys ever seen.
public struct RateLimiter<Key: Hashable> {
    /// Units admitted per key per window.
    public let limit: Int
    /// The window length.
    public let window: DHTDuration
    private var counters: LRUMap<Key, (start: DHTInstant, used: Int)>

    /// A limiter tracking at most `trackedKeys` keys (the least recent are forgotten).
    public init(limit: Int, window: DHTDuration, trackedKeys: Int) {
        self.limit = limit
        self.window = window
        counters = LRUMap(capacity: trackedKeys)
    }

    /// Keys with a counter in the table.
    public var trackedKeys: Int { counters.count }

    /// Charges `cost` to `key` at `now` if it fits in the window; false (nothing charged) if not.
    public mutating func allow(_ key: Key, cost: Int = 1, now: DHTInstant) -> Bool {
        dropExpired(now: now)
        var entry = counters.get(key) ?? (now, 0)
        if now - entry.start >= window { entry = (now, 0) }
        guard entry.used + cost <= limit else { return false }
        entry.used += cost
        counters.set(key, entry)
        return true
    }

    /// Units already charged to `key` in its current window.
    public func used(_ key: Key, now: DHTInstant) -> Int {
        guard let e = counters.peek(key), now - e.start < window else { return 0 }
        return e.used
    }

    /// Removes least-recently-charged counters whose window has passed (each is removed once,
    /// so the cost is amortised O(1) per `allow`).
    private mutating func dropExpired(now: DHTInstant) {
        while let oldest = counters.leastRecentlyUsed, now - oldest.value.start >= window {
            counters.removeLeastRecentlyUsed()
        }
    }

    /// Heap bytes held by the counter table, approximately.
    var heapBytes: Int { counters.heapBytes }
}

extension LRUMap.Slot: Sendable where Key: Sendable, Value: Sendable {}
extension LRUMap: Sendable where Key: Sendable, Value: Sendable {}
extension RateLimiter: Sendable where Key: Sendable {}
