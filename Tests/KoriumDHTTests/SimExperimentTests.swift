import KoriumDHTSim
import KoriumSim
import Testing
@testable import KoriumDHT

/// The acceptance checks at small sizes, on KoriumSim (full sizes: `korium sim dht`).
@Suite struct SimExperimentTests {
    func base(_ n: Int) -> DHTExperimentConfig {
        var c = DHTExperimentConfig()
        c.nodes = n
        c.seed = 7
        c.warmup = .seconds(180)
        c.duration = .seconds(480)
        c.lookups = 300
        c.values = 100
        return c
    }

    @Test func lookupSuccessWithoutChurnIsComplete() {
        let r = DHTExperiment(base(500)).run()
        #expect(r.lookups == 300)
        #expect(r.successes == r.lookups, "success \(r.successRate)")
        #expect(r.storesSucceeded == r.valuesPublished)
        // log2(500) ≈ 9; iterative Kademlia with k ≥ 10 resolves in far fewer hops.
        #expect(r.hops.p99 <= 6)
    }
}
