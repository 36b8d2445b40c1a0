import Testing
@testable import KoriumDHT

@Suite struct DHTNodeTests {
    @Test func lookupsSucceedOnASmallNetwork() {
        var net = MiniNet(count: 120)
        net.startAll()
        net.run(for: .seconds(120))
        // Every node can find every other node's exact ID among the k closest.
        var found = 0, total = 0
        var rng = TestRNG(1)
        for _ in 0..<60 {
            let a = Int(rng.next() % 120), b = Int(rng.next() % 120)
            guard a != b else { continue }
            _ = net.takeResults(a)
            net.nodes[a].findNode(net.nodes[b].identity.nodeID, now: net.now)
            net.flush(a)
            net.run(for: .seconds(15))
            total += 1
            if net.takeResults(a).contains(where: { $0.closest.first?.nodeID == net.nodes[b].identity.nodeID }) { found += 1 }
        }
        #expect(found == total)
        #expect(net.nodes.allSatisfy { $0.routing.count > 10 })
    }

    @Test func putThenGetFromAnotherNodeAndRejectionReachesTheRequester() {
        var net = MiniNet(count: 60)
        net.startAll()
        net.run(for: .seconds(60))
        let record = DHTRecord.content(ContentRecord(value: Array("korium".utf8)))
        var rng = TestRNG(2)
        net.nodes[3].put(record, now: net.now, rng: &rng)
        net.flush(3)
        net.run(for: .seconds(20))
        let stored = net.takeResults(3).first { if case .store = $0.kind { return true } else { return false } }
        #expect(stored?.succeeded == true)
        #expect((stored?.storedCount ?? 0) >= DHTLimits.minK)
        net.nodes[40].findValue(record.key, now: net.now)
        net.flush(40)
        net.run(for: .seconds(20))
        let got = net.takeResults(40).first { $0.kind == .findValue }
        #expect(got?.record == record)
        #expect((got?.hops ?? 0) >= 1)
        // An endpoint record older than 24 h: every target refuses it, and says why.
        let stale = DHTRecord.endpoint(EndpointRecord(signing: [address(5)], at: net.now, with: net.nodes[5].identity))
        net.nodes[5].findNode(stale.key, now: net.now) // warm the route
        net.flush(5)
        net.run(for: .seconds(10))
        let target = net.nodes[6].contact
        _ = net.takeResults(6)
        net.nodes[5].ping(target, now: net.now)
        net.flush(5)
        net.run(for: .seconds(5))
        var saw: [StoreRejection] = []
        // Send a STORE directly with a TTL above 24 h: typed rejection comes back.
        let lid = net.nodes[7].startLookup(.store(record, ttlSeconds: 90_000), target: record.key, now: net.now)
        #expect(lid != nil)
        net.flush(7)
        net.run(for: .seconds(20))
        for r in net.takeResults(7) { saw += r.rejections.map(\.1) }
        #expect(!saw.isEmpty && saw.allSatisfy { $0 == .ttlOutOfRange })
    }

    @Test func endpointRecordsArePublishedResolvedAndSuperseded() {
        var net = MiniNet(count: 40)
        net.startAll()
        net.run(for: .seconds(60))
        var rng = TestRNG(12)
        let me = net.nodes[2].identity.nodeID
        net.nodes[2].publishEndpoint([address(2, port: 1)], now: net.now, rng: &rng)
        net.flush(2)
        net.run(for: .seconds(20))
        net.nodes[2].publishEndpoint([address(2, port: 2), .ipv6(1, 2, port: 3)], now: net.now, rng: &rng)
        net.flush(2)
        net.run(for: .seconds(20))
        _ = net.takeResults(30)
        net.nodes[30].resolve(me, now: net.now)
        net.flush(30)
        net.run(for: .seconds(10))
        let found = net.takeResults(30).compactMap(\.record).first
        guard case .endpoint(let e) = found else { Issue.record("no endpoint record"); return }
        #expect(e.addresses == [address(2, port: 2), .ipv6(1, 2, port: 3)])
        #expect(e.key == me)
    }

    @Test func contactsWithoutProofOfWorkNeverEnterTheTable() {
        var net = MiniNet(count: 10)
        net.startAll()
        net.run(for: .seconds(30))
        // A node with an unsolved identity talks to node 0.
        var rng = TestRNG(3)
        let weak = (try? DHTIdentity.generate(difficulty: 0, using: &rng)) ?? makeIdentity(999)
        var c = weak.contact(address: address(77))
        if c.hasValidProofOfWork(difficulty: testDifficulty) { c.powNonce &+= 1 }
        guard !c.hasValidProofOfWork(difficulty: testDifficulty) else { return }
        let before = net.nodes[0].rejectedProofOfWork
        net.nodes[0].handle(DHTMessage(requestID: 5, sender: c, body: .ping), from: c.address, now: net.now, rng: &rng)
        #expect(!net.nodes[0].routing.contains(c.nodeID))
        #expect(net.nodes[0].rejectedProofOfWork == before + 1)
        // It is still answered (PING works), it just is not routed to.
        #expect(net.nodes[0].pollTransmit()?.message.body == .pong)
    }

    @Test func perIPCapAndInsertionRateLimits() {
        var node = DHTNode(identity: makeIdentity(600), address: address(600), config: testConfig())
        var rng = TestRNG(4)
        node.start(bootstrap: [], now: t0, rng: &rng)
        let sharedIP = DHTAddress.ipv4(0x0c00_0001, port: 1)
        for i in 0..<20 {
            let c = makeIdentity(UInt64(700 + i)).contact(address: .ipv4(0x0c00_0001, port: UInt16(1000 + i)))
            node.handle(DHTMessage(requestID: UInt64(i), sender: c, body: .ping), from: c.address, now: t0, rng: &rng)
        }
        #expect(node.routing.contactsSharingIP(sharedIP) == DHTLimits.directPeerPerIPLimit)
        #expect(node.rateLimitedInsertions == 20 - DHTLimits.directPeerPerIPLimit)
    }

    @Test func responsesFromTheWrongPeerOrUnknownRequestsAreIgnored() {
        var net = MiniNet(count: 5)
        net.startAll()
        net.run(for: .seconds(10))
        var rng = TestRNG(5)
        let intruder = net.nodes[4].contact
        let pending = net.nodes[0].pendingRequests
        net.nodes[0].handle(DHTMessage(requestID: 12345, sender: intruder, body: .nodes([])), from: intruder.address,
                            now: net.now, rng: &rng)
        #expect(net.nodes[0].pendingRequests == pending)
        #expect(net.nodes[0].pollTransmit() == nil)
    }

    @Test func pingBeforeEvictKeepsLiveContactsAndReplacesDeadOnes() {
        var node = DHTNode(identity: makeIdentity(800), address: address(800), config: testConfig())
        var rng = TestRNG(6)
        node.start(bootstrap: [], now: t0, rng: &rng)
        while node.pollTransmit() != nil {}
        // Fill bucket 255 beyond k (20 before the window has data).
        var far: [Contact] = []
        var s: UInt64 = 900
        while far.count < DHTLimits.defaultK + 1 {
            let id = makeIdentity(s); s += 1
            if node.identity.nodeID.bucketIndex(of: id.nodeID) == 255 { far.append(id.contact(address: address(Int(s)))) }
        }
        for c in far { node.handle(DHTMessage(requestID: 1, sender: c, body: .ping), from: c.address, now: t0, rng: &rng) }
        var probe: DHTTransmit?
        while let tx = node.pollTransmit() { if tx.message.body == .ping { probe = tx } }
        #expect(probe?.destination.nodeID == far[0].nodeID)
        // No answer within PER_QUERY_TIMEOUT: the oldest goes, the newcomer takes its place.
        node.handleTimeout(now: t0 + DHTLimits.perQueryTimeout, rng: &rng)
        #expect(!node.routing.contains(far[0].nodeID))
        #expect(node.routing.contains(far[DHTLimits.defaultK].nodeID))
    }
}

@Suite struct StorageFloodTests {
    /// A peer floods one node with STOREs: it gets typed rejections back (rate limit, then
    /// quotas), never more than its quota is kept, and the honest values stay retrievable.
    @Test func floodingPeerIsStoppedByQuotasAndHonestValuesSurvive() {
        var net = MiniNet(count: 30)
        net.startAll()
        net.run(for: .seconds(60))
        var rng = TestRNG(9)
        let honest = (0..<10).map { DHTRecord.content(ContentRecord(value: Array("honest \($0)".utf8))) }
        for (i, r) in honest.enumerated() {
            net.nodes[1 + i].put(r, now: net.now, rng: &rng)
            net.flush(1 + i)
        }
        net.run(for: .seconds(20))
        let victim = 0
        let before = net.nodes[victim].store.count
        let flooder = makeIdentity(4242).contact(address: address(4242))
        var replies: [StoreRejection?] = []
        for i in 0..<600 {
            net.now = net.now + .milliseconds(200) // 5 stores per second for two minutes
            let value = DHTRecord.content(ContentRecord(value: Array(repeating: UInt8(i & 0xff), count: 9_000) + [UInt8(i >> 8)]))
            let msg = DHTMessage(requestID: UInt64(i), sender: flooder, body: .store(value, ttlSeconds: 3600))
            net.nodes[victim].handle(msg, from: flooder.address, now: net.now, rng: &rng)
            while let tx = net.nodes[victim].pollTransmit() {
                if tx.destination.nodeID == flooder.nodeID, case .storeResult(let r) = tx.message.body { replies.append(r) }
            }
        }
        #expect(replies.count == 600) // every STORE is answered, none silently dropped
        let accepted = replies.filter { $0 == nil }.count
        let reasons = Set(replies.compactMap { $0 })
        #expect(accepted <= DHTLimits.perPeerEntryLimit)
        #expect(reasons.contains(.rateLimited))
        #expect(reasons.contains(.peerByteQuotaExceeded) || reasons.contains(.peerEntryQuotaExceeded))
        let usage = net.nodes[victim].store.usage(of: flooder.nodeID)
        #expect(usage.bytes <= DHTLimits.perPeerStorageQuota && usage.entries <= DHTLimits.perPeerEntryLimit)
        #expect(net.nodes[victim].store.evictions == 0)
        #expect(net.nodes[victim].store.count >= before)
        // Every honest value is still found from another node.
        for r in honest {
            net.nodes[20].findValue(r.key, now: net.now)
            net.flush(20)
            net.run(for: .seconds(10))
            #expect(net.takeResults(20).contains { $0.record == r })
        }
    }
}
