/// The discrete-event engine: a virtual clock, an event queue ordered by (time, insertion
/// sequence), per-node random streams, the link model and the churn process, driving a
/// population of sans-IO cores of one type.
///
/// Determinism: a run is a function of the seed, the topology, the cores and the calls made on
/// the simulation — never of wall-clock time, hashing order or the system RNG. `traceHash`
/// summarises every processed event; equal seeds give equal hashes.
///
/// Memory: per node the engine keeps the core (`MemoryLayout<Node>.stride` plus whatever it
/// allocates), a 32-byte random state, a 4-byte incarnation, 2 flag/class bytes, an 8-byte
/// online-since time and the topology's 4-byte address (`engineBytesPerNode`), plus 8 bytes when bandwidth caps are used.
/// Messages in flight live in a slab; events are 40-byte values in one array.
///
/// Not thread-safe: a simulation runs on one thread (run many simulations in parallel instead).
///
/// A typical experiment (see `FloodNode` and `korium sim flood` for a complete one):
/// ```swift
/// let topology = SimTopology.clustered(nodeCount: 10_000, seed: seed)
/// let sim = Simulation<MyCore>(topology: topology, seed: seed,
///                              link: SimLinkProfile(loss: 0.01, jitter: .exponential(mean: .milliseconds(2))))
/// let lookups = sim.metrics.counter("lookups")            // register metrics once, pass ids to cores
/// let sybil = sim.metrics.nodeClass("sybil")
/// for i in 0..<10_000 { sim.addNode(MyCore(...), nodeClass: i < 2_000 ? sybil : .default) }
/// sim.setAdversary(MySybilStrategy(), for: (0..<2_000).map { SimNodeID(index: $0) })
/// sim.startChurn(SimChurn(departuresPerHour: 0.10))         // 10 %/hour
/// sim.schedule(at: .zero + .minutes(5)) { s in               // application calls at virtual times
///     s.perform(on: SimNodeID(42)) { core, ctx in core.startLookup(key, context: &ctx) }
/// }
/// sim.run(until: .zero + .hours(1), every: .minutes(1)) { s in /* progress bar, time series */ }
/// print(sim.metrics.csv(), sim.stats, sim.traceHash)
/// ```
///
/// Exclusivity: the hot stored properties are `@exclusivity(unchecked)` — the per-access
/// runtime checks cost ~15 % of a run. This is sound because the engine never holds an access
/// across a call that can reach the simulation again: handlers get `inout` access to one core
/// and to the context (two distinct properties) and have no reference to the engine; script
/// closures, `perform`, `join`/`leave` and the interceptor run between such accesses.
public final class Simulation<Node: SimNode> {
    /// The message type of the cores.
    public typealias Message = Node.Message

    @usableFromInline
    struct InFlight {
        @usableFromInline var message: Message?
        @usableFromInline var sentAt: Int64
        @usableFromInline var size: Int32
        @inlinable init(message: Message?, sentAt: Int64, size: Int32) {
            self.message = message
            self.sentAt = sentAt
            self.size = size
        }
    }

    @usableFromInline
    enum Script {
        case action(SimScriptAction)
        case custom((Simulation<Node>) -> Void)
    }

    @usableFromInline static var onlineFlag: UInt8 { 1 }
    @usableFromInline static var adversaryFlag: UInt8 { 2 }
    @usableFromInline static var churnFlag: UInt8 { 4 }
    /// `handleStart` has run since the node last came online.
    @usableFromInline static var startedFlag: UInt8 { 8 }

    /// Where nodes are and the base delay between them.
    public let topology: SimTopology
    /// The cores' counters and histograms.
    public let metrics: SimMetrics
    /// The run seed every random stream derives from.
    public let seed: UInt64
    /// Cap on waiting events: a message sent while this many events wait is dropped and counted
    /// in `SimStats.droppedQueueCap` (timers and control events are never dropped). 40 bytes
    /// per event plus the message: the default, 32 M events, is ~1.3 GiB of queue — far above
    /// any sane run, so reaching it means a core is flooding.
    @exclusivity(unchecked) public var maxPendingEvents = 32_000_000
    /// The link profile for every pair without an override.
    @exclusivity(unchecked) public var link: SimLinkProfile
    /// Sees every message after the MTU and partition checks and may modify or drop it
    /// (a packet crafter / tamperer for tests). Nil on the fast path.
    @exclusivity(unchecked) public var interceptor: ((_ message: inout Message, _ source: SimNodeID, _ destination: SimNodeID,
                              _ now: SimInstant) -> SimVerdict)?
    /// Builds a fresh core when a node rejoins after leaving or crashing; nil keeps the old
    /// core (it gets `handleStart` again with whatever state it had).
    public var rejoinFactory: ((SimNodeID) -> Node)?
    /// The engine's counters.
    public var stats: SimStats { _stats }
    /// Network delivery delay (send → arrival, incl. queueing) of every delivered message, ns.
    public var deliveryDelay: SimHistogram { _deliveryDelay }
    /// A running hash of every processed event (time, kind, nodes, size or token).
    public var traceHash: UInt64 { _traceHash }
    @usableFromInline @exclusivity(unchecked) var _stats = SimStats()
    @usableFromInline @exclusivity(unchecked) var _deliveryDelay = SimHistogram()
    @usableFromInline @exclusivity(unchecked) var _traceHash: UInt64 = 0xCBF2_9CE4_8422_2325
    /// If set, called with every processed event (for debugging small runs).
    @exclusivity(unchecked) public var traceObserver: ((SimTraceEvent) -> Void)?

    /// The current virtual time.
    public var now: SimInstant { SimInstant(nanoseconds: clock) }

    @usableFromInline @exclusivity(unchecked) var clock: Int64 = 0
    @usableFromInline @exclusivity(unchecked) var nodes: ContiguousArray<Node> = []
    @usableFromInline @exclusivity(unchecked) var rngs: ContiguousArray<SimRandom> = []
    @usableFromInline @exclusivity(unchecked) var incarnation: [UInt32] = []
    @usableFromInline @exclusivity(unchecked) var flags: [UInt8] = []
    /// Per node: when it last came online (ns), or −1 while offline.
    @usableFromInline var onlineSinceTime: [Int64] = []
    @usableFromInline @exclusivity(unchecked) var classes: [SimNodeClass] = []
    @usableFromInline @exclusivity(unchecked) var uplinkFree: [Int64] = []
    @usableFromInline @exclusivity(unchecked) var partitionGroup: [UInt16] = []
    @usableFromInline @exclusivity(unchecked) var linkOverrides: [UInt64: SimLinkProfile] = [:]
    @usableFromInline @exclusivity(unchecked) var adversaries: [UInt32: any SimAdversary<Node>] = [:]
    @usableFromInline @exclusivity(unchecked) var queue = SimEventQueue()
    @usableFromInline @exclusivity(unchecked) var inFlight: ContiguousArray<InFlight> = []
    @usableFromInline @exclusivity(unchecked) var freeSlots: [UInt32] = []
    @usableFromInline var scripts: [Script?] = []
    @usableFromInline @exclusivity(unchecked) var context: SimContext<Message>
    @usableFromInline @exclusivity(unchecked) var linkRandom: SimRandom
    @usableFromInline @exclusivity(unchecked) var churnRandom: SimRandom
    @usableFromInline @exclusivity(unchecked) var churn: SimChurn?
    @usableFromInline @exclusivity(unchecked) var onlineTotal = 0

    /// Random-stream ids per node (stream 0 is the core's own).
    static var coreStream: UInt64 { 0 }

    /// An empty simulation over `topology`; add nodes with `addNode`.
    public init(topology: SimTopology, seed: UInt64, link: SimLinkProfile = SimLinkProfile(),
                metrics: SimMetrics = SimMetrics()) {
        self.topology = topology
        self.metrics = metrics
        self.seed = seed
        self.link = link
        context = SimContext(metrics: metrics, topology: topology)
        linkRandom = SimRandom(seed: seed, node: UInt64(UInt32.max) + 1, stream: 1)
        churnRandom = SimRandom(seed: seed, node: UInt64(UInt32.max) + 1, stream: 2)
    }

    /// Bytes the engine keeps per node besides the core's own heap allocations.
    public static var engineBytesPerNode: Int {
        MemoryLayout<Node>.stride + MemoryLayout<SimRandom>.stride + MemoryLayout<UInt32>.stride
            + MemoryLayout<UInt8>.stride + MemoryLayout<SimNodeClass>.stride + MemoryLayout<Int64>.stride
            + SimTopology.bytesPerNode
    }

    // MARK: Population

    /// The number of nodes added.
    public var nodeCount: Int { nodes.count }
    /// The number of nodes online now.
    public var onlineCount: Int { onlineTotal }
    /// The number of events waiting.
    public var pendingEvents: Int { queue.count }

    /// Adds a node (its id is the next index; the topology must have room). An online node gets
    /// `handleStart` at `startAt` (default: now); an offline one waits for a `join`.
    @discardableResult
    public func addNode(_ core: Node, nodeClass: SimNodeClass = .default, online: Bool = true,
                        startAt: SimInstant? = nil) -> SimNodeID {
        let index = nodes.count
        precondition(index < topology.nodeCount, "Simulation: topology has only \(topology.nodeCount) nodes")
        nodes.append(core)
        rngs.append(SimRandom(seed: seed, node: UInt64(index), stream: Self.coreStream))
        incarnation.append(0)
        flags.append(0)
        onlineSinceTime.append(-1)
        classes.append(nodeClass)
        if !uplinkFree.isEmpty { uplinkFree.append(0) }
        if !partitionGroup.isEmpty { partitionGroup.append(0) }
        if online {
            let at = max(clock, startAt?.nanoseconds ?? clock)
            if at == clock {
                // Online at once (so `perform(on:)` works before the run starts); `handleStart`
                // runs as the first event of this instant for the node.
                flags[index] |= Self.onlineFlag
                onlineSinceTime[index] = clock
                onlineTotal += 1
            }
            queue.push(time: at, kind: .start, target: UInt32(index), aux: 0)
        }
        return SimNodeID(index: index)
    }

    /// Reserves storage for `count` nodes (avoids regrowth when adding many).
    public func reserveCapacity(_ count: Int) {
        nodes.reserveCapacity(count)
        rngs.reserveCapacity(count)
        incarnation.reserveCapacity(count)
        flags.reserveCapacity(count)
        classes.reserveCapacity(count)
    }

    /// The core of `id` (a copy; use `perform(on:)` to act on it).
    public subscript(id: SimNodeID) -> Node { nodes[id.index] }

    /// Read access to every core in place (for collecting results without copying).
    public func withNodes<R>(_ body: (borrowing ContiguousArray<Node>) throws -> R) rethrows -> R {
        try body(nodes)
    }

    /// Whether `id` is online.
    public func isOnline(_ id: SimNodeID) -> Bool { flags[id.index] & Self.onlineFlag != 0 }

    /// When `id` last came online, or nil while it is offline. A node online now with
    /// `onlineSince(id)! <= t` has been up without interruption since `t` (the denominator of
    /// "delivered to every node that was up from publication until 60 s after").
    public func onlineSince(_ id: SimNodeID) -> SimInstant? {
        let t = onlineSinceTime[id.index]
        return t < 0 ? nil : SimInstant(nanoseconds: t)
    }

    /// The metrics class of `id`.
    public func nodeClass(of id: SimNodeID) -> SimNodeClass { classes[id.index] }

    /// Moves `id` to another metrics class.
    public func setNodeClass(_ nodeClass: SimNodeClass, for id: SimNodeID) { classes[id.index] = nodeClass }

    /// Hands every event of the listed nodes to `strategy` instead of their cores.
    public func setAdversary(_ strategy: any SimAdversary<Node>, for ids: [SimNodeID]) {
        for id in ids {
            adversaries[id.rawValue] = strategy
            flags[id.index] |= Self.adversaryFlag
        }
    }

    /// Gives `id` its honest behaviour back.
    public func removeAdversary(for id: SimNodeID) {
        adversaries[id.rawValue] = nil
        flags[id.index] &= ~Self.adversaryFlag
    }

    /// Whether `id` runs an adversary strategy.
    public func isAdversary(_ id: SimNodeID) -> Bool { flags[id.index] & Self.adversaryFlag != 0 }

    // MARK: Link model configuration

    /// Uses `profile` for messages from `source` to `destination` (one direction).
    public func setLink(_ profile: SimLinkProfile, from source: SimNodeID, to destination: SimNodeID) {
        linkOverrides[UInt64(source.rawValue) << 32 | UInt64(destination.rawValue)] = profile
    }

    /// Uses `profile` for every message `node` sends (its access uplink: a node on a bad link),
    /// unless a pair override applies.
    public func setLink(_ profile: SimLinkProfile, from node: SimNodeID) {
        linkOverrides[UInt64(node.rawValue) << 32 | Self.anyNode] = profile
    }

    /// Uses `profile` for every message sent to `node`, unless a pair or sender override applies.
    public func setLink(_ profile: SimLinkProfile, to node: SimNodeID) {
        linkOverrides[Self.anyNode << 32 | UInt64(node.rawValue)] = profile
    }

    /// The key half meaning "any node" (no node has this index: ids are below the node count).
    @usableFromInline static var anyNode: UInt64 { 0xFFFF_FFFF }

    /// The profile for one message: pair override, then sender override, then receiver
    /// override, then the default.
    @inlinable
    func profile(from s: Int, to d: Int) -> SimLinkProfile {
        if linkOverrides.isEmpty { return link }
        let src = UInt64(UInt32(truncatingIfNeeded: s)), dst = UInt64(UInt32(truncatingIfNeeded: d))
        return linkOverrides[src << 32 | dst] ?? linkOverrides[src << 32 | Self.anyNode]
            ?? linkOverrides[Self.anyNode << 32 | dst] ?? link
    }

    /// Removes every per-link override.
    public func clearLinkOverrides() { linkOverrides.removeAll() }

    /// Splits the network into groups that cannot reach each other (checked at send time:
    /// messages already in flight still arrive). Nodes not listed form one extra group.
    public func partition(_ groups: [[SimNodeID]]) {
        partitionGroup = [UInt16](repeating: 0, count: nodes.count)
        for (g, members) in groups.enumerated() {
            for id in members { partitionGroup[id.index] = UInt16(truncatingIfNeeded: g + 1) }
        }
    }

    /// Removes every partition.
    public func heal() { partitionGroup = [] }

    // MARK: Scripting

    /// Runs `action` at virtual time `time` (a past time means now, after pending events of now).
    public func schedule(at time: SimInstant, _ action: SimScriptAction) {
        scripts.append(.action(action))
        queue.push(time: max(clock, time.nanoseconds), kind: .script, target: 0, payload: UInt64(scripts.count - 1))
    }

    /// Runs `body` at virtual time `time`, e.g. to start a lookup on some node via `perform`.
    public func schedule(at time: SimInstant, _ body: @escaping (Simulation<Node>) -> Void) {
        scripts.append(.custom(body))
        queue.push(time: max(clock, time.nanoseconds), kind: .script, target: 0, payload: UInt64(scripts.count - 1))
    }

    /// Calls `body` on the core of `id` now with a context, then sends what it queued — the way
    /// an application drives a node (publish, lookup, connect). Nil if the node is offline.
    @inlinable
    @discardableResult
    public func perform<R>(on id: SimNodeID, _ body: (inout Node, inout SimContext<Message>) -> R) -> R? {
        let i = id.index
        guard flags[i] & Self.onlineFlag != 0 else { return nil }
        prepareContext(i)
        let r = body(&nodes[i], &context)
        finishContext(i)
        return r
    }

    /// Injects a message as if `source` had sent it to `destination` now (through the link model).
    public func inject(_ message: Message, from source: SimNodeID, to destination: SimNodeID) {
        transmit(from: source.index, to: destination, message)
    }

    /// Injects a message that arrives at `destination` at `time`, bypassing the link model.
    public func deliver(_ message: Message, from source: SimNodeID, to destination: SimNodeID, at time: SimInstant) {
        precondition(destination.index < nodes.count, "Simulation.deliver: unknown node \(destination)")
        let at = max(clock, time.nanoseconds)
        enqueueDelivery(at: at, message, source: source.index, destination: destination.index,
                        size: Int32(clamping: message.wireSize))
    }

    // MARK: Running

    /// Processes every event up to and including `deadline`, then sets the clock to it.
    @inlinable
    @discardableResult
    public func run(until deadline: SimInstant, maxEvents: Int = .max) -> SimRunOutcome {
        var budget = maxEvents
        while let t = queue.nextTime, t <= deadline.nanoseconds {
            if budget == 0 { return .eventLimit }
            budget -= 1
            step()
        }
        if clock < deadline.nanoseconds { clock = deadline.nanoseconds }
        return queue.isEmpty ? .quiescent : .reachedDeadline
    }

    /// Like `run(until:)`, calling `progress` every `interval` of virtual time (for progress bars
    /// and time series such as "k and α over time").
    @inlinable
    public func run(until deadline: SimInstant, every interval: SimDuration,
                    _ progress: (Simulation<Node>) -> Void) {
        precondition(interval.nanoseconds > 0, "Simulation.run(every:): interval must be positive")
        var next = now + interval
        while next < deadline {
            run(until: next)
            progress(self)
            next += interval
        }
        run(until: deadline)
        progress(self)
    }

    /// Processes events until none are left or the clock would pass `limit` — `drive()` for pair
    /// tests. Returns `.quiescent` when the queue is empty.
    @inlinable
    @discardableResult
    public func runUntilQuiescent(limit: SimInstant = SimInstant(nanoseconds: .max), maxEvents: Int = .max)
        -> SimRunOutcome {
        var budget = maxEvents
        while let t = queue.nextTime {
            if t > limit.nanoseconds { return .reachedDeadline }
            if budget == 0 { return .eventLimit }
            budget -= 1
            step()
        }
        return .quiescent
    }

    /// Processes the next event; false when there is none.
    @inlinable
    @discardableResult
    public func step() -> Bool {
        guard let e = queue.pop() else { return false }
        clock = e.time
        _stats.events &+= 1
        var h = _traceHash
        h = Self.mix(h, UInt64(bitPattern: e.time))
        h = Self.mix(h, UInt64(e.kind.rawValue) << 56 ^ UInt64(e.target) << 24 ^ UInt64(e.source))
        let i = Int(e.target)
        switch e.kind {
        case .deliver:
            let slot = Int(e.aux)
            // Moved out of the slab (no retain/release of the message's storage).
            let taken = inFlight[slot].message.take()
            let size = Int(inFlight[slot].size)
            let sentAt = inFlight[slot].sentAt
            freeSlots.append(e.aux)
            _traceHash = Self.mix(h, UInt64(size))
            if traceObserver != nil { observe(e, size: size) }
            guard flags[i] & Self.onlineFlag != 0, let message = taken else {
                _stats.droppedOffline &+= 1
                return true
            }
            _stats.messagesDelivered &+= 1
            _stats.bytesDelivered &+= size
            _deliveryDelay.record(UInt64(clamping: clock &- sentAt))
            prepareContext(i)
            if flags[i] & Self.adversaryFlag != 0, let adversary = adversaries[e.target] {
                adversary.handleMessage(message, from: SimNodeID(e.source), core: &nodes[i], context: &context)
            } else {
                nodes[i].handleMessage(message, from: SimNodeID(e.source), context: &context)
            }
            finishContext(i)
        case .timer:
            _traceHash = Self.mix(h, e.payload)
            if traceObserver != nil { observe(e, size: 0) }
            guard flags[i] & Self.onlineFlag != 0, incarnation[i] == e.aux else {
                _stats.timersDiscarded &+= 1
                return true
            }
            _stats.timersFired &+= 1
            prepareContext(i)
            if flags[i] & Self.adversaryFlag != 0, let adversary = adversaries[e.target] {
                adversary.handleTimer(e.payload, core: &nodes[i], context: &context)
            } else {
                nodes[i].handleTimer(e.payload, context: &context)
            }
            finishContext(i)
        case .start, .churnLeave, .churnJoin, .script:
            _traceHash = h
            if traceObserver != nil { observe(e, size: 0) }
            handleControl(e)
        }
        return true
    }

    @inlinable
    static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x &* 0xBF58_476D_1CE4_E5B9
    }

    @usableFromInline
    func observe(_ e: SimEvent, size: Int) {
        let kind: SimTraceEvent.Kind
        switch e.kind {
        case .deliver: kind = .deliver(size: size)
        case .timer: kind = .timer(token: e.payload)
        case .start: kind = .start
        case .churnLeave: kind = .churnLeave
        case .churnJoin: kind = .churnJoin
        case .script: kind = .script
        }
        traceObserver?(SimTraceEvent(time: SimInstant(nanoseconds: e.time), kind: kind,
                                     node: SimNodeID(e.target), source: SimNodeID(e.source)))
    }

    // MARK: Context plumbing

    @inlinable
    func prepareContext(_ i: Int) {
        context._now = SimInstant(nanoseconds: clock)
        context._node = SimNodeID(index: i)
        context._nodeClass = classes[i]
        context.random = rngs[i]
    }

    /// Carries out what the handler queued: timers, then messages in order.
    @inlinable
    func finishContext(_ i: Int) {
        rngs[i] = context.random
        if !context.timers.isEmpty {
            let inc = incarnation[i]
            for t in context.timers {
                queue.push(time: t.deadline.nanoseconds, kind: .timer, target: UInt32(i), aux: inc, payload: t.token)
            }
            context.timers.removeAll(keepingCapacity: true)
        }
        if !context.outbox.isEmpty {
            // The outbox is moved out so `transmit` may run freely, then handed back (keeps capacity).
            var outbox = context.outbox
            context.outbox = []
            // Reverse, then pop: moves each message out in send order without copying it.
            outbox.reverse()
            while let item = outbox.popLast() { transmit(from: i, to: item.destination, item.message) }
            context.outbox = outbox
        }
        if queue.count > _stats.peakQueueLength { _stats.peakQueueLength = queue.count }
    }

    // MARK: Link model

    /// Sends one message through the link model.
    @inlinable
    func transmit(from s: Int, to destination: SimNodeID, _ message: consuming Message) {
        let d = destination.index
        let size = message.wireSize
        _stats.messagesSent &+= 1
        _stats.bytesSent &+= size
        guard d < nodes.count else {
            _stats.droppedUnknownDestination &+= 1
            return
        }
        guard queue.count < maxPendingEvents else {
            _stats.droppedQueueCap &+= 1
            return
        }
        let profile = self.profile(from: s, to: d)
        if profile.mtu > 0 && size > profile.mtu {
            _stats.droppedMTU &+= 1
            return
        }
        if !partitionGroup.isEmpty && partitionGroup[s] != partitionGroup[d] {
            _stats.droppedPartition &+= 1
            return
        }
        var msg = consume message
        if let intercept = interceptor,
            intercept(&msg, SimNodeID(index: s), destination, SimInstant(nanoseconds: clock)) == .drop {
            _stats.droppedIntercepted &+= 1
            return
        }
        var tat: Int64 = 0
        if profile.bandwidthBitsPerSecond > 0 {
            if uplinkFree.count < nodes.count { uplinkFree += [Int64](repeating: 0, count: nodes.count - uplinkFree.count) }
            tat = uplinkFree[s]
        }
        let pathDelay = topology.oneWayDelay(from: SimNodeID(index: s), to: destination).nanoseconds
        let wire = Int32(clamping: size)
        switch profile.decide(size: size, now: clock, pathDelay: pathDelay, uplinkTAT: &tat, random: &linkRandom) {
        case .lost:
            _stats.droppedLoss &+= 1
        case .queueFull:
            _stats.droppedQueue &+= 1
        case .deliver(let at, let duplicateAt, let reordered):
            if profile.bandwidthBitsPerSecond > 0 { uplinkFree[s] = tat }
            if reordered { _stats.reordered &+= 1 }
            if let again = duplicateAt {
                _stats.duplicated &+= 1
                enqueueDelivery(at: at, msg, source: s, destination: d, size: wire)
                enqueueDelivery(at: again, consume msg, source: s, destination: d, size: wire)
            } else {
                enqueueDelivery(at: at, consume msg, source: s, destination: d, size: wire)
            }
        }
    }

    @inlinable
    func enqueueDelivery(at time: Int64, _ message: consuming Message, source: Int, destination: Int, size: Int32) {
        let slot: UInt32
        if let free = freeSlots.popLast() {
            slot = free
            inFlight[Int(free)] = InFlight(message: message, sentAt: clock, size: size)
        } else {
            slot = UInt32(inFlight.count)
            inFlight.append(InFlight(message: message, sentAt: clock, size: size))
        }
        queue.push(time: time, kind: .deliver, target: UInt32(destination), source: UInt32(source), aux: slot)
    }
}

/// One processed event, as shown to `Simulation.traceObserver`.
public struct SimTraceEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// A message of `size` bytes arrived (or was dropped because the node was offline).
        case deliver(size: Int)
        /// A timer fired (or was discarded).
        case timer(token: UInt64)
        /// The node started.
        case start
        /// A churn departure was due.
        case churnLeave
        /// A churn rejoin was due.
        case churnJoin
        /// A scripted action ran.
        case script
    }
    /// When.
    public var time: SimInstant
    /// What.
    public var kind: Kind
    /// The node the event was for.
    public var node: SimNodeID
    /// For deliveries, the sender.
    public var source: SimNodeID
}
