import KoriumGossip
import KoriumGossipSim
import KoriumSim
import Testing

/// Issue 7 acceptance checks at small sizes (full sizes: `korium sim gossip`, BENCHMARKS.md).
@Suite struct GossipSimulationTests {
    @Test func fullDeliveryWithoutLoss() {
        var e = GossipExperiment()
        e.nodes = 150
        e.messages = 40
        e.drain = 20
        let r = e.run()
        #expect(r.expected > 0)
        #expect(r.delivered == r.expected, "delivered \(r.delivered)/\(r.expected)")
        #expect(r.latency.p99 < 2_000_000_000)
        #expect(r.drops[.invalidSignature] == 0)
        print(r.drops.counts, r.duplicatesPerDelivery, r.bytesPerDelivery, r.latency.p50, r.latency.p99, r.tableSizes)
    }

    /// Regression (adapter defect fixed in 0783e3b): the router's first RPC leaves with the
    /// connection's `hello` and the link's jitter delivers it first about half of the time; it
    /// must be held until the `hello` arrives, not refused. Each of 100 nodes dials 8, so the
    /// mean degree is ≈ 15.4 (16 less the pairs that dialled each other); with the defect ≈ 8.
    /// The sparse graph is what G1² (44 misses in 9.99 M) and the session-2 attack rows ran on.
    @Test func dialledConnectionsSurvive() {
        var e = GossipExperiment()
        e.nodes = 100
        e.messages = 10
        e.drain = 5
        let r = e.run()
        let meanDegree = Double(r.tableSizes["peers"] ?? 0) / Double(e.nodes)
        #expect(meanDegree >= 14, "mean degree \(meanDegree)")
        #expect(r.delivered == r.expected)
    }
}

/// IDONTWANT (v1.2) and the v1.1 evaluation attacks at small scale.
@Suite struct GossipAttackSimulationTests {
    func small(_ attack: GossipAttack?, messages: Int, rate: Double = 5) -> GossipExperiment {
        var e = GossipExperiment()
        e.nodes = 60
        e.dials = 6
        e.messages = messages
        e.rate = rate
        e.drain = 10
        e.attack = attack
        return e
    }

    @Test func idontwantSavesBandwidthFor32KiB() {
        var e = small(nil, messages: 15)
        e.size = 32 * 1024
        e.uplinkBitsPerSecond = 20_000_000
        e.idontwant = false
        let off = e.run()
        e.idontwant = true
        let on = e.run()
        #expect(off.deliveryRatio == 1 && on.deliveryRatio == 1)
        #expect(on.idontwantSent > 0 && on.idontwantSuppressed > 0)
        // Fewer duplicate copies, hence fewer bytes per delivered message.
        #expect(on.duplicatesPerDelivery < off.duplicatesPerDelivery * 0.9, "\(on.duplicatesPerDelivery) vs \(off.duplicatesPerDelivery)")
        #expect(on.bytesPerDelivery < off.bytesPerDelivery * 0.9, "\(on.bytesPerDelivery) vs \(off.bytesPerDelivery)")
    }

    @Test func sybilFloodIsGraylisted() {
        let r = small(.sybilFlood, messages: 320).run()
        #expect(r.deliveryRatio >= 0.99, "\(r.delivered)/\(r.expected)")
        #expect((r.attackerGraylistedAt60s ?? 0) >= 0.95, "median \(r.attackerMedianScoreAt60s ?? .nan)")
        #expect(r.drops[.validationRejected] > 0 && r.drops[.graylisted] > 0)
    }

    @Test func iwantSpamIsGraylisted() {
        let r = small(.iwantSpam, messages: 320).run()
        #expect(r.deliveryRatio >= 0.99, "\(r.delivered)/\(r.expected)")
        #expect((r.attackerGraylistedAt60s ?? 0) >= 0.95, "median \(r.attackerMedianScoreAt60s ?? .nan)")
        #expect(r.drops[.iwantRateLimited] > 0)
    }

    /// Withholders are pruned from every honest mesh that held them and graylisted within 60 s
    /// of the flash (P3 with near-first copies credited within the peer's round trip, P3b with
    /// `w3b = w3`: see `GossipTopicScoreParameters.derived`), and honest delivery is untouched.
    @Test func covertFlashIsGraylisted() {
        var e = small(.covertFlash, messages: 0, rate: 10)
        e.messages = Int((e.attackStart + 62 - e.warmup) * e.rate)
        let r = e.run()
        #expect(r.deliveryRatio == 1, "\(r.delivered)/\(r.expected)")
        let start = r.timeline.first
        let at60 = r.timeline.first { $0.seconds >= 60 }
        #expect(start?.inMesh == 1, "the judged links are the meshes holding a Sybil at the flash")
        // A mesh that pruned its Sybil earlier for oversubscription (no deficit) leaves it ≥ 0;
        // the rest are graylisted.
        #expect(at60?.inMesh == 0, "\(String(describing: at60))")
        #expect((r.attackerGraylistedAt60s ?? 0) >= 0.9, "\(String(describing: at60))")
        #expect((r.attackerMedianScoreAt60s ?? 0) < -100)
    }

    /// Many Sybils behind one IP (P6): with the default (uncapped v1.1 formula, weight −15) a
    /// node holding four or more of them graylists them at once; with Korium's weight −10 and
    /// cap 90 colocation alone puts them below zero (out of the meshes) but never below graylist.
    @Test func colocationIsPenalised() {
        var e = small(.colocation, messages: 320)
        e.attackerFraction = 0.2
        let uncapped = e.run()
        #expect(uncapped.deliveryRatio >= 0.99, "\(uncapped.delivered)/\(uncapped.expected)")
        #expect((uncapped.attackerGraylistedAt60s ?? 0) >= 0.95, "median \(uncapped.attackerMedianScoreAt60s ?? .nan)")
        e.colocationWeight = -10
        e.colocationPenaltyCap = 90
        let korium = e.run()
        #expect(korium.deliveryRatio >= 0.99, "\(korium.delivered)/\(korium.expected)")
        #expect((korium.attackerMedianScoreAt60s ?? 0) < -50)
        #expect(korium.attackerGraylistedAt60s == 0)
    }

    @Test func eclipseTargetStillReceives() {
        let r = small(.eclipse, messages: 150).run()
        #expect(r.deliveryRatio >= 0.99, "\(r.delivered)/\(r.expected)")
        #expect(r.targetDelivery >= 0.99)
    }

    @Test func pxSelfPromotionIsIgnored() {
        let r = small(.pxSelfPromotion, messages: 150).run()
        #expect(r.deliveryRatio >= 0.99, "\(r.delivered)/\(r.expected)")
        #expect(r.drops[.pxIgnored] > 0)
    }
}

@Suite struct GossipSteadyTrafficTests {
    /// With P3/P3b active (after the activation time) an honest network keeps its meshes:
    /// no honest peer is graylisted and every message arrives.
    @Test func honestMeshSurvivesP3() {
        var e = GossipExperiment()
        e.nodes = 60
        e.dials = 6
        e.rate = 10
        e.messages = 900
        e.drain = 5
        let r = e.run()
        #expect(r.deliveryRatio == 1, "\(r.delivered)/\(r.expected)")
        // Honest mesh peers are credited for the copies they forward within their round trip,
        // so none falls below the P3 threshold and none is graylisted.
        #expect(r.drops[.graylisted] == 0, "\(r.drops.counts)")
        print("steady", r.drops.counts, r.duplicatesPerDelivery)
    }
}

@Suite struct GossipDeliveryDenominatorTests {
    /// The delivery denominator counts a node for a message only if it was up from the
    /// publication until the window's end. Regression: a node that left inside the window and
    /// was still away at the end of the run used to be counted (only its latest offline sample,
    /// after the window, was kept), so churn runs charged it every later message as a miss.
    @Test func nodesAwayDuringTheWindowAreNotExpected() {
        let world = GossipSimWorld(nodeCount: 4, seed: 1)
        let second: Int64 = 1_000_000_000
        for n in 0..<4 { world.startedAt[n] = 0 }
        _ = world.registerPublication(origin: 0, time: 10 * second)
        // Node 1 leaves at 20 s and never returns (samples every second until 100 s).
        for t in stride(from: 20 * second, through: 100 * second, by: Int(second)) { world.recordOffline(1, at: t, period: second) }
        // Node 2 was away at 5 s only and is back (restarted) at 6 s, before the publication.
        world.recordOffline(2, at: 5 * second, period: second)
        world.startedAt[2] = 6 * second
        // Node 3 restarts inside the window: its new session began after the publication.
        world.recordOffline(3, at: 30 * second, period: second)
        world.startedAt[3] = 31 * second
        let r = world.deliveryRatio(window: .seconds(60), latest: 10 * second)
        #expect(r.expected == 1 && r.delivered == 0, "\(r)")   // node 2 only
        #expect(world.wasOffline(1, from: 10 * second, to: 70 * second))
        #expect(!world.wasOffline(2, from: 10 * second, to: 70 * second))
        #expect(world.offlineSpans[1].count == 1)
    }
}
