import KoriumCrypto
import KoriumGossip
import Testing

@Suite struct GossipRouterTests {
    /// Two routers: subscriptions are exchanged, the heartbeat grafts, a publish is delivered.
    @Test func meshFormsAndDelivers() throws {
        var net = defaultNet(3)
        net.connect(0, 1); net.connect(1, 2)
        for i in 0..<3 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        net.heartbeat(now: at(1))
        #expect(net.routers[1].meshPeers("t") == [net.ids[0], net.ids[2]])
        #expect(net.routers[0].meshPeers("t") == [net.ids[1]])
        let id = try net.routers[0].publish([1, 2, 3], topic: "t", now: at(1.5), rng: &net.rng)
        net.pump(now: at(1.5))
        #expect(net.delivered[2].map(\.id) == [id])
        #expect(net.delivered[1].map(\.id) == [id])
        #expect(net.delivered[0].isEmpty)
        #expect(net.routers[2].score(of: net.ids[1]) > 0)   // P1 + P2
    }

    @Test func forgedSignatureIsRejectedAndPenalisesForwarder() throws {
        var net = defaultNet(2)
        net.connect(0, 1)
        for i in 0..<2 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        var m = GossipMessage(signing: [9], topic: "t", seqno: 5, key: testKey(50))
        m.data = [10]   // signature no longer matches
        net.routers[1].handleRPC(GossipRPC(messages: [m]), from: net.ids[0], now: at(1), rng: &net.rng)
        #expect(net.routers[1].drops[.invalidSignature] == 1)
        #expect(net.routers[1].score(of: net.ids[0]) == -100)   // P4: -100 × 1²
        // The same forged message again costs the forwarder again (counted via the seen cache).
        net.routers[1].handleRPC(GossipRPC(messages: [m]), from: net.ids[0], now: at(1), rng: &net.rng)
        #expect(net.routers[1].score(of: net.ids[0]) == -400)
        // Now graylisted: further RPCs are ignored and counted.
        net.routers[1].handleRPC(GossipRPC(), from: net.ids[0], now: at(1), rng: &net.rng)
        #expect(net.routers[1].drops[.graylisted] == 1)
    }

    /// P6: peers sharing an address are penalised by the square of the surplus over the
    /// threshold (1): by default −15 per unit and uncapped (four colocated peers score −135,
    /// graylisted); with Korium's weight −10 and cap 90 colocation alone never graylists.
    @Test func ipColocationPenalty() {
        var korium = GossipParameters()
        korium.scoring?.ipColocationFactorWeight = -10
        korium.scoring?.maxIPColocationPenalty = 90
        for (parameters, expected) in [(GossipParameters(), [0.0, -15, -60, -135, -240]), (korium, [0.0, -10, -40, -90, -90])] {
            var r = DefaultGossipRouter(key: testKey(1), parameters: parameters)
            let colocated = (0..<5).map { peerID(testKey(UInt8(10 + $0))) }
            let other = peerID(testKey(30))
            r.addPeer(other, outbound: true, address: 99, now: .zero)
            for (n, p) in colocated.enumerated() {
                r.addPeer(p, outbound: false, address: 7, now: .zero)
                #expect(r.score(of: p) == expected[n], "\(n + 1) colocated")
            }
            #expect(r.score(of: other) == 0)
            // Leaving lowers everyone's count again.
            r.removePeer(colocated[4], now: .zero)
            #expect(r.score(of: colocated[0]) == expected[3])
        }
    }

    @Test func replayWindowRejectsOldSeqnos() throws {
        var r = DefaultGossipRouter(key: testKey(1))
        var rng = TestRNG()
        let p = peerID(testKey(2))
        r.addPeer(p, outbound: true, address: 1, now: .zero)
        try r.subscribe("t", now: .zero, rng: &rng)
        let source = testKey(3)
        let fresh = GossipMessage(signing: [1], topic: "t", seqno: 1_000, key: source)
        let old = GossipMessage(signing: [1], topic: "t", seqno: 1_000 - 128, key: source)
        let inWindow = GossipMessage(signing: [1], topic: "t", seqno: 999, key: source)
        r.handleRPC(GossipRPC(messages: [fresh, old, inWindow]), from: p, now: at(1), rng: &rng)
        #expect(r.delivered == 2)
        #expect(r.drops[.replay] == 1)
    }

    /// v1.1 §PRUNE Backoff: no re-GRAFT during the backoff; a GRAFT inside it is answered with
    /// PRUNE and penalised (P7).
    @Test func backoffIsRespected() throws {
        var net = defaultNet(2)
        net.connect(0, 1)
        for i in 0..<2 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        net.heartbeat(now: at(1))
        #expect(net.routers[0].meshPeers("t").contains(net.ids[1]))
        net.routers[0].unsubscribe("t", now: at(2))
        net.pump(now: at(2))
        #expect(net.routers[1].meshPeers("t").isEmpty)
        #expect(net.routers[1].isBackedOff(net.ids[0], topic: "t", now: at(2)))
        try net.routers[0].subscribe("t", now: at(3), rng: &net.rng)  // 0 is backed off towards 1 too
        net.pump(now: at(3))
        // A GRAFT inside the backoff: answered with PRUNE (60 s), the backoff extended, P7.
        for _ in 0..<3 {
            net.routers[1].handleRPC(GossipRPC(control: GossipControl(graft: ["t"])), from: net.ids[0], now: at(4), rng: &net.rng)
        }
        #expect(net.routers[1].drops[.graftDuringBackoff] == 3)
        #expect(net.routers[1].score(of: net.ids[0]) == -10)   // P7: (3 − threshold 2)² × −10
        net.pump(now: at(4))
        #expect(net.routers[0].isBackedOff(net.ids[1], topic: "t", now: at(63)))
        for s in 5...64 {
            net.heartbeat(now: at(Double(s)))
            #expect(!net.routers[1].meshPeers("t").contains(net.ids[0]), "re-grafted at \(s) s")
            #expect(!net.routers[0].meshPeers("t").contains(net.ids[1]), "re-grafted at \(s) s")
        }
        #expect(net.routers[1].drops[.graftDuringBackoff] == 3)
        // After the backoff (and the slack), the mesh re-forms.
        for s in 65...70 { net.heartbeat(now: at(Double(s))) }
        #expect(net.routers[1].meshPeers("t").contains(net.ids[0]))
    }

    /// v1.2: a large message makes the receiver send IDONTWANT to its other mesh peers, and a
    /// peer's IDONTWANT stops the copy to it.
    @Test func idontwantSentAndHonoured() throws {
        var net = defaultNet(3)
        net.connect(0, 1); net.connect(1, 2); net.connect(0, 2)
        for i in 0..<3 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        net.heartbeat(now: at(1))
        net.sent.removeAll()
        let small = try net.routers[0].publish([UInt8](repeating: 1, count: 1_023), topic: "t", now: at(1.1), rng: &net.rng)
        net.pump(now: at(1.1))
        #expect(!net.sent.contains { !$0.rpc.control.idontwant.isEmpty }, "no IDONTWANT below 1 KiB")
        #expect(net.delivered[1].map(\.id).contains(small))
        net.sent.removeAll()
        let big = GossipMessage(signing: [UInt8](repeating: 2, count: 1_024), topic: "t", seqno: 77, key: testKey(40))
        net.routers[1].handleRPC(GossipRPC(messages: [big]), from: net.ids[0], now: at(1.2), rng: &net.rng)
        let out = net.routers[1].pollTransmitAll()
        #expect(out.contains { $0.peer == net.ids[2] && $0.rpc.control.idontwant == [big.id] })
        #expect(net.routers[1].idontwantSent == 1)
        // Router 2 told router 1 IDONTWANT for `other`; 1 then receives it and skips 2.
        let other = GossipMessage(signing: [UInt8](repeating: 3, count: 2_000), topic: "t", seqno: 78, key: testKey(40))
        net.routers[1].handleRPC(GossipRPC(control: GossipControl(idontwant: [other.id])), from: net.ids[2], now: at(1.3), rng: &net.rng)
        net.routers[1].handleRPC(GossipRPC(messages: [other]), from: net.ids[0], now: at(1.3), rng: &net.rng)
        let out2 = net.routers[1].pollTransmitAll()
        #expect(!out2.contains { $0.peer == net.ids[2] && !$0.rpc.messages.isEmpty })
        #expect(net.routers[1].idontwantSuppressed == 1)
    }

    /// Counters of a peer that behaved badly and well decay to zero after it leaves, and the
    /// record is forgotten after `retainScore`.
    @Test func scoresDecayToZero() throws {
        var net = defaultNet(2)
        net.connect(0, 1)
        for i in 0..<2 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        net.heartbeat(now: at(1))
        for k in 0..<20 { _ = try net.routers[0].publish([UInt8(k)], topic: "t", now: at(1.5), rng: &net.rng) }
        net.pump(now: at(1.5))
        var bad = GossipMessage(signing: [9], topic: "t", seqno: 1, key: testKey(60))
        bad.data = [8]
        net.routers[1].handleRPC(GossipRPC(messages: [bad]), from: net.ids[0], now: at(2), rng: &net.rng)
        net.routers[1].handleRPC(GossipRPC(control: GossipControl(graft: ["nope"])), from: net.ids[0], now: at(2), rng: &net.rng)
        net.routers[1].removePeer(net.ids[0], now: at(3))
        #expect(net.routers[1].score(of: net.ids[0]) != 0)
        var t = 3.0
        while t < 3 + 599 { t += 1; net.routers[1].handleHeartbeat(now: at(t), rng: &net.rng) }
        #expect(net.routers[1].score(of: net.ids[0]) == 0)
        t += 2
        net.routers[1].handleHeartbeat(now: at(t), rng: &net.rng)
        #expect(net.routers[1].tableSizes["scores"] == 0)
    }

    @Test func iwantLimits() throws {
        var net = defaultNet(2)
        net.connect(0, 1)
        for i in 0..<2 { try net.routers[i].subscribe("t", now: .zero, rng: &net.rng) }
        net.pump(now: .zero)
        let id = try net.routers[0].publish([1], topic: "t", now: at(0.5), rng: &net.rng)
        _ = net.routers[0].pollTransmitAll()
        var served = 0
        for _ in 0..<8 {
            net.routers[0].handleRPC(GossipRPC(control: GossipControl(iwant: [id])), from: net.ids[1], now: at(0.6), rng: &net.rng)
            served += net.routers[0].pollTransmitAll().reduce(0) { $0 + $1.rpc.messages.count }
        }
        #expect(served == 3)   // GossipRetransmission
        #expect(net.routers[0].drops[.iwantRetransmissionLimit] == 2)
        // 5 per window; then P7 pushes the spammer below the gossip threshold: ignored.
        #expect(net.routers[0].drops[.iwantRateLimited] == 3)
        #expect(net.routers[0].score(of: net.ids[1]) == -40)   // P7: (0.5 + 0.5 + 3 − 2)² × −10
    }

    @Test func asyncValidation() throws {
        struct Later: GossipValidator {
            func validate(_ message: GossipMessage, from peer: GossipPeerID) -> GossipValidationResult? { nil }
        }
        var r = GossipRouter(key: testKey(1), verifier: Ed25519SignatureVerifier(), validator: Later())
        var rng = TestRNG()
        let p = peerID(testKey(2))
        r.addPeer(p, outbound: true, address: 1, now: .zero)
        try r.subscribe("t", now: .zero, rng: &rng)
        let a = GossipMessage(signing: [1], topic: "t", seqno: 1, key: testKey(3))
        let b = GossipMessage(signing: [2], topic: "t", seqno: 2, key: testKey(3))
        let c = GossipMessage(signing: [3], topic: "t", seqno: 3, key: testKey(3))
        r.handleRPC(GossipRPC(messages: [a, b, c]), from: p, now: at(1), rng: &rng)
        var asked: [GossipMessageID] = []
        while let e = r.pollEvent() { if case .validate(let m) = e { asked.append(m.id) } }
        #expect(asked == [a.id, b.id, c.id])
        r.reportValidation(a.id, result: .accept, now: at(1.1), rng: &rng)
        r.reportValidation(b.id, result: .reject, now: at(1.1), rng: &rng)
        #expect(r.pollEvent() == .message(a, from: p))
        #expect(r.score(of: p) < 0)   // P4 for b
        r.handleHeartbeat(now: at(12), rng: &rng)
        #expect(r.drops[.validationTimeout] == 1)
        #expect(r.drops[.validationRejected] == 1)
    }

    @Test func rateLimits() throws {
        var r = DefaultGossipRouter(key: testKey(1))
        var rng = TestRNG()
        let p = peerID(testKey(2))
        r.addPeer(p, outbound: true, address: 1, now: .zero)
        try r.subscribe("t", now: .zero, rng: &rng)
        var ms: [GossipMessage] = []
        for s in 0..<60 { ms.append(GossipMessage(signing: [1], topic: "t", seqno: UInt64(s + 1), key: testKey(3))) }
        r.handleRPC(GossipRPC(messages: ms), from: p, now: at(1), rng: &rng)
        #expect(r.delivered == 50)
        #expect(r.drops[.peerRateLimited] == 10)
        for _ in 0..<100 { _ = try r.publish([1], topic: "t", now: at(2), rng: &rng) }
        #expect(throws: GossipError.publishRateLimited) { try r.publish([1], topic: "t", now: at(2.5), rng: &rng) }
        #expect(throws: GossipError.messageTooLarge) {
            try r.publish([UInt8](repeating: 0, count: GossipLimits.maxMessageSize + 1), topic: "t", now: at(3), rng: &rng)
        }
    }

    /// Property: random streams of messages and control from many peers never grow any table
    /// past its cap, and unsubscribed/garbage input is dropped with a reason.
    @Test func tablesStayBounded() throws {
        // Eight peers per address under Korium's capped P6 (−90): every peer scores below zero
        // but above graylist, so the whole stream is processed (the default uncapped P6 would
        // graylist them and the seen cache would never fill).
        var parameters = GossipParameters()
        parameters.scoring?.ipColocationFactorWeight = -10
        parameters.scoring?.maxIPColocationPenalty = 90
        var r = GossipRouter(key: testKey(1), parameters: parameters, verifier: AlwaysValid(), validator: AcceptAllValidator())
        var rng = TestRNG(3)
        try r.subscribe("t", now: .zero, rng: &rng)
        let peers = (0..<40).map { GossipPeerID(UInt64($0), 1, 2, 3) }
        for (i, p) in peers.enumerated() { r.addPeer(p, outbound: i % 2 == 0, address: UInt64(i % 5), now: .zero) }
        var maxSeen = 0, maxIDW = 0, maxPromises = 0
        for step in 0..<3_000 {
            let now = at(Double(step) * 0.05)
            let p = peers[Int(rng.next() % 40)]
            var rpc = GossipRPC()
            for k in 0..<8 {
                let src = GossipPeerID(rng.next() % 20_000, 0, 0, 0)
                rpc.messages.append(GossipMessage(source: src, seqno: rng.next() % 1_000, topic: k == 0 ? "x" : "t",
                                                  data: [UInt8(k)], signature: [UInt8](repeating: 0, count: 64)))
            }
            rpc.control.idontwant = (0..<20).map { _ in GossipMessageID(source: GossipPeerID(rng.next(), 0, 0, 0), seqno: rng.next()) }
            rpc.control.ihave = [GossipIHave(topic: "t", messageIDs: (0..<30).map { _ in
                GossipMessageID(source: GossipPeerID(rng.next(), 0, 0, 0), seqno: rng.next()) })]
            rpc.subscriptions = (0..<3).map { _ in GossipSubscription(subscribe: true, topic: "s\(rng.next() % 2_000)") }
            if p.w0 < 10, step % 7 == 0 { rpc.control.graft = ["t"] }
            if p.w0 < 10, step % 11 == 0 { rpc.control.prune = [GossipPrune(topic: "t", backoffSeconds: 1)] }
            r.handleRPC(rpc, from: p, now: now, rng: &rng)
            if step % 20 == 0 { r.handleHeartbeat(now: now, rng: &rng) }
            _ = r.pollTransmitAll()
            while r.pollEvent() != nil {}
            let s = r.tableSizes
            maxSeen = max(maxSeen, s["seen"]!)
            maxIDW = max(maxIDW, s["idontwant"]!)
            maxPromises = max(maxPromises, s["promises"]!)
            #expect(s["seen"]! <= GossipLimits.messageCacheSize)
            #expect(s["seenOrder"]! <= 2 * GossipLimits.messageCacheSize + 256)
            #expect(s["mcache"]! <= GossipLimits.messageCacheSize)
            #expect(s["seqnoSources"]! <= GossipLimits.maxSeqnoSources)
            #expect(s["topics"]! <= GossipLimits.maxTopics)
            #expect(s["idontwant"]! <= 40 * GossipLimits.maxIDontWantPerPeer)
            #expect(s["promises"]! <= GossipLimits.maxGlobalPendingIWants)
            #expect(s["backoff"]! <= GossipLimits.maxBackoffEntries)
            #expect(s["events"]! == 0 && s["outbox"]! == 0)
        }
        #expect(maxSeen == GossipLimits.messageCacheSize)   // the cap was reached and held
        #expect(maxIDW > 0 && maxPromises > 0)
        #expect(r.drops[.notSubscribed] > 0)
        #expect(r.drops[.tooManySubscriptionsPerPeer] > 0)
    }
}

struct AlwaysValid: GossipSignatureVerifier {
    func isValid(_ message: GossipMessage) -> Bool { true }
}

extension GossipRouter {
    mutating func pollTransmitAll() -> [(peer: GossipPeerID, rpc: GossipRPC)] {
        var out: [(peer: GossipPeerID, rpc: GossipRPC)] = []
        while let x = pollTransmit() { out.append(x) }
        return out
    }
}
