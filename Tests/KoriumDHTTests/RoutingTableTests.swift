import Testing
@testable import KoriumDHT

@Suite struct RoutingTableTests {
    /// Contacts whose IDs fall in bucket 255 relative to `local`.
    func farContacts(_ local: NodeID, count: Int, seedBase: UInt64) -> [Contact] {
        var out: [Contact] = []
        var s = seedBase
        while out.count < count {
            let id = makeIdentity(s, difficulty: 0)
            s += 1
            if local.bucketIndex(of: id.nodeID) == 255 { out.append(id.contact(address: address(out.count + 1))) }
        }
        return out
    }

    @Test func fullBucketPingsOldestBeforeEvicting() {
        let local = makeIdentity(500, difficulty: 0).nodeID
        var table = RoutingTable(localID: local)
        let cs = farContacts(local, count: 13, seedBase: 1000)
        for c in cs.prefix(10) { #expect(table.insert(c, now: t0, k: 10) == .added) }
        // The 11th: bucket full, oldest (cs[0]) must be pinged; the newcomer waits.
        #expect(table.insert(cs[10], now: t0, k: 10) == .pingBeforeEvict(cs[0]))
        #expect(table.insert(cs[11], now: t0, k: 10) == .cached)
        #expect(table.bucket(255).replacements.map(\.nodeID) == [cs[10].nodeID, cs[11].nodeID])
        // The oldest answers: it stays (now most recent), nobody is evicted.
        table.probeAnswered(cs[0].nodeID, now: t0 + .seconds(1))
        #expect(table.bucket(255).entries.last?.contact.nodeID == cs[0].nodeID)
        #expect(table.count == 10)
        // Next probe targets the new oldest (cs[1]); it times out: evicted, newest replacement in.
        #expect(table.insert(cs[12], now: t0, k: 10) == .pingBeforeEvict(cs[1]))
        table.probeFailed(cs[1].nodeID)
        #expect(!table.contains(cs[1].nodeID))
        #expect(table.contains(cs[12].nodeID))
        #expect(table.count == 10)
    }

    @Test func repeatedFailuresSwapInReplacementsOrDrop() {
        let local = makeIdentity(501, difficulty: 0).nodeID
        var table = RoutingTable(localID: local)
        let cs = farContacts(local, count: 4, seedBase: 2000)
        _ = table.insert(cs[0], now: t0, k: 2)
        _ = table.insert(cs[1], now: t0, k: 2)
        _ = table.insert(cs[2], now: t0, k: 2) // replacement + probe of cs[0]
        let firstMiss = table.markFailed(cs[1].nodeID)
        let secondMiss = table.markFailed(cs[1].nodeID) // second miss with a replacement waiting
        #expect(!firstMiss && secondMiss)
        #expect(table.contains(cs[2].nodeID))
        // Without replacements a contact survives until failuresBeforeDrop.
        for i in 1..<Int(DHTLimits.failuresBeforeDrop) {
            let removed = table.markFailed(cs[2].nodeID)
            #expect(!removed, "miss \(i)")
        }
        let dropped = table.markFailed(cs[2].nodeID)
        #expect(dropped)
    }

    @Test func closestMatchesBruteForce() {
        var rng = TestRNG(8)
        let local = NodeID.random(using: &rng)
        var table = RoutingTable(localID: local)
        var all: [Contact] = []
        for i in 0..<400 {
            let id = makeIdentity(UInt64(3000 + i), difficulty: 0)
            let c = id.contact(address: address(i))
            if table.insert(c, now: t0, k: 20) == .added { all.append(c) }
        }
        for _ in 0..<30 {
            let target = NodeID.random(using: &rng)
            let expected = all.sorted { $0.nodeID.distance(to: target) < $1.nodeID.distance(to: target) }.prefix(20)
            #expect(table.closest(to: target, count: 20).map(\.nodeID) == expected.map(\.nodeID))
        }
        let target = all[5].nodeID
        #expect(!table.closest(to: target, count: 20, excluding: target).contains { $0.nodeID == target })
    }

    @Test func perIPCountTracksInsertAndEvict() {
        let local = makeIdentity(502, difficulty: 0).nodeID
        var table = RoutingTable(localID: local)
        let cs = farContacts(local, count: 3, seedBase: 4000).map { c -> Contact in
            var c = c; c.address = .ipv4(0x0b00_0001, port: UInt16(truncatingIfNeeded: c.nodeID.raw.w0)); return c
        }
        for c in cs { _ = table.insert(c, now: t0, k: 20) }
        #expect(table.contactsSharingIP(.ipv4(0x0b00_0001, port: 1)) == 3)
        for _ in 0..<Int(DHTLimits.failuresBeforeDrop) { table.markFailed(cs[0].nodeID) }
        #expect(table.contactsSharingIP(.ipv4(0x0b00_0001, port: 1)) == 2)
    }
}

@Suite struct AdaptiveParameterTests {
    @Test func formulasFromTheConstantsFile() {
        #expect(DHTLimits.adaptiveK(failureRate: 0) == 10)
        #expect(DHTLimits.adaptiveK(failureRate: 0.5) == 20)
        #expect(DHTLimits.adaptiveK(failureRate: 1) == 30)
        #expect(DHTLimits.adaptiveK(failureRate: 0.26) == 15) // 10 + round(5.2)
        #expect(DHTLimits.adaptiveAlpha(failureRate: 0) == 2)
        #expect(DHTLimits.adaptiveAlpha(failureRate: 0.5) == 4) // 2 + round(1.5) (ties away from zero)
        #expect(DHTLimits.adaptiveAlpha(failureRate: 1) == 5)
        #expect(DHTLimits.adaptiveK(failureRate: .nan) == 10)
        #expect(DHTLimits.adaptiveK(failureRate: 7) == 30)
    }

    @Test func windowRisesWithFailuresAndFallsBack() {
        var a = AdaptiveParameters()
        #expect(a.k == DHTLimits.defaultK && a.alpha == DHTLimits.defaultAlpha)
        for _ in 0..<100 { a.record(success: true, now: t0) }
        #expect(a.k == 10 && a.alpha == 2)
        for _ in 0..<60 { a.record(success: false, now: t0) }
        #expect(a.failureRate == 0.6)
        #expect(a.k == 22 && a.alpha == 4)
        for _ in 0..<100 { a.record(success: true, now: t0) }
        #expect(a.failureRate == 0 && a.k == 10 && a.alpha == 2)
        // Failures age out: a quiet node returns to the no-failure values.
        for _ in 0..<50 { a.record(success: false, now: t0 + .seconds(1)) }
        #expect(a.k == 20)
        a.expire(now: t0 + .seconds(1) + DHTLimits.outcomeMaxAge + .seconds(1))
        #expect(a.sampleCount == 0 && a.k == 10 && a.alpha == 2)
    }
}

@Suite struct LatencyTieringTests {
    @Test func kmeansSeparatesNearAndFarPrefixes() {
        var t = LatencyTiering()
        for p in 0..<20 {
            for s in 0..<5 {
                t.recordRTT(.milliseconds(Int64(5 + s)), to: .ipv4(UInt32(p) << 16, port: 1))
                t.recordRTT(.milliseconds(Int64(200 + 3 * s)), to: .ipv4(UInt32(100 + p) << 16, port: 1))
            }
        }
        t.recompute(now: t0)
        #expect(t.tierCount >= 2 && t.tierCount <= DHTLimits.maxLatencyTiers)
        let near = t.tier(of: .ipv4(3 << 16 | 77, port: 9))
        let far = t.tier(of: .ipv4(103 << 16, port: 9))
        #expect(near == 0)
        #expect(far > near)
        #expect(t.tier(of: .ipv4(999 << 16, port: 1)) == t.tierCount / 2) // unknown: middle tier
    }

    @Test func oneClusterWhenAllPrefixesAreAlike() {
        var t = LatencyTiering()
        for p in 0..<30 { t.recordRTT(.milliseconds(50), to: .ipv4(UInt32(p) << 16, port: 1)) }
        t.recompute(now: t0)
        #expect(t.tierCount == 1)
    }

    @Test func prefixTableIsLRUCapped() {
        var t = LatencyTiering()
        for p in 0..<(DHTLimits.maxTieringTrackedPrefixes + 50) {
            t.recordRTT(.milliseconds(10), to: .ipv6(UInt64(p) << 32, 0, port: 1))
        }
        #expect(t.trackedPrefixes == DHTLimits.maxTieringTrackedPrefixes)
        #expect(t.smoothedRTT(of: .ipv6(0, 0, port: 1)) == nil) // the oldest prefix went first
    }

    @Test func samplesPerPrefixAreBoundedAndSmoothed() {
        var t = LatencyTiering()
        for _ in 0..<100 { t.recordRTT(.milliseconds(10), to: address(1)) }
        for _ in 0..<40 { t.recordRTT(.milliseconds(30), to: address(1)) }
        let rtt = t.smoothedRTT(of: address(1))?.nanoseconds ?? 0
        #expect(rtt > 29_000_000 && rtt <= 30_000_000)
        #expect(t.sampleCount(of: address(1)) == DHTLimits.maxRTTSamplesPerPrefix)
        #expect(t.sampleCount(of: .ipv6(0x2001_0db8 << 32, 1, port: 1)) == 0)
    }
}
