/// The event loop's timers: a binary min-heap ordered by (deadline, id), so timers with equal
/// deadlines fire in scheduling order. Cancellation removes the handler at once and leaves a
/// dead heap entry that is skipped when it surfaces; the heap is rebuilt when dead entries
/// outnumber live ones, so cancel-and-reschedule (as QUIC does with every packet) stays O(log n).
struct TimerQueue {
    struct Entry {
        var deadline: ContinuousClock.Instant
        var id: UInt64

        func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && id < other.id)
        }
    }

    /// A handler in a struct: a bare closure stored in a generic container would be wrapped in
    /// a reabstraction thunk, one heap allocation per timer.
    struct Handler {
        let fire: () -> Void
    }

    private(set) var heap: [Entry] = []
    private(set) var handlers: [UInt64: Handler] = [:]

    /// Live (scheduled, not fired, not cancelled) timers.
    var count: Int { handlers.count }

    mutating func schedule(id: UInt64, at deadline: ContinuousClock.Instant, _ handler: @escaping () -> Void) {
        handlers[id] = Handler(fire: handler)
        push(Entry(deadline: deadline, id: id))
    }

    /// Removes a pending timer; false if it already fired, was cancelled, or never existed.
    mutating func cancel(id: UInt64) -> Bool {
        guard handlers.removeValue(forKey: id) != nil else { return false }
        if heap.count > 64 && heap.count > 2 * handlers.count { rebuild() }
        return true
    }

    /// The earliest live deadline (dropping dead entries from the top).
    mutating func nextDeadline() -> ContinuousClock.Instant? {
        while let top = heap.first {
            if handlers[top.id] != nil { return top.deadline }
            pop()
        }
        return nil
    }

    /// Removes and returns the handler of the earliest live timer due at `now` with an id below
    /// `idLimit` (timers scheduled during this pass wait for the next one), or nil.
    mutating func popExpired(now: ContinuousClock.Instant, idLimit: UInt64) -> (() -> Void)? {
        while let top = heap.first {
            guard let handler = handlers[top.id] else {
                pop()
                continue
            }
            guard top.deadline <= now, top.id < idLimit else { return nil }
            pop()
            handlers.removeValue(forKey: top.id)
            return handler.fire
        }
        return nil
    }

    mutating func removeAll() {
        heap.removeAll()
        handlers.removeAll()
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func rebuild() {
        heap.removeAll { handlers[$0.id] == nil }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }
}
