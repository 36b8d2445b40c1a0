/// A binary min-heap of (deadline, connection) entries with lazy deletion: rescheduling pushes
/// a new entry and the old one is skipped when it surfaces (its deadline no longer matches the
/// slot's). So finding the next timer is O(1) and updating one is O(log n), with no scan over
/// all connections.
struct DeadlineHeap: Sendable {
    struct Entry: Sendable {
        var deadline: Instant
        var index: UInt32
        var generation: UInt32
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }
    var top: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first
    }

    /// Drops every entry `isStale` accepts and restores the heap order, in place (no allocation).
    mutating func removeAll(where isStale: (Entry) -> Bool) {
        entries.removeAll(where: isStale)
        var parent = entries.count / 2
        while parent > 0 {
            parent -= 1
            siftDown(parent)
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count && entries[right].deadline < entries[smallest].deadline { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
