import Foundation
import KoriumCrypto
import KoriumDHT
import KoriumGossip
import KoriumIO
import KoriumQUIC
import KoriumTLS
import KoriumWire

/// Fixed facts of the demo's wire protocol. Every connection carries ALPN `korium-demo/1`;
/// bidirectional streams carry one DHT RPC each (request, FIN, response, FIN) in the DHT's own
/// codec; unidirectional streams are long-lived gossip pipes, one per peer direction, carrying
/// 4-byte length-prefixed `GossipRPC`s in the gossip codec.
enum DemoProtocol {
    /// The ALPN protocol.
    static let alpn = "korium-demo/1"
    /// The gossip topic every node joins.
    static let topic = "korium-demo"
    /// Inbound DHT requests waiting for the core's answer, per node; more are reset.
    static let maxPendingResponses = 256
    /// Encoded gossip RPCs queued per peer while its stream is flow-controlled; newer ones are
    /// dropped (and counted) beyond this.
    static let gossipQueueFrames = 512
    /// How often a peer's QUIC min RTT is passed to the gossip router while its pipe is busy.
    static let roundTripRefreshNanos: Int64 = 5_000_000_000
    /// Connections a node keeps (dialled + accepted); further accepted ones are closed.
    static let maxConnections = 1_024
    /// Delivered gossip message IDs a node remembers (the demo publishes far fewer).
    static let maxTrackedDeliveries = 4_096
    /// STREAM reset / CONNECTION_CLOSE codes the demo uses.
    static let errorProtocol: UInt64 = 1
    static let errorBusy: UInt64 = 2
}

/// Monotonic time for the sans-IO cores: wall-clock nanoseconds at start plus the elapsed
/// continuous-clock time, so record timestamps look real and never go backwards.
struct DemoClock: Sendable {
    let startWall: Int64
    let start: ContinuousClock.Instant

    init() {
        startWall = Int64(Date().timeIntervalSince1970 * 1e9)
        start = ContinuousClock.now
    }

    /// Nanoseconds since the Unix epoch (monotonic from `init`).
    var nanoseconds: Int64 {
        let (s, atto) = (ContinuousClock.now - start).components
        return startWall + s * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// Per-node counters the final table reports.
struct DemoCounters: Sendable {
    var handshakes = 0
    var handshakeFailures = 0
    var rpcFailures = 0
    var protocolErrors = 0
    var gossipQueueDrops = 0
    var lookupsOK = 0
    var lookupsTotal = 0
}

/// One demo node: its own Ed25519 identity, `QUICEndpoint` and the unchanged sans-IO cores
/// (`DHTNode`, `GossipRouter`) adapted to QUIC. The actor serialises every core input; network
/// I/O runs in tasks that re-enter the actor with what they read.
actor DemoNode {
    /// Position in the cluster (0 is the bootstrap node).
    let index: Int
    /// The identity (node ID = BLAKE2b-256 of the public key).
    let identity: DHTIdentity
    /// The node's QUIC endpoint.
    let endpoint: QUICEndpoint
    /// The node's advertised contact.
    let contact: Contact
    let clock: DemoClock
    var dht: DHTNode
    var gossip: DefaultGossipRouter
    var rng = SystemRandomNumberGenerator()
    var counters = DemoCounters()
    /// The connection used to send to each peer (the first established either way).
    var connections: [NodeID: QUICConnection] = [:]
    /// Every established connection, for the statistics.
    var established: [QUICConnection] = []
    var dials: [NodeID: Task<QUICConnection, any Error>] = [:]
    /// Inbound DHT request streams awaiting the core's response.
    var pendingResponses: [ResponseKey: QUICStream] = [:]
    /// Outgoing gossip pipes.
    var gossipOut: [GossipPeerID: AsyncStream<[UInt8]>.Continuation] = [:]
    /// Lookups the demo waits for, and their results once finished.
    var tracked: Set<LookupID> = []
    var finished: [LookupID: LookupResult] = [:]
    /// Gossip messages of the demo topic delivered to this node.
    var delivered: Set<GossipMessageID> = []
    var nextHeartbeat: Int64 = 0
    var tasks: [Task<Void, Never>] = []

    /// Identifies an inbound request by its sender and request ID.
    struct ResponseKey: Hashable {
        var peer: NodeID
        var requestID: UInt64
    }

    /// Binds the endpoint at `host` (port chosen by the kernel) with mutual TLS: both sides
    /// present a self-signed Ed25519 certificate; a dialler pins the peer's expected key.
    init(index: Int, identity: DHTIdentity, host: String, dhtConfig: DHTConfig, gossipParameters: GossipParameters,
         clock: DemoClock) throws {
        self.index = index
        self.identity = identity
        self.clock = clock
        let unixNow = clock.nanoseconds / 1_000_000_000
        let tls = TLSConfiguration.peerToPeer(identity: identity.privateKey, now: unixNow,
                                              alpnProtocols: [Array(DemoProtocol.alpn.utf8)])
        var server = ConnectionConfiguration(tls: tls)
        server.tls.clientAuthentication = .required
        server.transportParameters.maxIdleTimeout = 60_000
        var client = ConnectionConfiguration(tls: tls)
        client.transportParameters.maxIdleTimeout = 60_000
        endpoint = try QUICEndpoint.bind(host: host, port: 0, configuration: .init(server: server, client: client))
        guard case .v4(let ip) = endpoint.localAddress.ip else { throw DemoError.setup("\(host) is not IPv4") }
        let address = DHTAddress.ipv4(ip.rawValue, port: endpoint.localAddress.port)
        contact = identity.contact(address: address)
        dht = DHTNode(identity: identity, address: address, config: dhtConfig)
        gossip = DefaultGossipRouter(key: identity.privateKey, parameters: gossipParameters)
    }

    var now: Int64 { clock.nanoseconds }

    /// Starts accepting connections and the timer loop.
    func run() {
        let endpoint = self.endpoint
        tasks.append(Task { [weak self] in
            while let connection = try? await endpoint.accept() {
                guard let self else { return }
                await self.accepted(connection)
            }
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                guard let self else { return }
                await self.tick()
            }
        })
    }

    /// Closes the endpoint (every connection) and stops the tasks.
    func shutdown() async {
        for t in tasks { t.cancel() }
        for c in gossipOut.values { c.finish() }
        gossipOut.removeAll()
        await endpoint.close()
    }

    /// Timers: the DHT's deadlines and the gossip heartbeat.
    func tick() {
        let t = now
        if let next = dht.pollTimeout(), next.nanoseconds <= t {
            dht.handleTimeout(now: DHTInstant(nanoseconds: t), rng: &rng)
        }
        if t >= nextHeartbeat {
            gossip.handleHeartbeat(now: GossipInstant(nanoseconds: t), rng: &rng)
            nextHeartbeat = t + gossip.parameters.heartbeatIntervalNanos
        }
        flush()
    }

    /// Sends everything the cores queued and records finished lookups and deliveries.
    func flush() {
        flushDHT()
        flushGossip()
    }

    // MARK: Connections

    /// The connection to `peer`, dialling it (its key pinned) if there is none yet. Concurrent
    /// callers share one dial.
    func connection(to peer: Contact) async throws -> QUICConnection {
        if let c = connections[peer.nodeID] { return c }
        let task: Task<QUICConnection, any Error>
        if let pending = dials[peer.nodeID] {
            task = pending
        } else {
            guard case .ipv4(let ip, let port) = peer.address else { throw DemoError.unreachable(peer.address.description) }
            let target = SocketAddress(ip: .v4(IPv4Address(rawValue: ip)), port: port)
            let endpoint = self.endpoint
            let key = peer.publicKey.raw.bytes
            task = Task { try await endpoint.connect(to: target, alpn: [DemoProtocol.alpn], identity: key) }
            dials[peer.nodeID] = task
        }
        do {
            let c = try await task.value
            dials[peer.nodeID] = nil
            // TLS pinned the key; check the node ID it hashes to, as the DHT defines it.
            guard let key = c.peerPublicKey, Self.nodeID(ofKey: key) == peer.nodeID else {
                await c.close(code: DemoProtocol.errorProtocol, reason: "identity mismatch")
                throw DemoError.identityMismatch(peer.nodeID.description)
            }
            if connections[peer.nodeID] == nil, !established.contains(where: { $0 === c }) { register(c, peer: peer.nodeID) }
            return connections[peer.nodeID] ?? c
        } catch {
            dials[peer.nodeID] = nil
            if !(error is DemoError) { counters.handshakeFailures += 1 }
            throw error
        }
    }

    /// An inbound connection finished its handshake (the client presented a certificate:
    /// `clientAuthentication = .required`).
    func accepted(_ c: QUICConnection) async {
        guard let key = c.peerPublicKey, let peer = Self.nodeID(ofKey: key), established.count < DemoProtocol.maxConnections else {
            counters.handshakeFailures += 1
            await c.close(code: DemoProtocol.errorProtocol, reason: "no identity")
            return
        }
        register(c, peer: peer)
    }

    func register(_ c: QUICConnection, peer: NodeID) {
        counters.handshakes += 1
        established.append(c)
        if connections[peer] == nil { connections[peer] = c }
        tasks.append(Task { [weak self] in
            for await stream in c.incomingStreams {
                guard let self else { return }
                if stream.id.isBidirectional {
                    Task { await self.serveRequest(stream, from: peer, on: c) }
                } else {
                    Task { await self.readGossip(stream, from: peer, on: c) }
                }
            }
            await self?.closed(c, peer: peer)
        })
    }

    func closed(_ c: QUICConnection, peer: NodeID) {
        if connections[peer] === c { connections[peer] = nil }
    }

    /// The node ID of a 32-byte Ed25519 public key (nil for another length).
    static func nodeID(ofKey key: [UInt8]) -> NodeID? {
        guard let raw = Bytes32(key) else { return nil }
        return NodeID(publicKey: IdentityKey(raw: raw))
    }

    /// The DHT address of a connection's peer (the observed source address).
    static func observed(_ c: QUICConnection) -> DHTAddress {
        switch c.remoteAddress.ip {
        case .v4(let a): return .ipv4(a.rawValue, port: c.remoteAddress.port)
        case .v6(let a): return .ipv6(a.high, a.low, port: c.remoteAddress.port)
        }
    }

    // MARK: Statistics

    /// Bytes and RTT summed over this node's connections.
    func connectionTotals() async -> (sent: UInt64, received: UInt64, meanRTT: Duration?, open: Int) {
        var sent: UInt64 = 0, received: UInt64 = 0, rtt = Duration.zero, samples = 0
        for c in established {
            guard let s = try? await c.stats() else { continue }
            sent += s.bytesSent
            received += s.bytesReceived
            if s.smoothedRTT > .zero { rtt += s.smoothedRTT; samples += 1 }
        }
        return (sent, received, samples == 0 ? nil : rtt / samples, connections.count)
    }
}

/// Why the demo (or one of its operations) failed.
enum DemoError: Error, CustomStringConvertible {
    case setup(String)
    case unreachable(String)
    case identityMismatch(String)

    var description: String {
        switch self {
        case .setup(let s): return "setup failed: \(s)"
        case .unreachable(let a): return "cannot dial \(a)"
        case .identityMismatch(let id): return "the peer's certificate key does not hash to node \(id)"
        }
    }
}
