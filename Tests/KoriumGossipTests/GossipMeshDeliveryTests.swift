import KoriumCrypto
import KoriumGossip
import Testing

/// P3 near-first accounting and its threshold, on one router fed by four mesh peers:
/// A forwards every message first; B's copy follows 50 ms later, inside B's 100 ms round trip
/// (a copy B forwarded while ours was in flight); C's copy follows 200 ms later, after C's
/// 100 ms round trip (a slow peer, or an echo of our own forward); D sends nothing.
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
            peers = (0..<4).map { peerID(testKey(UInt8(10 + $0))) }
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

        /// `seconds` of traffic at 10 messages/s (A first, then B and C) if `traffic`, with a
        /// heartbeat every second.
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

    static let graylist = GossipParameters().scoring!.graylistThreshold
    static let gossip = GossipParameters().scoring!.gossipThreshold

    /// Past the activation time (36 s at 10/s) B's round-trip copies keep it above the
    /// threshold. C and D are credited for nothing and pruned with a full deficit; D, which
    /// sent nothing, is graylisted by P3b, C, which sent every copy late, only falls below zero.
    @Test func copiesWithinTheRoundTripAreNearFirst() throws {
        var s = try Setup(Self.parameters)
        #expect(s.router.meshPeers("t") == Set(s.peers))
        s.run(from: 1, seconds: 45, traffic: true)
        let (a, b, c, d) = (s.peers[0], s.peers[1], s.peers[2], s.peers[3])
        #expect(s.router.meshPeers("t") == [a, b])
        #expect(s.router.score(of: b) > 0)
        #expect(s.router.score(of: c) < 0 && s.router.score(of: c) > Self.gossip, "\(s.router.score(of: c))")
        #expect(s.router.score(of: d) < Self.graylist, "\(s.router.score(of: d))")
    }

    /// With the spec's 5 ms window only, B's copies count for nothing either: B is pruned like
    /// C although it forwarded every message in time (the case the round trip fixes). With the
    /// late-copy factor at 1 (the spec's P3b) B and C are graylisted like D.
    @Test func withTheFixedWindowOnlyTheLateForwarderIsPunished() throws {
        var p = Self.parameters
        p.nearFirstWithinRoundTrip = false
        var s = try Setup(p)
        s.run(from: 1, seconds: 45, traffic: true)
        let (a, b) = (s.peers[0], s.peers[1])
        #expect(s.router.meshPeers("t") == [a])
        #expect(s.router.score(of: b) < 0 && s.router.score(of: b) > Self.graylist)
        p.meshFailureLateFactor = 1
        var spec = try Setup(p)
        spec.run(from: 1, seconds: 45, traffic: true)
        #expect(spec.router.score(of: b) < Self.graylist)
        #expect(spec.router.score(of: spec.peers[2]) < Self.graylist)
    }

    /// Until the transport reports a peer's round trip its honest copies could not be credited,
    /// so P3 does not activate for it: C keeps its place however little it delivers.
    @Test func withoutARoundTripP3WaitsForOne() throws {
        var s = try Setup(Self.parameters, roundTrips: false)
        s.run(from: 1, seconds: 45, traffic: true)
        #expect(s.router.meshPeers("t") == Set(s.peers))
        #expect(s.router.score(of: s.peers[3]) > 0)
        s.router.setMinimumRoundTrip(100_000_000, for: s.peers[3])
        s.run(from: 46, seconds: 2, traffic: true)
        #expect(!s.router.meshPeers("t").contains(s.peers[3]))
    }

    /// A topic that goes quiet: the threshold follows the topic's own traffic down, so mesh
    /// peers that delivered while there was traffic are not penalised for the silence (D, which
    /// never delivered, was pruned while there was traffic). With the
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
