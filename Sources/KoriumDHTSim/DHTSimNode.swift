import KoriumDHT
import KoriumSim

extension DHTMessage: SimMessage {
    /// The KoriumWire encoding length (computed arithmetically; tested against the encoder).
    @inlinable
    public var wireSize: Int { encodedSize }
}

/// Shared, immutable facts of one simulated DHT: every node's identity and the reverse map from
/// synthetic addresses to simulator node IDs (the "network" the adapter sends through).
public final class DHTSimDirectory: Sendable {
    /// Identity of node i.
    public let identities: [DHTIdentity]
    /// Contact of node i at its topology address.
    public let contacts: [Contact]
    private let byAddress: [UInt32: UInt32]

    /// Builds identities for `nodeCount` nodes with `difficulty`-bit proofs of work, keys drawn
    /// from a generator seeded by `seed`.
    public init(topology: SimTopology, nodeCount: Int, seed: UInt64, difficulty: Int) {
        var rng = SimRandom(seed: seed, node: UInt64.max - 7, stream: 0xD47)
        var ids: [DHTIdentity] = []
        var contacts: [Contact] = []
        var map: [UInt32: UInt32] = [:]
        ids.reserveCapacity(nodeCount)
        contacts.reserveCapacity(nodeCount)
        map.reserveCapacity(nodeCount)
        for i in 0..<nodeCount {
            let identity: DHTIdentity
            do {
                identity = try DHTIdentity.generate(difficulty: difficulty, using: &rng)
            } catch {
                preconditionFailure("identity generation failed at \(difficulty) bits: \(error)")
            }
            let ip = topology.address(of: SimNodeID(index: i)).ipv4
            ids.append(identity)
            contacts.append(identity.contact(address: .ipv4(ip, port: 4433)))
            map[ip] = UInt32(i)
        }
        identities = ids
        self.contacts = contacts
        byAddress = map
    }

    /// The simulator node listening at `address`.
    public func node(at address: DHTAddress) -> SimNodeID? {
        guard case .ipv4(let ip, _) = address, let i = byAddress[ip] else { return nil }
        return SimNodeID(i)
    }
}

/// Counters and histograms the DHT experiments record (registered once per run).
public final class DHTSimMetrics: Sendable {
    /// Measured lookups started / succeeded.
    public let lookups, lookupSuccesses: SimCounter
    /// Measured lookup hops, latency (ns) and requests sent.
    public let hops, latency, messages: SimHistogramID
    /// Background lookups (refresh, republish/store) finished.
    public let backgroundLookups: SimCounter
    /// STORE lookups that placed the value on ≥ 1 node / rejections received.
    public let stores, storeRejections: SimCounter

    /// Registers the names in `metrics`.
    public init(_ metrics: SimMetrics) {
        lookups = metrics.counter("dht.lookups")
        lookupSuccesses = metrics.counter("dht.lookup_successes")
        hops = metrics.histogram("dht.lookup_hops")
        latency = metrics.histogram("dht.lookup_latency_ns")
        messages = metrics.histogram("dht.lookup_messages")
        backgroundLookups = metrics.counter("dht.background_lookups")
        stores = metrics.counter("dht.stores")
        storeRejections = metrics.counter("dht.store_rejections")
    }
}

/// Runs an unchanged `DHTNode` under KoriumSim: simulator messages and timers in, the core's
/// transmits out through `SimContext`, virtual time mapped to `DHTInstant` from a fixed epoch.
/// One engine timer is kept armed at the core's `pollTimeout()`.
public struct DHTSimNode: SimNode {
    /// The message type on the simulated wire.
    public typealias Message = DHTMessage

    /// Virtual time zero as a wall-clock instant (2023-11-14), so record timestamps look real.
    public static let epoch = DHTInstant(nanoseconds: 1_700_000_000 * 1_000_000_000)

    /// The protocol core.
    public private(set) var core: DHTNode
    private let directory: DHTSimDirectory
    private let metrics: DHTSimMetrics
    private let bootstrap: [Contact]
    private var armed: SimInstant?
    private var measured: Set<LookupID> = []

    /// A node with the given core and bootstrap contacts.
    public init(core: DHTNode, bootstrap: [Contact], directory: DHTSimDirectory, metrics: DHTSimMetrics) {
        self.core = core
        self.bootstrap = bootstrap
        self.directory = directory
        self.metrics = metrics
    }

    /// The DHT time of a simulator instant.
    @inlinable
    public static func instant(_ t: SimInstant) -> DHTInstant { epoch + DHTDuration(nanoseconds: t.nanoseconds) }

    public mutating func handleStart(context: inout SimContext<DHTMessage>) {
        core.start(bootstrap: bootstrap, now: Self.instant(context.now), rng: &context.random)
        flush(&context)
    }

    public mutating func handleMessage(_ message: DHTMessage, from source: SimNodeID, context: inout SimContext<DHTMessage>) {
        let observed = DHTAddress.ipv4(context.topology.address(of: source).ipv4, port: 4433)
        core.handle(message, from: observed, now: Self.instant(context.now), rng: &context.random)
        flush(&context)
    }

    public mutating func handleTimer(_ token: UInt64, context: inout SimContext<DHTMessage>) {
        if let a = armed, a <= context.now { armed = nil }
        core.handleTimeout(now: Self.instant(context.now), rng: &context.random)
        flush(&context)
    }

    /// Starts a measured FIND_VALUE (its outcome goes into the lookup metrics).
    public mutating func measureFindValue(_ key: NodeID, context: inout SimContext<DHTMessage>) {
        context.count(metrics.lookups)
        if let id = core.findValue(key, now: Self.instant(context.now)) {
            measured.insert(id)
        }
        flush(&context)
    }

    /// Starts a measured FIND_NODE.
    public mutating func measureFindNode(_ target: NodeID, context: inout SimContext<DHTMessage>) {
        context.count(metrics.lookups)
        if let id = core.findNode(target, now: Self.instant(context.now)) { measured.insert(id) }
        flush(&context)
    }

    /// Publishes a record (store lookup + republish as its originator).
    public mutating func put(_ record: DHTRecord, context: inout SimContext<DHTMessage>) {
        core.put(record, now: Self.instant(context.now), rng: &context.random)
        flush(&context)
    }

    /// Sends what the core queued, records finished lookups, re-arms the timer.
    mutating func flush(_ context: inout SimContext<DHTMessage>) {
        while let tx = core.pollTransmit() {
            if let to = directory.node(at: tx.destination.address) { context.send(tx.message, to: to) }
        }
        while let event = core.pollEvent() {
            guard case .lookupFinished(let r) = event else { continue }
            if measured.remove(r.id) != nil {
                if r.succeeded {
                    context.count(metrics.lookupSuccesses)
                    context.record(metrics.hops, UInt64(max(0, r.hops)))
                    context.record(metrics.latency, UInt64(clamping: max(0, (r.finishedAt - r.startedAt).nanoseconds)))
                }
                context.record(metrics.messages, UInt64(r.messagesSent))
            } else {
                context.count(metrics.backgroundLookups)
                if case .store = r.kind {
                    if r.storedCount > 0 { context.count(metrics.stores) }
                    context.count(metrics.storeRejections, by: Int64(r.rejections.count))
                }
            }
        }
        if let next = core.pollTimeout() {
            let t = SimInstant(nanoseconds: max(context.now.nanoseconds, (next - Self.epoch).nanoseconds))
            if armed == nil || t < armed! {
                armed = t
                context.setTimer(at: t)
            }
        }
    }
}
