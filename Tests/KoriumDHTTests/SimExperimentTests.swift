import KoriumDHTSim
import KoriumSim
import Testing
@testable import KoriumDHT

/// The acceptance checks at small sizes, on KoriumSim (full sizes: `korium sim dht`,
/// tabled in BENCHMARKS.md).
@Suite(.serialized) struct SimExperimentTests {
    func base(_ n: Int = 200) -> DHTExperimentConfig {
        var c = DHTExperimentConfig()
        c.nodes = n
        c.seed = 7
        c.warmup = .seconds(90)
        c.duration = .seconds(240)
        c.lookups = 150
        c.values = 30
        c.samples = 10
        return c
    }

    @Test func lookupSuccessWithoutChurnIsCompleteAndHopsAreLogarithmic() {
        let r = DHTExperiment(base()).run()
        #expect(r.lookups == 150)
        #expect(r.successes == r.lookups, "success \(r.successRate)")
        #expect(r.storesSucceeded == r.valuesPublished)
        // log2(200)/log2(10) ≈ 2.3: the median lookup needs at most 3 hops, the worst ≤ 6.
        #expect(r.hops.p50 <= 3)
        #expect(r.hops.p99 <= 6)
    }

    @Test func kAndAlphaRiseUnderChurnAndFallBackAfterwards() {
        var c = base()
        c.churnPercentPerHour = 400
        c.meanDowntime = .seconds(300)
        c.churnStop = .seconds(800)
        c.duration = .seconds(1_800)
        c.lookups = 60
        c.samples = 18
        let r = DHTExperiment(c).run()
        let before = r.series.first { $0.time.nanoseconds >= SimDuration.seconds(100).nanoseconds }
        let peak = r.series.filter { $0.time.nanoseconds <= SimDuration.seconds(900).nanoseconds }
        let peakK = peak.map(\.k).max() ?? 0, peakAlpha = peak.map(\.alpha).max() ?? 0
        let after = r.series.last
        #expect(before != nil && after != nil)
        if let before, let after {
            #expect(peakK >= before.k + 2, "k \(before.k) → \(peakK)")
            #expect(peakAlpha >= before.alpha + 0.3, "α \(before.alpha) → \(peakAlpha)")
            #expect(after.k <= before.k + 0.5, "k fell back to \(after.k)")
            #expect(after.alpha <= before.alpha + 0.1, "α fell back to \(after.alpha)")
        }
    }

    @Test func tieringLowersMedianLatencyOnTheClusteredTopology() {
        // 400 nodes: with 200 the median lookup is ~1 hop and there is little to choose from.
        var on = base(400), off = base(400)
        on.tiering = true
        off.tiering = false
        let a = DHTExperiment(on).run(), b = DHTExperiment(off).run()
        #expect(a.successRate == 1 && b.successRate == 1)
        let gain = 1 - Double(a.latency.p50) / Double(max(1, b.latency.p50))
        #expect(gain >= 0.2, "median \(a.latency.p50) ns with tiering vs \(b.latency.p50) ns without")
    }

    @Test func republishedValuesSurviveThirtyPercentDepartures() {
        var c = base()
        // Coarsened timers: republish every 10 min instead of 60 and housekeeping every 2 min,
        // run 85 min instead of 24 h; departures spread over the first hour after publication,
        // lookups in the last 15 min.
        c.departFraction = 0.3
        c.republishInterval = .seconds(600)
        c.housekeepingInterval = .seconds(120)
        c.duration = .seconds(85 * 60)
        c.measureWindow = .seconds(900)
        c.lookups = 150
        c.samples = 4
        let r = DHTExperiment(c).run()
        #expect(r.successRate >= 0.99, "retrievable \(r.successRate)")
        #expect((r.series.last?.online ?? 0) == 140)
    }

    @Test func disjointPathsRecoverLookupsFromSybilsReturningWrongContacts() {
        var plain = base(), disjoint = base()
        plain.sybilFraction = 0.2
        disjoint.sybilFraction = 0.2
        disjoint.disjointPaths = 3
        let a = DHTExperiment(plain).run(), b = DHTExperiment(disjoint).run()
        #expect(a.sybilAttacks > 0)
        #expect(b.successRate > a.successRate, "plain \(a.successRate) disjoint \(b.successRate)")
        #expect(b.successRate >= 0.95)
    }

    @Test func wireSizeIsTheEncodedLength() throws {
        for m in sampleMessages() { #expect(m.wireSize == (try m.wireBytes()).count) }
    }
}
