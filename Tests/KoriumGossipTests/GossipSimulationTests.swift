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
}
