/// The sans-IO core of the UDP impairment proxy (`korium netem-proxy`): datagrams go in with
/// their direction and arrival time, come out later (or never, or twice, or changed) according
/// to each direction's `ImpairmentParameters` and a script of timed changes (blackholes,
/// parameter changes, NAT rebinding).
///
/// The link model is the simulator's own (`SimLinkProfile.decide`), drawn from `SimRandom`
/// streams derived from one seed, so for a given seed and datagram sequence the decisions are
/// the same on every run. Script times count from the first datagram. No clock, no socket:
/// the driver passes `now` and moves bytes.
///
/// Call order for the driver, whenever it wakes (datagram or `nextDeadline`):
/// 1. `handle(_:direction:tag:now:)` for each datagram received;
/// 2. `advance(now:)`, then `pollRebind()` until nil (switch the client's upstream binding);
/// 3. `pollDelivery(now:_:)` until false (send each datagram on its way);
/// 4. sleep until `nextDeadline`.
///
/// Memory is fixed at `init`: `slotCount` buffers of `maxDatagramSize` bytes; a datagram that
/// finds no free slot is dropped and counted (`overflowed`).
public struct ImpairmentCore: Sendable {
    /// Default number of datagrams held at once (≈ 16 MiB with the default slot size): a
    /// 200 ms-RTT path at 200 Mbit/s keeps ~3,400 full-size datagrams in flight.
    public static let defaultSlotCount = 8_192
    /// Default largest datagram (QUIC stacks send ≤ 1,500 bytes without PMTU probing above it).
    public static let defaultMaxDatagramSize = 2_048
    /// Most rebinds waiting for `pollRebind`; older ones are superseded by newer.
    public static let maxPendingRebinds = 16

    /// Buffer slots (the cap on datagrams held at once).
    public let slotCount: Int
    /// Largest datagram carried; larger ones are dropped (`oversize`).
    public let maxDatagramSize: Int

    private var parameters: [ImpairmentParameters]
    private var linkRandom: [SimRandom]
    private var corruptRandom: [SimRandom]
    private var uplinkTAT: [Int64] = [0, 0]
    private var blackholeUntil: [Int64] = [.min, .min]
    private var counters: [ImpairmentCounters] = [ImpairmentCounters(), ImpairmentCounters()]
    private var storage: [UInt8]
    private var lengths: [Int32]
    private var freeSlots: [UInt32]
    private var queue = SimEventQueue()
    private let schedule: [ImpairmentEvent]
    private var nextScheduled = 0
    private var pendingRebinds: [ImpairmentRebind] = []
    /// When the first datagram arrived (script time zero); nil before.
    public private(set) var start: SimInstant?
    /// Rebinds carried out so far (taken by `pollRebind`).
    public private(set) var rebindCount = 0

    /// A core with the given parameters per direction and `script` (any order; sorted here,
    /// equal times keep their order). `seed` selects the random streams.
    public init(seed: UInt64, clientToServer: ImpairmentParameters, serverToClient: ImpairmentParameters,
                script: [ImpairmentEvent] = [], slotCount: Int = defaultSlotCount,
                maxDatagramSize: Int = defaultMaxDatagramSize) {
        precondition(slotCount > 0 && slotCount <= Int(UInt32.max) && maxDatagramSize > 0, "ImpairmentCore sizes must be positive")
        self.slotCount = slotCount
        self.maxDatagramSize = maxDatagramSize
        parameters = [clientToServer, serverToClient]
        linkRandom = [SimRandom(seed: seed, node: 0, stream: 1), SimRandom(seed: seed, node: 1, stream: 1)]
        corruptRandom = [SimRandom(seed: seed, node: 0, stream: 2), SimRandom(seed: seed, node: 1, stream: 2)]
        storage = [UInt8](repeating: 0, count: slotCount * maxDatagramSize)
        lengths = [Int32](repeating: 0, count: slotCount)
        freeSlots = (0..<UInt32(slotCount)).reversed()
        schedule = script.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        queue.heap.reserveCapacity(slotCount)
        pendingRebinds.reserveCapacity(Self.maxPendingRebinds)
    }

    /// The current parameters of `direction` (after the script events applied so far).
    public func parameters(_ direction: ImpairmentDirection) -> ImpairmentParameters { parameters[direction.rawValue] }

    /// The counters of `direction`.
    public func counters(_ direction: ImpairmentDirection) -> ImpairmentCounters { counters[direction.rawValue] }

    /// Datagrams held for later delivery.
    public var heldCount: Int { queue.count }

    /// The earliest time something is due: a held datagram or the next script event.
    public var nextDeadline: SimInstant? {
        var t = queue.nextTime
        if let start, nextScheduled < schedule.count {
            let s = start.nanoseconds &+ schedule[nextScheduled].at.nanoseconds
            t = min(t ?? s, s)
        }
        return t.map(SimInstant.init(nanoseconds:))
    }

    /// Takes one datagram that entered `direction` at `now`. `tag` is the driver's (for example
    /// which client flow it belongs to) and comes back with the datagram. The bytes are copied.
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, direction: ImpairmentDirection, tag: UInt32,
                                now: SimInstant) {
        if start == nil { start = now }
        advance(now: now)
        let d = direction.rawValue
        counters[d].received += 1
        counters[d].receivedBytes += bytes.count
        let p = parameters[d]
        if now.nanoseconds < blackholeUntil[d] {
            counters[d].blackholed += 1
            return
        }
        if bytes.count > maxDatagramSize || (p.link.mtu > 0 && bytes.count > p.link.mtu) {
            counters[d].oversize += 1
            return
        }
        let decision = p.link.decide(size: bytes.count, now: now.nanoseconds, pathDelay: 0,
                                     uplinkTAT: &uplinkTAT[d], random: &linkRandom[d])
        switch decision {
        case .lost:
            counters[d].lost += 1
        case .queueFull:
            counters[d].queueDropped += 1
        case .deliver(let at, let duplicateAt, let reordered):
            guard let slot = store(bytes) else {
                counters[d].overflowed += 1
                return
            }
            if corruptRandom[d].chance(p.corrupt), bytes.count > 0 {
                corrupt(slot: slot, count: bytes.count, bits: p.corruptBits, direction: d)
                counters[d].corrupted += 1
            }
            if reordered { counters[d].reordered += 1 }
            queue.push(time: at, kind: .deliver, target: UInt32(d), aux: slot, payload: UInt64(tag))
            if let again = duplicateAt {
                counters[d].duplicated += 1
                guard let copy = copySlot(slot) else {
                    counters[d].overflowed += 1
                    return
                }
                queue.push(time: again, kind: .deliver, target: UInt32(d), aux: copy, payload: UInt64(tag))
            }
        }
    }

    /// Applies the script events due at `now` (parameter changes, blackholes, rebinds).
    public mutating func advance(now: SimInstant) {
        guard let start else { return }
        while nextScheduled < schedule.count, start.nanoseconds &+ schedule[nextScheduled].at.nanoseconds <= now.nanoseconds {
            let event = schedule[nextScheduled]
            nextScheduled += 1
            let eventTime = start.nanoseconds &+ event.at.nanoseconds
            switch event.action {
            case .set(let scope, let settings):
                for direction in ImpairmentDirection.allCases where scope.contains(direction) {
                    for setting in settings { setting.apply(to: &parameters[direction.rawValue]) }
                }
            case .blackhole(let scope, let length):
                for direction in ImpairmentDirection.allCases where scope.contains(direction) {
                    blackholeUntil[direction.rawValue] = max(blackholeUntil[direction.rawValue], eventTime &+ length.nanoseconds)
                }
            case .rebind(let kind):
                if pendingRebinds.count == Self.maxPendingRebinds { pendingRebinds.removeFirst() }
                pendingRebinds.append(kind)
                rebindCount += 1
            }
        }
    }

    /// The oldest rebind due (after `advance`), or nil.
    public mutating func pollRebind() -> ImpairmentRebind? {
        pendingRebinds.isEmpty ? nil : pendingRebinds.removeFirst()
    }

    /// Hands the next datagram due at `now` to `body` (direction, tag, bytes valid only inside
    /// `body`) and frees its buffer; false when none is due.
    public mutating func pollDelivery(now: SimInstant,
                                      _ body: (ImpairmentDirection, UInt32, UnsafeRawBufferPointer) -> Void) -> Bool {
        guard let t = queue.nextTime, t <= now.nanoseconds, let event = queue.pop() else { return false }
        let d = Int(event.target)
        let slot = Int(event.aux)
        let count = Int(lengths[slot])
        counters[d].forwarded += 1
        counters[d].forwardedBytes += count
        defer { freeSlots.append(event.aux) }
        let direction: ImpairmentDirection = d == 0 ? .clientToServer : .serverToClient
        let tag = UInt32(truncatingIfNeeded: event.payload)
        let size = maxDatagramSize
        storage.withUnsafeBytes { raw in
            body(direction, tag, UnsafeRawBufferPointer(rebasing: raw[slot * size ..< slot * size + count]))
        }
        return true
    }

    private mutating func store(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard let slot = freeSlots.popLast() else { return nil }
        lengths[Int(slot)] = Int32(bytes.count)
        let offset = Int(slot) * maxDatagramSize
        storage.withUnsafeMutableBytes { raw in
            if let src = bytes.baseAddress, bytes.count > 0 {
                raw.baseAddress.unsafelyUnwrapped.advanced(by: offset).copyMemory(from: src, byteCount: bytes.count)
            }
        }
        return slot
    }

    private mutating func copySlot(_ slot: UInt32) -> UInt32? {
        guard let copy = freeSlots.popLast() else { return nil }
        let count = Int(lengths[Int(slot)])
        lengths[Int(copy)] = Int32(count)
        let size = maxDatagramSize
        storage.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress.unsafelyUnwrapped
            (base + Int(copy) * size).copyMemory(from: base + Int(slot) * size, byteCount: count)
        }
        return copy
    }

    /// Flips `bits` distinct random bits (fewer if the datagram has fewer) of the datagram in `slot`.
    private mutating func corrupt(slot: UInt32, count: Int, bits: Int, direction d: Int) {
        let totalBits = count * 8
        let flips = min(max(bits, 1), ImpairmentParameters.maxCorruptBits, totalBits)
        let base = Int(slot) * maxDatagramSize
        // Distinct positions (rejection over at most 64 picks, on the stack), so flips never cancel.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: ImpairmentParameters.maxCorruptBits) { chosen in
            var n = 0
            while n < flips {
                let bit = corruptRandom[d].nextInt(below: totalBits)
                if chosen[..<n].contains(bit) { continue }
                chosen[n] = bit
                n += 1
                storage[base + bit >> 3] ^= UInt8(1) << UInt8(bit & 7)
            }
        }
    }
}
