/// One scheduled event: 40 bytes, no references, so the queue is a flat array.
@usableFromInline
struct SimEvent: Sendable {
    @usableFromInline
    enum Kind: UInt8, Sendable {
        /// A message arrives: `aux` = slab slot, `source` = sender.
        case deliver = 1
        /// A core's timer: `payload` = token, `aux` = incarnation when set.
        case timer = 2
        /// The node starts (first `handleStart`): `aux` = incarnation.
        case start = 3
        /// Churn: the node departs (graceful or crash chosen then): `aux` = incarnation.
        case churnLeave = 4
        /// Churn: the node rejoins: `aux` = incarnation at departure.
        case churnJoin = 5
        /// A scripted action: `payload` = index in the script table.
        case script = 6
    }

    @usableFromInline var time: Int64
    @usableFromInline var seq: UInt64
    @usableFromInline var payload: UInt64
    @usableFromInline var target: UInt32
    @usableFromInline var source: UInt32
    @usableFromInline var aux: UInt32
    @usableFromInline var kind: Kind

    @inlinable
    init(time: Int64, seq: UInt64, kind: Kind, target: UInt32, source: UInt32 = 0, aux: UInt32 = 0,
         payload: UInt64 = 0) {
        self.time = time
        self.seq = seq
        self.payload = payload
        self.target = target
        self.source = source
        self.aux = aux
        self.kind = kind
    }

    /// Earlier time first; equal times in insertion order (so runs are deterministic).
    @inlinable
    func precedes(_ other: SimEvent) -> Bool {
        time < other.time || (time == other.time && seq < other.seq)
    }
}

/// A 4-ary min-heap of events ordered by (time, insertion sequence). Four children per node
/// halve the depth of a binary heap, so a pop touches fewer cache lines (the children of one
/// node are adjacent: 160 bytes).
@usableFromInline
struct SimEventQueue: Sendable {
    @usableFromInline var heap: ContiguousArray<SimEvent> = []
    @usableFromInline var nextSeq: UInt64 = 0

    @inlinable init() {}

    @inlinable var count: Int { heap.count }
    @inlinable var isEmpty: Bool { heap.isEmpty }
    @inlinable var nextTime: Int64? { heap.first?.time }

    /// Adds an event; its sequence number is assigned here.
    @inlinable
    mutating func push(time: Int64, kind: SimEvent.Kind, target: UInt32, source: UInt32 = 0, aux: UInt32 = 0,
                       payload: UInt64 = 0) {
        let e = SimEvent(time: time, seq: nextSeq, kind: kind, target: target, source: source, aux: aux, payload: payload)
        nextSeq &+= 1
        heap.append(e)
        heap.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 2
                if !e.precedes(h[parent]) { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    /// Removes and returns the earliest event.
    @inlinable
    mutating func pop() -> SimEvent? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let first = 4 &* i &+ 1
                if first >= n { break }
                var c = first
                let end = Swift.min(first &+ 4, n)
                var k = first &+ 1
                while k < end {
                    if h[k].precedes(h[c]) { c = k }
                    k &+= 1
                }
                if !h[c].precedes(last) { break }
                h[i] = h[c]
                i = c
            }
            h[i] = last
        }
        return top
    }
}
