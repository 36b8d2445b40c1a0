import KoriumWire
import Testing
@testable import KoriumSim

@Suite("Flooding broadcast")
struct FloodTests {
    /// The acceptance run: 10,000 nodes on the default clustered topology (8 regions, 128 /16
    /// prefixes, RTT 2–10 ms inside a region, 30–300 ms between), 1 ms uniform jitter, a ring plus
    /// 3 random chords per node (mean degree ≈ 8). One broadcast from node 0 reaches every node;
    /// the delivery-time distribution is printed (and recorded in BENCHMARKS.md).
    @Test func reachesAllTenThousandNodes() {
        let n = 10_000
        let seed: UInt64 = 2026
        let topo = SimTopology.clustered(nodeCount: n, seed: seed)
        let sim = Simulation<FloodNode>(
            topology: topo, seed: seed, link: SimLinkProfile(jitter: .uniform(max: .milliseconds(1))))
        let metrics = FloodNode.Metrics(sim.metrics)
        let graph = FloodNode.randomGraph(nodeCount: n, extraLinksPerNode: 3, seed: seed)
        sim.reserveCapacity(n)
        for i in 0..<n { sim.addNode(FloodNode(neighbors: graph[i], metrics: metrics)) }
        sim.run(until: .zero)
        sim.perform(on: SimNodeID(0)) { node, ctx in node.broadcast(payload: [UInt8](repeating: 0xAB, count: 256), context: &ctx) }
        #expect(sim.runUntilQuiescent() == .quiescent)

        let reached = sim.withNodes { nodes in nodes.filter { $0.receivedCount == 1 }.count }
        #expect(reached == n)
        #expect(sim.metrics.value(metrics.delivered) == Int64(n - 1))
        let edges = graph.reduce(0) { $0 + $1.count }
        // Every node forwards once to all neighbours but the sender; the origin to all.
        #expect(sim.stats.messagesSent == edges - (n - 1))
        #expect(sim.stats.messagesDelivered == sim.stats.messagesSent)
        #expect(sim.metrics.value(metrics.duplicates) == Int64(sim.stats.messagesSent - (n - 1)))
        let t = sim.metrics.histogram(metrics.deliveryTime)
        let hops = sim.metrics.histogram(metrics.hops)
        #expect(t.count == UInt64(n - 1))
        #expect(t.p50 > 0 && t.p50 <= t.p90 && t.p90 <= t.p99 && t.p99 <= t.max)
        var table = SimSummaryTable.keyValue()
        table.add("nodes", SimFormat.grouped(n))
        table.add("reached", SimFormat.grouped(reached))
        table.add("messages", SimFormat.grouped(sim.stats.messagesSent))
        table.addLatency("delivery", t)
        table.add("hops p50/p99/max", "\(hops.p50)/\(hops.p99)/\(hops.max)")
        table.add("events", SimFormat.grouped(sim.stats.events))
        print("KoriumSim flood, 10,000 nodes, seed 2026:\n" + table.render())
    }

    /// With 20 % loss a dense graph still reaches (nearly) everyone, and losses are counted.
    @Test func survivesLoss() {
        let n = 1_000
        let sim = Simulation<FloodNode>(topology: .clustered(nodeCount: n, seed: 5), seed: 5,
                                        link: SimLinkProfile(loss: 0.2))
        let metrics = FloodNode.Metrics(sim.metrics)
        let graph = FloodNode.randomGraph(nodeCount: n, extraLinksPerNode: 5, seed: 5)
        for i in 0..<n { sim.addNode(FloodNode(neighbors: graph[i], metrics: metrics)) }
        sim.perform(on: SimNodeID(3)) { node, ctx in node.broadcast(payload: [], context: &ctx) }
        sim.runUntilQuiescent()
        #expect(sim.metrics.value(metrics.delivered) >= Int64(n - 1 - 5))
        #expect(sim.stats.droppedLoss > 0)
    }

    /// The wire size is the length of the KoriumWire encoding, whose layout is checked byte by byte.
    @Test func wireSizeMatchesEncoding() throws {
        for n in [0, 1, 63, 64, 16_383, 16_384, 65_536] {
            let m = FloodMessage(origin: SimNodeID(1), sequence: 2, originatedAt: .zero, hops: 0,
                                 payload: [UInt8](repeating: 0, count: n))
            let prefix = n < 64 ? 1 : (n < 16_384 ? 2 : 4)
            #expect(m.wireSize == 4 + 4 + 8 + 1 + prefix + n)
            #expect(try m.wireBytes().count == m.wireSize)
        }
        let m = FloodMessage(origin: SimNodeID(0x0102_0304), sequence: 5, originatedAt: SimInstant(nanoseconds: 0x1122),
                             hops: 9, payload: [0xAA, 0xBB])
        #expect(try m.wireBytes() == [1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x11, 0x22, 9, 2, 0xAA, 0xBB])
        let big = FloodMessage(origin: SimNodeID(0), sequence: 0, originatedAt: .zero, hops: 0,
                               payload: [UInt8](repeating: 0, count: FloodMessage.maxPayload + 1))
        #expect(throws: WireError.lengthExceedsLimit(length: 65_537, limit: 65_536)) { try big.wireBytes() }
    }

    @Test func randomGraphIsSymmetricAndConnected() {
        let g = FloodNode.randomGraph(nodeCount: 500, extraLinksPerNode: 2, seed: 1)
        for (i, ns) in g.enumerated() {
            #expect(!ns.contains(SimNodeID(index: i)))
            for n in ns { #expect(g[n.index].contains(SimNodeID(index: i))) }
        }
        var seen = Set([0]), frontier = [0]
        while let x = frontier.popLast() {
            for n in g[x] where seen.insert(n.index).inserted { frontier.append(n.index) }
        }
        #expect(seen.count == 500)
    }
}
