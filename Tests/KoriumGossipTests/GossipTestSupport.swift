import KoriumCrypto
import KoriumGossip

/// A deterministic generator for router tests (SplitMix64).
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64 = 1) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func testKey(_ i: UInt8) -> Ed25519.PrivateKey {
    // A 32-byte seed always yields a key.
    (try? Ed25519.PrivateKey(seed: [UInt8](repeating: i, count: 32)))!
}

func peerID(_ key: Ed25519.PrivateKey) -> GossipPeerID { GossipPeerID(bytes: key.publicKey.rawRepresentation)! }

func at(_ seconds: Double) -> GossipInstant { GossipInstant(nanoseconds: Int64(seconds * 1e9)) }

/// A handful of routers wired directly; `pump` delivers queued RPCs until quiet.
struct TestNet<V: GossipSignatureVerifier, A: GossipValidator> {
    var routers: [GossipRouter<V, A>]
    var ids: [GossipPeerID]
    var rng = TestRNG(7)
    var delivered: [[GossipMessage]]
    var sent: [(from: Int, to: Int, rpc: GossipRPC)] = []

    init(_ routers: [GossipRouter<V, A>]) {
        self.routers = routers
        ids = routers.map(\.localPeer)
        delivered = Array(repeating: [], count: routers.count)
    }

    mutating func connect(_ a: Int, _ b: Int, now: GossipInstant = .zero) {
        routers[a].addPeer(ids[b], outbound: true, address: UInt64(b + 1), now: now)
        routers[b].addPeer(ids[a], outbound: false, address: UInt64(a + 1), now: now)
    }

    mutating func pump(now: GossipInstant, limit: Int = 10_000) {
        var steps = 0
        var progress = true
        while progress, steps < limit {
            progress = false
            for i in routers.indices {
                while let e = routers[i].pollEvent() {
                    if case .message(let m, _) = e { delivered[i].append(m) }
                }
                while let (peer, rpc) = routers[i].pollTransmit() {
                    guard let j = ids.firstIndex(of: peer) else { continue }
                    sent.append((i, j, rpc))
                    routers[j].handleRPC(rpc, from: ids[i], now: now, rng: &rng)
                    progress = true
                    steps += 1
                }
            }
        }
    }

    mutating func heartbeat(now: GossipInstant) {
        for i in routers.indices { routers[i].handleHeartbeat(now: now, rng: &rng) }
        pump(now: now)
    }
}

func defaultNet(_ n: Int, parameters: GossipParameters = GossipParameters()) -> TestNet<Ed25519SignatureVerifier, AcceptAllValidator> {
    TestNet((0..<n).map { DefaultGossipRouter(key: testKey(UInt8($0 + 1)), parameters: parameters) })
}
