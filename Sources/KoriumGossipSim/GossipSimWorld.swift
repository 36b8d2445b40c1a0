import KoriumCrypto
import KoriumGossip
import KoriumSim

/// State shared by all simulated gossip nodes of one run (the simulator is single-threaded):
/// identities, the peer-ID directory, a verification memo, and the measurements.
public final class GossipSimWorld {
    /// The topic every node joins.
    public let topic = "korium/sim"
    /// Router parameters of honest nodes.
    public var parameters: GossipParameters
    /// Signing keys, one per node (deterministic from the node index and run seed).
    public let keys: [Ed25519.PrivateKey]
    /// Peer IDs, one per node.
    public let peerIDs: [GossipPeerID]
    let directory: [GossipPeerID: SimNodeID]
    /// Shared signature verification memo.
    public let verifier: GossipSimVerifier
    /// Heartbeat interval.
    public var heartbeat: SimDuration { .nanoseconds(parameters.heartbeatIntervalNanos) }
    /// Keep-alive period and the silence after which a connection counts as dead.
    public var keepAlive = SimDuration.seconds(10)
    /// Silence after which a connection counts as dead (QUIC idle timeout).
    public var idleTimeout = SimDuration.seconds(30)
    /// Uplink capacity per node for message payloads (0: unlimited), paced by the adapter.
    public var uplinkBitsPerSecond: Int64 = 0
    /// Per-node behaviour (honest unless set).
    public var behaviours: [GossipSimBehaviour]
    /// Per-node address that peers see for P6 (nil: the node's topology address). Used to put
    /// many Sybils behind one IP; their links keep their topology latencies.
    public var addressOverride: [UInt64?]

    // Measurements.
    /// Publication time and origin of each experiment message.
    public private(set) var published: [(time: Int64, origin: Int)] = []
    /// Router message ID of each experiment message (set when its publication succeeds).
    public internal(set) var publishedIDs: [GossipMessageID?] = []
    private var deliveredBits: [[UInt64]] = []
    /// First deliveries per message (publisher excluded).
    public private(set) var deliveries: [Int] = []
    /// Latest start (join) time per node.
    public var startedAt: [Int64]
    /// Per node, the spans of harness samples at which it was offline (first, last sample).
    public private(set) var offlineSpans: [[(first: Int64, last: Int64)]]
    /// Delivery latency, ns, over honest receivers.
    public var latency = SimHistogram()
    /// Total first deliveries to honest nodes.
    public private(set) var totalDeliveries = 0

    /// A world of `nodeCount` nodes; keys derive from `seed`.
    public init(nodeCount: Int, seed: UInt64, parameters: GossipParameters = GossipParameters()) {
        self.parameters = parameters
        var keys: [Ed25519.PrivateKey] = []
        var ids: [GossipPeerID] = []
        var dir: [GossipPeerID: SimNodeID] = [:]
        keys.reserveCapacity(nodeCount)
        var rng = SimRandom(seed: seed, node: 0, stream: 77)
        for i in 0..<nodeCount {
            var seedBytes = [UInt8](repeating: 0, count: 32)
            for k in 0..<4 {
                let w = rng.next()
                for j in 0..<8 { seedBytes[k * 8 + j] = UInt8(truncatingIfNeeded: w >> UInt64(8 * j)) }
            }
            // A 32-byte seed always makes a key.
            guard let key = try? Ed25519.PrivateKey(seed: seedBytes) else { preconditionFailure("Ed25519 seed") }
            keys.append(key)
            let id = GossipPeerID(bytes: key.publicKey.rawRepresentation) ?? GossipPeerID(0, 0, 0, UInt64(i))
            ids.append(id)
            dir[id] = SimNodeID(index: i)
        }
        self.keys = keys
        self.peerIDs = ids
        self.directory = dir
        self.verifier = GossipSimVerifier()
        behaviours = Array(repeating: .honest, count: nodeCount)
        addressOverride = Array(repeating: nil, count: nodeCount)
        startedAt = Array(repeating: .max, count: nodeCount)
        offlineSpans = Array(repeating: [], count: nodeCount)
    }

    /// The simulator node of a peer ID.
    public func node(of peer: GossipPeerID) -> SimNodeID? { directory[peer] }

    /// Registers an experiment message published by `origin` at `time`; returns its index,
    /// which goes in the first 4 payload bytes.
    public func registerPublication(origin: Int, time: Int64) -> Int {
        published.append((time, origin))
        deliveredBits.append([UInt64](repeating: 0, count: (keys.count + 63) / 64))
        deliveries.append(0)
        publishedIDs.append(nil)
        return published.count - 1
    }

    func recordDelivery(message index: Int, node: Int, now: Int64) {
        guard index >= 0, index < published.count, node != published[index].origin else { return }
        let (w, b) = (node >> 6, UInt64(1) << UInt64(node & 63))
        guard deliveredBits[index][w] & b == 0 else { return }
        deliveredBits[index][w] |= b
        deliveries[index] += 1
        guard behaviours[node].isHonest else { return }
        totalDeliveries += 1
        latency.record(UInt64(clamping: max(0, now - published[index].time)))
    }

    /// Whether `node` received message `index`.
    public func hasDelivered(_ index: Int, node: Int) -> Bool {
        deliveredBits[index][node >> 6] & (UInt64(1) << UInt64(node & 63)) != 0
    }

    /// Records that the harness found `node` offline at `t` (samples `period` apart): extends
    /// the node's current offline span or starts a new one.
    public func recordOffline(_ node: Int, at t: Int64, period: Int64) {
        if let last = offlineSpans[node].last, last.last >= t - period {
            offlineSpans[node][offlineSpans[node].count - 1].last = t
        } else {
            offlineSpans[node].append((t, t))
        }
    }

    /// Whether `node` was found offline at any sample in `from...to`.
    public func wasOffline(_ node: Int, from: Int64, to: Int64) -> Bool {
        offlineSpans[node].contains { $0.first <= to && $0.last >= from }
    }

    /// Delivery ratio over honest nodes that were up (and subscribed) from each publication
    /// until `window` after it, for messages published at or before `latest`.
    ///
    /// Up means: started (or rejoined) at or before the publication, and not found offline at
    /// any harness sample inside the window. (Until session 3 only the latest offline sample
    /// was kept, so a node that left during the window and was still away at the end of the
    /// run — its latest offline sample after the window — was counted as up.)
    public func deliveryRatio(window: SimDuration, latest: Int64) -> (delivered: Int, expected: Int) {
        var delivered = 0, expected = 0
        for (i, p) in published.enumerated() where p.time <= latest {
            let end = p.time + window.nanoseconds
            for n in 0..<keys.count where n != p.origin && behaviours[n].isHonest {
                // A rejoin during the window shows as a start after the publication.
                guard startedAt[n] <= p.time, !wasOffline(n, from: p.time, to: end) else { continue }
                expected += 1
                if hasDelivered(i, node: n) { delivered += 1 }
            }
        }
        return (delivered, expected)
    }
}

/// Verifies each distinct message once and remembers the verdict for every node of the run
/// (the simulator passes messages as values, so later copies share their byte buffers and the
/// equality check on a memo hit is cheap). A message equal in every byte has the same verdict,
/// so this changes the cost of a simulation, not its outcome.
public final class GossipSimVerifier: GossipSignatureVerifier {
    private var memo: [GossipMessageID: [(message: GossipMessage, valid: Bool)]] = [:]
    /// Real Ed25519 verifications performed.
    public private(set) var verifications = 0

    /// An empty memo.
    public init() {}

    /// The memoised strict Ed25519 verdict.
    public func isValid(_ message: GossipMessage) -> Bool {
        let id = message.id
        if let entries = memo[id] {
            for e in entries where e.message == message { return e.valid }
        }
        verifications += 1
        let valid = message.hasValidSignature
        memo[id, default: []].append((message, valid))
        return valid
    }
}

/// The application validator of the experiments: a payload starting with 0xFF is invalid.
public struct GossipSimValidator: GossipValidator {
    /// The validator.
    public init() {}
    /// Reject 0xFF-marked payloads, accept the rest.
    public func validate(_ message: GossipMessage, from peer: GossipPeerID) -> GossipValidationResult? {
        message.data.first == 0xFF ? .reject : .accept
    }
}

/// What a simulated node does.
public enum GossipSimBehaviour: Sendable, Equatable {
    /// Follows the protocol.
    case honest
    /// Sends `perHeartbeat` invalid messages to every peer each heartbeat (Sybil flood).
    case invalidFlood(perHeartbeat: Int)
    /// Honest until `after` (virtual ns), then forwards no messages (covert flash).
    case withholdAfter(Int64)
    /// Never forwards messages to `target` (eclipse attempt); honest otherwise.
    case eclipse(target: Int)
    /// Sends `perHeartbeat` IWANTs for cached messages to every peer each heartbeat.
    case iwantSpam(perHeartbeat: Int)
    /// PRUNEs every mesh peer each heartbeat with PX listing only the attackers' records.
    case pxSelfPromotion
    /// Follows the protocol, but is one of many Sybils behind one IP address (P6).
    case colocated

    /// Whether the node is honest.
    public var isHonest: Bool { self == .honest }
}
