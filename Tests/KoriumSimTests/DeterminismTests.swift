import Testing
@testable import KoriumSim

@Suite("Determinism")
struct DeterminismTests {
    /// A busy run: 500 flood nodes on a clustered topology with loss, duplication, reordering,
    /// exponential jitter, a bandwidth cap, churn and several broadcasts.
    static func run(seed: UInt64) -> (hash: UInt64, stats: SimStats, trace: [SimTraceEvent]) {
        let n = 500
        let topo = SimTopology.clustered(nodeCount: n, seed: seed)
        let link = SimLinkProfile(loss: 0.02, duplicate: 0.01, reorder: 0.02, jitter: .exponential(mean: .milliseconds(3)),
                                  bandwidthBitsPerSecond: 10_000_000)
        let sim = Simulation<FloodNode>(topology: topo, seed: seed, link: link)
        let metrics = FloodNode.Metrics(sim.metrics)
        let graph = FloodNode.randomGraph(nodeCount: n, extraLinksPerNode: 3, seed: seed)
        for i in 0..<n { sim.addNode(FloodNode(neighbors: graph[i], metrics: metrics)) }
        var trace = [SimTraceEvent]()
        sim.traceObserver = { trace.append($0) }
        sim.startChurn(SimChurn(departuresPerHour: 20, meanDowntime: .seconds(30)))
        for k in 0..<5 {
            sim.schedule(at: SimInstant.zero + .seconds(Int64(k))) { s in
                s.perform(on: SimNodeID(index: k * 7)) { node, ctx in node.broadcast(payload: [1, 2, 3], context: &ctx) }
            }
        }
        sim.run(until: SimInstant.zero + .seconds(10))
        return (sim.traceHash, sim.stats, trace)
    }

    @Test func sameSeedSameTraceDifferentSeedDifferentTrace() {
        let a = Self.run(seed: 1)
        let b = Self.run(seed: 1)
        let c = Self.run(seed: 2)
        #expect(a.stats.events > 10_000)
        #expect(a.stats.droppedLoss > 0 && a.stats.duplicated > 0 && a.stats.crashes + a.stats.leaves > 0)
        #expect(a.hash == b.hash)
        #expect(a.stats == b.stats)
        #expect(a.trace == b.trace)
        #expect(a.hash != c.hash)
        #expect(a.trace != c.trace)
    }

    /// Ties in time are broken by insertion order: three timers at one instant fire in the order set.
    @Test func equalTimesKeepInsertionOrder() {
        struct Order: SimNode {
            typealias Message = [UInt8]
            var fired: [UInt64] = []
            mutating func handleStart(context: inout SimContext<[UInt8]>) {
                for t: UInt64 in [5, 3, 9, 1] { context.setTimer(after: .milliseconds(1), token: t) }
            }
            mutating func handleTimer(_ token: UInt64, context: inout SimContext<[UInt8]>) { fired.append(token) }
            mutating func handleMessage(_ m: [UInt8], from: SimNodeID, context: inout SimContext<[UInt8]>) {}
        }
        let sim = Simulation<Order>(topology: .uniform(nodeCount: 1), seed: 0)
        sim.addNode(Order())
        sim.runUntilQuiescent()
        #expect(sim[SimNodeID(0)].fired == [5, 3, 9, 1])
    }

    @Test func eventQueueOrdersByTimeThenSequence() {
        var q = SimEventQueue()
        var r = SimRandom(seed: 4)
        var expected = [(Int64, UInt64)]()
        for i in 0..<5_000 {
            let t = Int64(r.nextInt(below: 100))
            q.push(time: t, kind: .timer, target: 0, payload: UInt64(i))
            expected.append((t, UInt64(i)))
        }
        expected.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var got = [(Int64, UInt64)]()
        while let e = q.pop() { got.append((e.time, e.payload)) }
        #expect(got.map(\.0) == expected.map(\.0))
        #expect(got.map(\.1) == expected.map(\.1))
        #expect(MemoryLayout<SimEvent>.stride == 40)
    }
}
