import Testing
@testable import KoriumSim

@Suite("Churn, scripts and adversaries")
struct ChurnTests {
    /// 2,000 nodes, 50 %/hour departures, no rejoin, 1 h: expected departures
    /// 2,000·(1 − e^−0.5) = 787 (σ ≈ 22) — accepted within ±90; about half are crashes (±80).
    @Test func departureRateMatchesTarget() {
        let sim = Simulation<TickNode>(topology: .uniform(nodeCount: 2_000), seed: 8)
        for _ in 0..<2_000 { sim.addNode(TickNode(period: .seconds(600))) }
        sim.startChurn(SimChurn(departuresPerHour: 0.5, crashFraction: 0.5, rejoin: false))
        sim.run(until: SimInstant.zero + .hours(1))
        let departed = sim.stats.leaves + sim.stats.crashes
        #expect(abs(departed - 787) <= 90, "departed \(departed)")
        #expect(abs(sim.stats.crashes - departed / 2) <= 80)
        #expect(sim.onlineCount == 2_000 - departed)
    }

    /// Regression (found by the DHT experiments): churn started after the nodes had already
    /// started scheduled no departures, because starting a node never marked it started.
    /// Same process as above, begun at t = 10 min: 2,000·(1 − e^−0.5·(50/60)) = 681 (σ ≈ 21).
    @Test func churnStartedAfterNodesStartSchedulesDepartures() {
        let sim = Simulation<TickNode>(topology: .uniform(nodeCount: 2_000), seed: 8)
        for _ in 0..<2_000 { sim.addNode(TickNode(period: .seconds(600))) }
        sim.run(until: SimInstant.zero + .minutes(10))
        #expect(sim.onlineCount == 2_000)
        sim.startChurn(SimChurn(departuresPerHour: 0.5, crashFraction: 0.5, rejoin: false))
        sim.run(until: SimInstant.zero + .hours(1))
        let departed = sim.stats.leaves + sim.stats.crashes
        #expect(abs(departed - 681) <= 90, "departed \(departed)")
    }

    /// With rejoin: session mean 1 h, downtime mean 20 min ⇒ 75 % online in steady state (±3 pp).
    @Test func steadyStateOnlineFraction() {
        let sim = Simulation<TickNode>(topology: .uniform(nodeCount: 2_000), seed: 9)
        for _ in 0..<2_000 { sim.addNode(TickNode(period: .seconds(3_600))) }
        sim.startChurn(SimChurn(departuresPerHour: 1, meanDowntime: .minutes(20)))
        var samples = [Double]()
        sim.run(until: SimInstant.zero + .hours(6), every: .minutes(30)) { s in
            if s.now >= SimInstant.zero + .hours(3) { samples.append(Double(s.onlineCount) / 2_000) }
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 0.75) <= 0.03, "online fraction \(mean)")
        #expect(sim.stats.joins > 2_000)
        sim.stopChurn()
        sim.run(until: sim.now + .hours(10))
        #expect(sim.onlineCount == 2_000)  // every pending rejoin happened, no new departures
    }

    /// A crash kills the node's timers; a rejoin starts a fresh core from the factory.
    @Test func crashDiscardsTimersAndRejoinUsesFactory() {
        let sim = Simulation<TickNode>(topology: .uniform(nodeCount: 1), seed: 1)
        sim.addNode(TickNode())
        sim.rejoinFactory = { _ in TickNode(starts: 100) }
        sim.schedule(at: SimInstant.zero + .milliseconds(3_500), .crash([SimNodeID(0)]))
        sim.schedule(at: SimInstant.zero + .seconds(10), .join([SimNodeID(0)]))
        sim.run(until: SimInstant.zero + .milliseconds(12_500))
        let node = sim[SimNodeID(0)]
        #expect(node.starts == 101)
        #expect(sim.onlineSince(SimNodeID(0)) == SimInstant.zero + .seconds(10))
        #expect(node.ticks == 2)  // fresh core: ticks at 11 s and 12 s
        #expect(sim.stats.timersDiscarded == 1)
        #expect(sim.stats.crashes == 1 && sim.stats.joins == 2)
    }

    /// Graceful leave: `handleStop` runs and its goodbye is delivered; later messages are dropped.
    @Test func gracefulLeaveSendsGoodbye() {
        struct Bye: SimNode {
            typealias Message = [UInt8]
            var got: [[UInt8]] = []
            mutating func handleStop(context: inout SimContext<[UInt8]>) { context.send([0xB7], to: SimNodeID(1)) }
            mutating func handleMessage(_ m: [UInt8], from: SimNodeID, context: inout SimContext<[UInt8]>) {
                got.append(m)
            }
            mutating func handleTimer(_ token: UInt64, context: inout SimContext<[UInt8]>) {}
        }
        let sim = Simulation<Bye>(topology: .uniform(nodeCount: 2, oneWayDelay: .milliseconds(5)), seed: 1)
        sim.addNode(Bye())
        sim.addNode(Bye())
        sim.schedule(at: SimInstant.zero + .seconds(1), .leave([SimNodeID(0)]))
        sim.schedule(at: SimInstant.zero + .seconds(2)) { s in s.inject([1], from: SimNodeID(1), to: SimNodeID(0)) }
        sim.runUntilQuiescent()
        #expect(sim[SimNodeID(1)].got == [[0xB7]])
        #expect(sim[SimNodeID(0)].got.isEmpty)
        #expect(sim.stats.droppedOffline == 1 && sim.stats.leaves == 1)
        #expect(!sim.isOnline(SimNodeID(0)))
        #expect(sim.onlineSince(SimNodeID(0)) == nil)
        #expect(sim.onlineSince(SimNodeID(1)) == .zero)
        #expect(sim.perform(on: SimNodeID(0)) { _, _ in 1 } == nil)
    }

    /// Adversaries replace behaviour: droppers never forward, so a line graph is cut after them;
    /// their metrics are filed under their own class.
    @Test func adversaryStrategyReplacesCore() {
        final class Dropper: SimAdversary {
            typealias Node = FloodNode
            var swallowed = 0
            func handleMessage(_ message: FloodMessage, from source: SimNodeID, core: inout FloodNode,
                               context: inout SimContext<FloodMessage>) {
                swallowed += 1
                context.count(context.metrics.counter("adversary.swallowed"))
            }
        }
        let n = 10
        let sim = Simulation<FloodNode>(topology: .uniform(nodeCount: n), seed: 2)
        let metrics = FloodNode.Metrics(sim.metrics)
        let sybil = sim.metrics.nodeClass("sybil")
        for i in 0..<n {
            // A line: i — i+1.
            let neighbors = [i - 1, i + 1].filter { (0..<n).contains($0) }.map { SimNodeID(index: $0) }
            sim.addNode(FloodNode(neighbors: neighbors, metrics: metrics), nodeClass: i == 5 ? sybil : .default)
        }
        let dropper = Dropper()
        sim.setAdversary(dropper, for: [SimNodeID(5)])
        sim.perform(on: SimNodeID(0)) { node, ctx in node.broadcast(payload: [], context: &ctx) }
        sim.runUntilQuiescent()
        #expect(dropper.swallowed == 1)
        #expect(sim.metrics.value(metrics.delivered) == 4)  // nodes 1…4
        #expect(sim.metrics.value(sim.metrics.counter("adversary.swallowed"), nodeClass: sybil) == 1)
        #expect(sim.metrics.value(sim.metrics.counter("adversary.swallowed"), nodeClass: .default) == 0)
        #expect(sim.isAdversary(SimNodeID(5)))
        sim.removeAdversary(for: SimNodeID(5))
        sim.perform(on: SimNodeID(0)) { node, ctx in node.broadcast(payload: [], context: &ctx) }
        sim.runUntilQuiescent()
        #expect(sim.metrics.value(metrics.delivered) == 4 + 9)
    }

    /// Custom scripted closures run at their virtual time, in order.
    @Test func scriptedClosuresRunOnTime() {
        let sim = Simulation<TickNode>(topology: .uniform(nodeCount: 1), seed: 1)
        sim.addNode(TickNode(period: .seconds(100)))
        var log = [Int64]()
        for ms: Int64 in [300, 100, 200] {
            sim.schedule(at: SimInstant.zero + .milliseconds(ms)) { s in log.append(s.now.nanoseconds / 1_000_000) }
        }
        sim.run(until: SimInstant.zero + .seconds(1))
        #expect(log == [100, 200, 300])
        #expect(sim.now == SimInstant.zero + .seconds(1))
    }
}
