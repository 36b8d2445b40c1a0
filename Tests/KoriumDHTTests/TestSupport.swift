import KoriumCrypto
@testable import KoriumDHT

/// SplitMix64: a tiny seeded generator so every test is deterministic.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() {
        out.append(UInt8(String([a, b]), radix: 16) ?? 0)
    }
    return out
}

let testDifficulty = 8

/// Identities with 8-bit proofs of work, generated once per seed and cached.
func makeIdentity(_ seed: UInt64, difficulty: Int = testDifficulty) -> DHTIdentity {
    var rng = TestRNG(seed &* 7919 &+ 1)
    do {
        return try DHTIdentity.generate(difficulty: difficulty, using: &rng)
    } catch {
        preconditionFailure("identity generation failed: \(error)")
    }
}

func address(_ i: Int, port: UInt16 = 4433) -> DHTAddress {
    .ipv4(0x0a00_0000 | UInt32(i), port: port)
}

func testConfig() -> DHTConfig {
    var c = DHTConfig()
    c.powDifficulty = testDifficulty
    return c
}

let t0 = DHTInstant(nanoseconds: 1_700_000_000 * 1_000_000_000)

/// A minimal deterministic message pump for core tests that need a few peers (the
/// network-scale tests run on KoriumSim): per-pair latency, optional message filter,
/// virtual time in a sorted event list.
struct MiniNet {
    enum Event { case deliver(to: Int, msg: DHTMessage, from: Int), timer(Int) }
    var nodes: [DHTNode] = []
    var online: [Bool] = []
    var byAddress: [DHTAddress: Int] = [:]
    var queue: [(time: DHTInstant, seq: Int, event: Event)] = []
    var seq = 0
    var scheduled: [DHTInstant?] = []
    var now = t0
    var rng = TestRNG(99)
    var latency: (Int, Int) -> DHTDuration = { _, _ in .milliseconds(20) }
    var events: [[DHTEvent]] = []
    var sent = 0
    /// Returns false to drop a message (loss, adversaries).
    var filter: (Int, Int, DHTMessage) -> Bool = { _, _, _ in true }

    init(count: Int, config: DHTConfig = testConfig(), seedBase: UInt64 = 0) {
        for i in 0..<count {
            let node = DHTNode(identity: makeIdentity(seedBase + UInt64(i)), address: address(i), config: config)
            byAddress[node.address] = i
            nodes.append(node)
        }
        online = Array(repeating: true, count: count)
        scheduled = Array(repeating: nil, count: count)
        events = Array(repeating: [], count: count)
    }

    mutating func push(_ t: DHTInstant, _ e: Event) {
        seq += 1
        queue.append((t, seq, e))
        var i = queue.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if less(queue[i], queue[p]) { queue.swapAt(i, p); i = p } else { break }
        }
    }

    func less(_ a: (time: DHTInstant, seq: Int, event: Event), _ b: (time: DHTInstant, seq: Int, event: Event)) -> Bool {
        a.time < b.time || (a.time == b.time && a.seq < b.seq)
    }

    mutating func pop() -> (time: DHTInstant, seq: Int, event: Event)? {
        guard !queue.isEmpty else { return nil }
        queue.swapAt(0, queue.count - 1)
        let top = queue.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < queue.count, less(queue[l], queue[m]) { m = l }
            if r < queue.count, less(queue[r], queue[m]) { m = r }
            if m == i { break }
            queue.swapAt(i, m); i = m
        }
        return top
    }

    mutating func flush(_ i: Int) {
        while let tx = nodes[i].pollTransmit() {
            sent += 1
            guard let j = byAddress[tx.destination.address], filter(i, j, tx.message) else { continue }
            push(now + latency(i, j), .deliver(to: j, msg: tx.message, from: i))
        }
        while let e = nodes[i].pollEvent() { events[i].append(e) }
        if let t = nodes[i].pollTimeout(), scheduled[i] == nil || t < scheduled[i]! {
            scheduled[i] = t
            push(t, .timer(i))
        }
    }

    /// Starts every node with `bootstrapCount` earlier nodes as bootstrap contacts.
    mutating func startAll(bootstrapCount: Int = 3) {
        for i in nodes.indices {
            var boot: [Contact] = []
            if i > 0 { for _ in 0..<bootstrapCount { boot.append(nodes[Int(rng.next() % UInt64(i))].contact) } }
            nodes[i].start(bootstrap: boot, now: now, rng: &rng)
            flush(i)
        }
    }

    mutating func run(until end: DHTInstant) {
        while let first = queue.first, first.time <= end {
            _ = pop()
            now = first.time
            switch first.event {
            case .deliver(let j, let msg, let from):
                guard online[j] else { continue }
                nodes[j].handle(msg, from: nodes[from].address, now: now, rng: &rng)
                flush(j)
            case .timer(let j):
                guard online[j], scheduled[j] == now else { continue }
                scheduled[j] = nil
                nodes[j].handleTimeout(now: now, rng: &rng)
                flush(j)
            }
        }
        now = end
    }

    mutating func run(for d: DHTDuration) { run(until: now + d) }

    /// Results of finished lookups at node `i`, removing them.
    mutating func takeResults(_ i: Int) -> [LookupResult] {
        var out: [LookupResult] = []
        for e in events[i] { if case .lookupFinished(let r) = e { out.append(r) } }
        events[i].removeAll()
        return out
    }
}
