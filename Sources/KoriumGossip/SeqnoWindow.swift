/// Per-publisher replay protection: the highest sequence number seen and a bitmap of the
/// `seqnoWindow` (128) numbers below it. A number at or below `highest − 128`, or already
/// marked, is a replay. At most `maxSeqnoSources` publishers are tracked, first-tracked evicted.
struct SeqnoWindows {
    struct Window { var highest: UInt64; var bits: (UInt64, UInt64) }
    private var windows: [GossipPeerID: Window] = [:]
    private var order: [GossipPeerID] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { windows.count }

    /// Whether `seqno` from `source` would be fresh.
    func isFresh(_ source: GossipPeerID, _ seqno: UInt64) -> Bool {
        guard let w = windows[source] else { return true }
        if seqno > w.highest { return true }
        let back = w.highest - seqno
        if back >= UInt64(GossipLimits.seqnoWindow) { return false }
        return !Self.bit(w.bits, Int(back))
    }

    /// Marks `seqno` as used (call after `isFresh` and signature verification).
    mutating func mark(_ source: GossipPeerID, _ seqno: UInt64) {
        guard var w = windows[source] else {
            if windows.count >= capacity { evictOldest() }
            windows[source] = Window(highest: seqno, bits: (1, 0))
            order.append(source)
            return
        }
        if seqno > w.highest {
            let shift = seqno - w.highest
            w.bits = Self.shifted(w.bits, by: shift)
            w.bits.0 |= 1
            w.highest = seqno
        } else {
            let back = Int(w.highest - seqno)
            if back < GossipLimits.seqnoWindow { w.bits = Self.setting(w.bits, back) }
        }
        windows[source] = w
    }

    private mutating func evictOldest() {
        while head < order.count {
            let s = order[head]
            head += 1
            if windows.removeValue(forKey: s) != nil { break }
        }
        if head > 64, head * 2 > order.count { order.removeFirst(head); head = 0 }
    }

    private static func bit(_ b: (UInt64, UInt64), _ i: Int) -> Bool {
        i < 64 ? (b.0 >> UInt64(i)) & 1 == 1 : (b.1 >> UInt64(i - 64)) & 1 == 1
    }

    private static func setting(_ b: (UInt64, UInt64), _ i: Int) -> (UInt64, UInt64) {
        i < 64 ? (b.0 | (1 << UInt64(i)), b.1) : (b.0, b.1 | (1 << UInt64(i - 64)))
    }

    private static func shifted(_ b: (UInt64, UInt64), by s: UInt64) -> (UInt64, UInt64) {
        if s >= 128 { return (0, 0) }
        if s >= 64 { return (0, b.0 << (s - 64)) }
        if s == 0 { return b }
        return (b.0 << s, (b.1 << s) | (b.0 >> (64 - s)))
    }
}
