/// A dictionary with a capacity and least-recently-used eviction: every table of the DHT that
/// a peer can grow (prefix table, rate limiters, local store) is one of these.
///
/// Entries live in parallel arrays linked into a recency list by index, so insert, lookup,
/// touch and evict are O(1) and the list itself never allocates per operation.
public struct LRUMap<Key: Hashable, Value> {
    /// The most entries kept; inserting beyond it evicts the least recently used.
    public let capacity: Int

    private var index: [Key: Int] = [:]
    private var keys: [Key?] = []
    private var values: [Value?] = []
    private var prev: [Int] = []
    private var next: [Int] = []
    private var free: [Int] = []
    private var head = -1 // most recently used
    private var tail = -1 // least recently used

    /// An empty map holding at most `capacity` (≥ 1) entries.
    public init(capacity: Int) {
        precondition(capacity >= 1, "LRUMap capacity must be positive")
        self.capacity = capacity
    }

    /// The number of entries.
    public var count: Int { index.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { index.isEmpty }

    /// The value for `key`, marking it most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return values[i]
    }

    /// The value for `key` without changing its recency.
    public func peek(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return values[i]
    }

    /// Whether `key` is present (recency unchanged).
    public func contains(_ key: Key) -> Bool { index[key] != nil }

    /// Inserts or replaces the value for `key` and marks it most recently used. Returns the
    /// entry evicted to make room, if any.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let i = index[key] {
            values[i] = value
            moveToFront(i)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if index.count >= capacity { evicted = removeLeastRecentlyUsed() }
        let i: Int
        if let reused = free.popLast() {
            i = reused
            keys[i] = key; values[i] = value; prev[i] = -1; next[i] = -1
        } else {
            i = keys.count
            keys.append(key); values.append(value); prev.append(-1); next.append(-1)
        }
        index[key] = i
        linkAtFront(i)
        return evicted
    }

    /// Changes the value for `key` in place without changing its recency; no-op when absent.
    public mutating func update(_ key: Key, _ body: (inout Value) -> Void) {
        guard let i = index[key], var v = values[i] else { return }
        values[i] = nil
        body(&v)
        values[i] = v
    }

    /// Removes `key`, returning its value.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        unlink(i)
        let v = values[i]
        keys[i] = nil; values[i] = nil
        free.append(i)
        return v
    }

    /// Removes and returns the least recently used entry.
    @discardableResult
    public mutating func removeLeastRecentlyUsed() -> (key: Key, value: Value)? {
        guard tail >= 0, let k = keys[tail], let v = values[tail] else { return nil }
        remove(k)
        return (k, v)
    }

    /// The least recently used entry, without removing it.
    public var leastRecentlyUsed: (key: Key, value: Value)? {
        guard tail >= 0, let k = keys[tail], let v = values[tail] else { return nil }
        return (k, v)
    }

    /// All entries from most to least recently used.
    public var entries: [(key: Key, value: Value)] {
        var out: [(key: Key, value: Value)] = []
        out.reserveCapacity(index.count)
        var i = head
        while i >= 0 {
            if let k = keys[i], let v = values[i] { out.append((k, v)) }
            i = next[i]
        }
        return out
    }

    private mutating func unlink(_ i: Int) {
        let p = prev[i], n = next[i]
        if p >= 0 { next[p] = n } else { head = n }
        if n >= 0 { prev[n] = p } else { tail = p }
        prev[i] = -1; next[i] = -1
    }

    private mutating func linkAtFront(_ i: Int) {
        prev[i] = -1
        next[i] = head
        if head >= 0 { prev[head] = i }
        head = i
        if tail < 0 { tail = i }
    }

    private mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        linkAtFront(i)
    }
}

/// Fixed-window counters per key with an LRU-capped key table: `allow` admits a cost while the
/// key's total in the current window stays within the limit.
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

    /// Charges `cost` to `key` at `now` if it fits in the window; false (nothing charged) if not.
    public mutating func allow(_ key: Key, cost: Int = 1, now: DHTInstant) -> Bool {
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
}

extension LRUMap: Sendable where Key: Sendable, Value: Sendable {}
extension RateLimiter: Sendable where Key: Sendable {}
