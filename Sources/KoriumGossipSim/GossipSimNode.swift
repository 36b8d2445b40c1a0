import KoriumCrypto
import KoriumGossip
import KoriumSim

/// A simulated node running the unchanged ``GossipRouter``: the adapter turns simulator events
/// into router inputs (RPCs, heartbeats) and router output into simulator messages, and plays
/// the transport's part (connections open with `hello`, close with `bye` or after
/// `idleTimeout` of silence, keep-alives every `keepAlive`).
public struct GossipSimNode: SimNode {
    /// The message type.
    public typealias Message = GossipSimMessage
    /// The router type of simulated nodes.
    public typealias Router = GossipRouter<GossipSimVerifier, GossipSimValidator>

    static let heartbeatToken: UInt64 = 1
    static let keepAliveToken: UInt64 = 2

    /// The router.
    public private(set) var router: Router
    let world: GossipSimWorld
    let index: Int
    /// Peers this node dials when it starts.
    public var dials: [SimNodeID]
    var lastHeard: [SimNodeID: Int64] = [:]
    /// RPCs that overtook their connection's `hello` (the link's jitter reorders datagrams sent
    /// at the same instant; a real transport delivers its handshake first): held until the
    /// `hello` arrives, refused with `bye` if it has not come by the next keep-alive round.
    var early: [SimNodeID: (since: Int64, rpcs: [GossipRPC])] = [:]
    static let maxEarlyPeers = 64
    static let maxEarlyPerPeer = 8
    var recentIDs: [GossipMessageID] = []
    var uplink: [(SimNodeID, GossipMessage)] = []
    var uplinkHead = 0
    var uplinkFreeAt: Int64 = 0
    var uplinkTimerArmed = false
    /// Payloads dropped because the uplink queue was full.
    public private(set) var uplinkDrops = 0

    /// A node of `world` with the given dial list.
    public init(world: GossipSimWorld, index: Int, dials: [SimNodeID]) {
        self.world = world
        self.index = index
        self.dials = dials
        router = Router(key: world.keys[index], parameters: world.parameters,
                        verifier: world.verifier, validator: GossipSimValidator())
    }

    var behaviour: GossipSimBehaviour { world.behaviours[index] }

    func now(_ ctx: SimContext<Message>) -> GossipInstant { GossipInstant(nanoseconds: ctx.now.nanoseconds) }

    /// Starts: subscribes, dials, arms the heartbeat (random phase) and keep-alive.
    public mutating func handleStart(context ctx: inout SimContext<Message>) {
        world.startedAt[index] = ctx.now.nanoseconds
        try? router.subscribe(world.topic, now: now(ctx), rng: &ctx.random)
        for d in dials { connect(d, &ctx) }
        let phase = SimDuration(nanoseconds: Int64(ctx.random.nextInt(below: Int(world.heartbeat.nanoseconds))))
        ctx.setTimer(after: phase, token: Self.heartbeatToken)
        ctx.setTimer(after: world.keepAlive, token: Self.keepAliveToken)
        flush(&ctx)
    }

    /// Leaves gracefully: closes every connection.
    public mutating func handleStop(context ctx: inout SimContext<Message>) {
        for p in router.connectedPeers { if let n = world.node(of: p) { ctx.send(.bye, to: n) } }
    }

    mutating func connect(_ n: SimNodeID, _ ctx: inout SimContext<Message>) {
        guard n.index != index else { return }
        if router.isConnected(world.peerIDs[n.index]) { return }
        ctx.send(.hello, to: n)
        open(n, outbound: true, &ctx)
    }

    mutating func open(_ n: SimNodeID, outbound: Bool, _ ctx: inout SimContext<Message>) {
        let peer = world.peerIDs[n.index]
        let address = world.addressOverride[n.index] ?? UInt64(ctx.topology.address(of: n).ipv4)
        if router.addPeer(peer, outbound: outbound, address: address, now: now(ctx)) {
            lastHeard[n] = ctx.now.nanoseconds
            // The transport's min RTT: the path's base round trip (jitter and queueing only add).
            router.setMinimumRoundTrip(ctx.topology.rtt(ctx.node, n).nanoseconds, for: peer)
        }
    }

    /// A message arrives.
    public mutating func handleMessage(_ message: Message, from source: SimNodeID, context ctx: inout SimContext<Message>) {
        let peer = world.peerIDs[source.index]
        switch message {
        case .hello:
            // A (re)opened connection: forget the old one's state.
            router.removePeer(peer, now: now(ctx))
            open(source, outbound: false, &ctx)
            if let held = early.removeValue(forKey: source), router.isConnected(peer) {
                for rpc in held.rpcs { router.handleRPC(rpc, from: peer, now: now(ctx), rng: &ctx.random) }
            }
        case .bye:
            router.removePeer(peer, now: now(ctx))
            lastHeard[source] = nil
        case .ping:
            if router.isConnected(peer) { lastHeard[source] = ctx.now.nanoseconds } else { ctx.send(.bye, to: source) }
        case .rpc(let rpc):
            guard router.isConnected(peer) else {
                if early[source] == nil, early.count < Self.maxEarlyPeers {
                    early[source] = (ctx.now.nanoseconds, [rpc])
                } else if let held = early[source], held.rpcs.count < Self.maxEarlyPerPeer {
                    early[source]?.rpcs.append(rpc)
                } else {
                    ctx.send(.bye, to: source)
                }
                return
            }
            lastHeard[source] = ctx.now.nanoseconds
            router.handleRPC(rpc, from: peer, now: now(ctx), rng: &ctx.random)
        }
        drainEvents(&ctx)
        flush(&ctx)
    }

    /// Heartbeat and keep-alive timers.
    public mutating func handleTimer(_ token: UInt64, context ctx: inout SimContext<Message>) {
        if token == Self.heartbeatToken {
            router.handleHeartbeat(now: now(ctx), rng: &ctx.random)
            misbehave(&ctx)
            ctx.setTimer(after: world.heartbeat, token: Self.heartbeatToken)
        } else if token == Self.uplinkToken {
            uplinkTimerArmed = false
        } else if token == Self.keepAliveToken {
            let t = ctx.now.nanoseconds
            // RPCs still waiting for a hello after a second came from a connection we do not
            // have (the peer restarted us away, or its hello was lost): refuse it.
            for (n, held) in early.sorted(by: { $0.key < $1.key }) where t - held.since > 1_000_000_000 {
                early[n] = nil
                ctx.send(.bye, to: n)
            }
            for (n, heard) in lastHeard.sorted(by: { $0.key < $1.key }) {
                if t - heard > world.idleTimeout.nanoseconds {
                    router.removePeer(world.peerIDs[n.index], now: now(ctx))
                    lastHeard[n] = nil
                } else {
                    ctx.send(.ping, to: n)
                }
            }
            // Keep dialling the configured peers that are gone (a node's bootstrap list).
            if router.connectedPeers.count < dials.count / 2 {
                for d in dials where !router.isConnected(world.peerIDs[d.index]) { connect(d, &ctx) }
            }
            ctx.setTimer(after: world.keepAlive, token: Self.keepAliveToken)
        }
        drainEvents(&ctx)
        flush(&ctx)
    }

    /// Publishes an experiment message of `size` bytes (index in the first 4 bytes); returns
    /// its index, or nil if the router refused it.
    @discardableResult
    public mutating func publish(size: Int, context ctx: inout SimContext<Message>) -> Int? {
        let i = world.registerPublication(origin: index, time: ctx.now.nanoseconds)
        var data = [UInt8](repeating: 0x5A, count: max(size, 4))
        for k in 0..<4 { data[k] = UInt8(truncatingIfNeeded: i >> (8 * (3 - k))) }
        guard let id = try? router.publish(data, topic: world.topic, now: now(ctx), rng: &ctx.random) else { return nil }
        world.publishedIDs[i] = id
        flush(&ctx)
        return i
    }

    mutating func drainEvents(_ ctx: inout SimContext<Message>) {
        while let e = router.pollEvent() {
            switch e {
            case .message(let m, _):
                if recentIDs.count >= 64 { recentIDs.removeFirst() }
                recentIDs.append(m.id)
                guard m.data.count >= 4, m.data[0] != 0xFF else { continue }
                let i = m.data.prefix(4).reduce(0) { $0 << 8 | Int($1) }
                world.recordDelivery(message: i, node: index, now: ctx.now.nanoseconds)
            case .connect(let record):
                if let n = world.node(of: record.peer) { connect(n, &ctx) }
            case .validate:
                break
            }
        }
    }

    /// Sends what the router queued. Control goes out at once, as its own RPC (a transport
    /// gives control frames priority); message payloads wait in this node's uplink queue and
    /// leave one at a time at `uplinkBitsPerSecond`, each re-checked with `shouldSend` just
    /// before it goes — so an IDONTWANT that arrives while a large message waits cancels it.
    mutating func flush(_ ctx: inout SimContext<Message>) {
        while let (peer, rpc) = router.pollTransmit() {
            guard let n = world.node(of: peer) else { continue }
            var messages = rpc.messages
            switch behaviour {
            case .withholdAfter(let t) where ctx.now.nanoseconds >= t:
                messages = []
            case .eclipse(let target) where n.index == target:
                messages = []
            default:
                break
            }
            var control = rpc
            control.messages = []
            if !control.isEmpty { ctx.send(.rpc(control), to: n) }
            for m in messages {
                if uplink.count >= Self.maxUplinkQueue { uplinkDrops += 1; continue }
                uplink.append((n, m))
            }
        }
        drainUplink(&ctx)
    }

    /// Uplink queue cap (messages); beyond it new payloads are dropped (tail drop).
    static let maxUplinkQueue = 10_000
    static let uplinkToken: UInt64 = 3

    mutating func drainUplink(_ ctx: inout SimContext<Message>) {
        let t = ctx.now.nanoseconds
        let bps = world.uplinkBitsPerSecond
        while uplinkHead < uplink.count, bps <= 0 || uplinkFreeAt <= t {
            let (n, m) = uplink[uplinkHead]
            uplinkHead += 1
            guard router.shouldSend(m.id, to: world.peerIDs[n.index], now: now(ctx)) else { continue }
            let rpc = GossipRPC(messages: [m])
            ctx.send(.rpc(rpc), to: n)
            if bps > 0 { uplinkFreeAt = max(uplinkFreeAt, t) + Int64((Double(rpc.wireSize + 1) * 8 / Double(bps)) * 1e9) }
        }
        if uplinkHead == uplink.count {
            uplink.removeAll(keepingCapacity: true)
            uplinkHead = 0
        } else if !uplinkTimerArmed {
            uplinkTimerArmed = true
            ctx.setTimer(at: SimInstant(nanoseconds: uplinkFreeAt), token: Self.uplinkToken)
        }
    }

    /// Attack behaviours, run after each heartbeat.
    mutating func misbehave(_ ctx: inout SimContext<Message>) {
        let peers = router.connectedPeers.sorted()
        switch behaviour {
        case .honest, .withholdAfter, .eclipse, .colocated:
            return
        case .invalidFlood(let k):
            for p in peers {
                guard let n = world.node(of: p) else { continue }
                var rpc = GossipRPC()
                for _ in 0..<k {
                    let seqno = ctx.random.next() >> 1
                    rpc.messages.append(GossipMessage(signing: [0xFF, 0, 0, 0, 0, 0, 0, 0], topic: world.topic,
                                                      seqno: seqno, key: world.keys[index]))
                }
                ctx.send(.rpc(rpc), to: n)
            }
        case .iwantSpam(let k):
            guard !recentIDs.isEmpty else { return }
            for p in peers {
                guard let n = world.node(of: p) else { continue }
                for _ in 0..<k { ctx.send(.rpc(GossipRPC(control: GossipControl(iwant: recentIDs.suffix(10)))), to: n) }
            }
        case .pxSelfPromotion:
            let t = ctx.now.nanoseconds
            var records: [GossipPeerRecord] = []
            for (i, b) in world.behaviours.enumerated() where b == .pxSelfPromotion && records.count < GossipLimits.maxPXPeers {
                records.append(GossipPeerRecord(signing: [[UInt8(i & 0xff)]], timestampMillis: UInt64(t / 1_000_000), key: world.keys[i]))
            }
            for p in router.meshPeers(world.topic).sorted() {
                guard let n = world.node(of: p) else { continue }
                let prune = GossipPrune(topic: world.topic, peers: records, backoffSeconds: 0)
                ctx.send(.rpc(GossipRPC(control: GossipControl(graft: [world.topic], prune: [prune]))), to: n)
            }
        }
    }
}
