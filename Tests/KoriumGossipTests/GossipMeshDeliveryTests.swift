import KoriumCrypto
import KoriumGossip
import Testing

/// P3 near-first accounting and its threshold, on one router fed by three mesh peers:
/// A forwards every message first; B's copy follows 50 ms later, inside B's 100 ms round trip
/// (a copy B forwarded while ours was in flight); C's copy follows 200 ms later, after C's
/// 100 ms round trip (what an echo of our own forward looks like).
@Suite struct GossipMeshDeliveryTests {
    struct Setup {
        var router: DefaultGossipRouter
        var peers: [GossipPeerID]
        var rng = TestRNG(3)
        var seqno: UInt64 = 0
        let publisher = testKey(90)

        init(_ topicParameters: GossipTopicScoreParameters, roundTrips: Bool = true) throws {
            var parameters = GossipParameters()
            parameters.scoring?.defaultTopic = topicParameters
            router = DefaultGossipRouter(key: testKey(1), parameters: parameters)
            peers = (0..<3).map { peerID(testKey(UInt8(10 + $0))) }
            try router.subscribe("t", now: .zero, rng: &rng)
            for (i, p) in peers.enumerated() {
                router.addPeer(p, outbound: true, address: UInt64(i + 1), now: .zero)
                if roundTrips { router.setMinimumRoundTrip(100_000_000, for: p) }
                router.handleRPC(GossipRPC(subscriptions: [GossipSubscription(subscribe: true, topic: "t")]),
                                 from: p, now: .zero, rng: &rng)
            }
            router.handleHeartbeat(now: at(1), rng: &rng)
            drain()
        }

        mutating func drain() {
            while router.pollTransmit() != nil {}
            while router.pollEvent() != nil {}
        }

        /// `seconds` of traffic at 10 messages/s from `from` (with B and C's copies if `copies`),
        /// with a heartbeat every second.
        mutating func run(from start: Double, seconds: Int, traffic: Bool) {
            for s in 0..<seconds {
                let second = start + Double(s)
                if traffic {
                    for k in 0..<10 {
                        let t = second + Double(k) / 10
                        seqno += 1
                        let m = GossipMessage(signing: [UInt8(truncatingIfNeeded: seqno)], topic: "t", seqno: seqno, key: publisher)
                        router.handleRPC(GossipRPC(messages: [m]), from: peers[0], now: at(t), rng: &rng)
                        router.handleRPC(GossipRPC(messages: [m]), from: peers[1], now: at(t + 0.05), rng: &rng)
                        router.handleRPC(GossipRPC(messages: [m]), from: peers[2], now: at(t + 0.2), rng: &rng)
                        drain()
                    }
                }
                router.handleHeartbeat(now: at(second + 1), rng: &rng)
                drain()
            }
        }
    }

    static var parameters: GossipTopicScoreParameters {
        .derived(expectedMessageRate: 10, meshDegree: GossipParameters().dHigh)
    }

    /// Past the activation time (36 s at 10/s) B's round-trip copies keep it above the
    /// threshold; C, credited for nothing, is pruned with a full deficit and graylisted by P3b.
    @Test func copiesWithinTheRoundTripAreNearFirst() throws {
        var s = try Setup(Self.parameters)
        #expect(s.router.meshPeers("t") == Set(s.peers))
        s.run(from: 1, seconds: 45, traffic: true)
        let (a, b, c) = (s.peers[0], s.peers[1], s.peers[2])
        #expect(s.router.meshPeers("t").contains(a) && s.router.meshPeers("t").contains(b))
        #expect(!s.router.meshPeers("t").contains(c))
        #expect(s.router.score(of: b) > 0)
        #expect(s.router.score(of: c) < GossipParameters().scoring!.graylistThreshold, "\(s.router.score(of: c))")
    }

    /// With the spec's 5 ms window only, B's copies count for nothing either: B is pruned and
    /// graylisted like C, although it forwarded every message (the case the round trip fixes).
    @Test func withTheFixedWindowOnlyTheLateForwarderIsPunished() throws {
        var p = Self.parameters
        p.nearFirstWithinRoundTrip = false
        var s = try Setup(p)
        s.run(from: 1, seconds: 45, traffic: true)
        let b = s.peers[1]
        #expect(!s.router.meshPeers("t").contains(b))
        #expect(s.router.score(of: b) < GossipParameters().scoring!.graylistThreshold)
    }

    /// Until the transport reports a peer's round trip its honest copies could not be credited,
    /// so P3 does not activate for it: C keeps its place however little it delivers.
    @Test func withoutARoundTripP3WaitsForOne() throws {
        var s = try Setup(Self.parameters, roundTrips: false)
        s.run(from: 1, seconds: 45, traffic: true)
        #expect(s.router.meshPeers("t") == Set(s.peers))
        #expect(s.router.score(of: s.peers[2]) > 0)
        s.router.setMinimumRoundTrip(100_000_000, for: s.peers[2])
        s.run(from: 46, seconds: 2, traffic: true)
        #expect(!s.router.meshPeers("t").contains(s.peers[2]))
    }

    /// A topic that goes quiet: the threshold follows the topic's own traffic down, so mesh
    /// peers that delivered while there was traffic are not penalised for the silence. With the
    /// spec's absolute threshold (traffic share 0) every one of them would be pruned.
    @Test func quietTopicPenalisesNoOne() throws {
        var s = try Setup(Self.parameters)
        s.run(from: 1, seconds: 40, traffic: true)
        s.run(from: 41, seconds: 300, traffic: false)
        let (a, b) = (s.peers[0], s.peers[1])
        #expect(s.router.meshPeers("t").contains(a) && s.router.meshPeers("t").contains(b))
        #expect(s.router.score(of: a) > 0 && s.router.score(of: b) > 0)

        var absolute = Self.parameters
        absolute.meshMessageDeliveriesTrafficShare = 0
        var q = try Setup(absolute)
        q.run(from: 1, seconds: 40, traffic: true)
        q.run(from: 41, seconds: 300, traffic: false)
        #expect(q.router.meshPeers("t").isEmpty)
    }
}
