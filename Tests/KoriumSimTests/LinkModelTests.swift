import Testing
@testable import KoriumSim

/// Link-model distributions over 100,000 messages each. Tolerances (stated per test) are at
/// least 4 standard deviations of the estimate, so a correct model fails with probability
/// < 1e-4 for a random seed — and the seeds are fixed, so the runs are reproducible anyway.
@Suite("Link model")
struct LinkModelTests {
    static let messages = 100_000

    /// Loss 5 %: measured loss within ±0.3 percentage points (σ = 0.069 pp).
    @Test func lossRate() {
        let (arrivals, stats) = runProbe(total: Self.messages, link: SimLinkProfile(loss: 0.05))
        let measured = 1 - Double(arrivals.count) / Double(Self.messages)
        #expect(abs(measured - 0.05) <= 0.003, "measured loss \(measured)")
        #expect(stats.droppedLoss + arrivals.count == Self.messages)
    }

    /// Duplication 2 %: measured extra copies within ±0.2 pp (σ = 0.044 pp); every sequence
    /// number arrives at least once.
    @Test func duplicationRate() {
        let (arrivals, stats) = runProbe(total: Self.messages, link: SimLinkProfile(duplicate: 0.02))
        let measured = Double(arrivals.count - Self.messages) / Double(Self.messages)
        #expect(abs(measured - 0.02) <= 0.002, "measured duplication \(measured)")
        #expect(Set(arrivals.map(\.sequence)).count == Self.messages)
        #expect(stats.duplicated == arrivals.count - Self.messages)
    }

    /// Reordering 3 % (held back 5 ms, messages 1 ms apart, no jitter): the fraction of messages
    /// arriving after a later-sent one is within ±0.25 pp of 3 % (σ = 0.054 pp).
    @Test func reorderRate() {
        let link = SimLinkProfile(reorder: 0.03, reorderDelay: .milliseconds(5), extraDelay: .milliseconds(20))
        let (arrivals, _) = runProbe(total: Self.messages, link: link)
        #expect(arrivals.count == Self.messages)
        var highest: Int64 = -1
        var late = 0
        for a in arrivals {
            if Int64(a.sequence) < highest { late += 1 } else { highest = Int64(a.sequence) }
        }
        let measured = Double(late) / Double(Self.messages)
        #expect(abs(measured - 0.03) <= 0.0025, "measured reordering \(measured)")
    }

    /// 50 ms base + uniform jitter in [0, 20 ms): mean 60 ms ± 0.2 ms (σ = 0.018 ms); p10, p50,
    /// p90 at 52, 60, 68 ms ± 0.3 ms; never below 50 ms or at/above 70 ms.
    @Test func uniformLatency() {
        let link = SimLinkProfile(extraDelay: .milliseconds(50), jitter: .uniform(max: .milliseconds(20)))
        let (arrivals, _) = runProbe(total: Self.messages, link: link)
        let delays = arrivals.map { ($0.arrivedAt - $0.sentAt).milliseconds }.sorted()
        let mean = delays.reduce(0, +) / Double(delays.count)
        #expect(abs(mean - 60) <= 0.2, "mean \(mean)")
        for (q, want) in [(0.1, 52.0), (0.5, 60.0), (0.9, 68.0)] {
            let got = delays[Int(q * Double(delays.count))]
            #expect(abs(got - want) <= 0.3, "q\(q) = \(got)")
        }
        #expect(delays.first! >= 50 && delays.last! < 70)
    }

    /// 10 ms base + exponential jitter of mean 10 ms: jitter mean 10 ms ± 0.2 ms (σ = 0.032 ms),
    /// median 10·ln 2 = 6.93 ms ± 0.2 ms, p99 10·ln 100 = 46.05 ms ± 1.5 ms.
    @Test func exponentialLatency() {
        let link = SimLinkProfile(extraDelay: .milliseconds(10), jitter: .exponential(mean: .milliseconds(10)))
        let (arrivals, _) = runProbe(total: Self.messages, link: link)
        let jitter = arrivals.map { ($0.arrivedAt - $0.sentAt).milliseconds - 10 }.sorted()
        let mean = jitter.reduce(0, +) / Double(jitter.count)
        #expect(abs(mean - 10) <= 0.2, "mean \(mean)")
        #expect(abs(jitter[jitter.count / 2] - 6.931) <= 0.2)
        #expect(abs(jitter[Int(0.99 * Double(jitter.count))] - 46.05) <= 1.5)
        #expect(jitter.first! >= 0)
    }

    /// 1 Mbit/s uplink, 1,250-byte messages (10 ms each), 100 sent at once into a 32 KiB queue:
    /// the first 26 fit (26 × 1,250 ≤ 32,768 < 27 × 1,250), the rest are tail-dropped, and
    /// arrivals are exactly 10 ms apart.
    @Test func bandwidthAndQueueing() {
        let link = SimLinkProfile(bandwidthBitsPerSecond: 1_000_000, queueCapacityBytes: 32_768)
        // interval 0: all probes are sent within one instant (timers at the same time).
        let (arrivals, stats) = runProbe(total: 100, interval: .zero, padding: 1_238, link: link)
        #expect(arrivals.count == 26)
        #expect(stats.droppedQueue == 74)
        let times = arrivals.map(\.arrivedAt.nanoseconds)
        for (i, t) in times.enumerated() { #expect(t == Int64(i + 1) * 10_000_000) }
    }

    @Test func mtuDropsOversizedMessages() {
        let (arrivals, stats) = runProbe(total: 10, padding: 1_300, link: SimLinkProfile(mtu: 1_200))
        #expect(arrivals.isEmpty)
        #expect(stats.droppedMTU == 10)
        let (ok, _) = runProbe(total: 10, padding: 1_188, link: SimLinkProfile(mtu: 1_200))
        #expect(ok.count == 10)
    }

    /// Clustered topology: same-/16 nodes share a cluster; intra-cluster RTTs lie in the
    /// configured range plus access delays; inter-cluster ones in theirs.
    @Test func clusteredTopologyDelays() {
        var model = SimTopology.Clustered()
        model.clusters = 6
        model.prefixesPerCluster = 4
        let topo = SimTopology.clustered(nodeCount: 3_000, seed: 11, model)
        var prefixCluster = [UInt16: Int]()
        var clustersSeen = Set<Int>()
        for i in 0..<3_000 {
            let id = SimNodeID(index: i)
            let p = topo.address(of: id).prefix16
            let c = topo.cluster(of: id)
            clustersSeen.insert(c)
            if let known = prefixCluster[p] { #expect(known == c) } else { prefixCluster[p] = c }
        }
        #expect(clustersSeen.count == 6)
        #expect(prefixCluster.count == 24)
        #expect(Set((0..<3_000).map { topo.address(of: SimNodeID(index: $0)) }).count == 3_000)
        var r = SimRandom(seed: 1)
        let access = 2 * 2 * model.accessDelay.upperBound.nanoseconds
        for _ in 0..<5_000 {
            let a = SimNodeID(index: r.nextInt(below: 3_000)), b = SimNodeID(index: r.nextInt(below: 3_000))
            let rtt = topo.rtt(a, b).nanoseconds
            #expect(topo.oneWayDelay(from: a, to: b) == topo.oneWayDelay(from: b, to: a))
            let range = topo.cluster(of: a) == topo.cluster(of: b) ? model.intraClusterRTT : model.interClusterRTT
            #expect(rtt >= range.lowerBound.nanoseconds - 2 && rtt <= range.upperBound.nanoseconds + access)
        }
        #expect(topo.address(of: SimNodeID(0)).description.split(separator: ".").count == 4)
        let sybils = [SimNodeID(10), SimNodeID(11)]
        let colocated = topo.colocating(sybils, with: SimNodeID(3))
        #expect(colocated.address(of: SimNodeID(10)) == topo.address(of: SimNodeID(3)))
        #expect(colocated.address(of: SimNodeID(11)) == topo.address(of: SimNodeID(3)))
        #expect(colocated.oneWayDelay(from: SimNodeID(10), to: SimNodeID(4)) == topo.oneWayDelay(from: SimNodeID(3), to: SimNodeID(4)))
        #expect(colocated.address(of: SimNodeID(12)) == topo.address(of: SimNodeID(12)))
    }

    /// Partitions drop messages across groups at send time; healing restores delivery.
    @Test func partitionAndHeal() {
        let sim = Simulation<ProbeNode>(topology: .uniform(nodeCount: 2), seed: 3)
        sim.addNode(ProbeNode(total: 30, interval: .milliseconds(100)))
        sim.addNode(ProbeNode())
        sim.schedule(at: SimInstant.zero + .milliseconds(950), .partition([[SimNodeID(0)], [SimNodeID(1)]]))
        sim.schedule(at: SimInstant.zero + .milliseconds(1950), .heal)
        sim.runUntilQuiescent()
        let got = sim[SimNodeID(1)].arrivals.map(\.sequence)
        #expect(got == Array(0...9) + Array(20...29))
        #expect(sim.stats.droppedPartition == 10)
    }

    /// Node overrides: a lossy sender and a slow receiver; a pair override wins over both.
    @Test func nodeOverrides() {
        let sim = Simulation<ProbeNode>(topology: .uniform(nodeCount: 3), seed: 3)
        for _ in 0..<3 { sim.addNode(ProbeNode()) }
        sim.setLink(SimLinkProfile(loss: 1), from: SimNodeID(2))
        sim.setLink(SimLinkProfile(extraDelay: .milliseconds(40)), to: SimNodeID(1))
        sim.perform(on: SimNodeID(2)) { _, ctx in ctx.send(ProbeMessage(sequence: 1, sentAt: ctx.now), to: SimNodeID(1)) }
        sim.perform(on: SimNodeID(0)) { _, ctx in ctx.send(ProbeMessage(sequence: 2, sentAt: ctx.now), to: SimNodeID(1)) }
        sim.setLink(SimLinkProfile(), from: SimNodeID(2), to: SimNodeID(1))
        sim.perform(on: SimNodeID(2)) { _, ctx in ctx.send(ProbeMessage(sequence: 3, sentAt: ctx.now), to: SimNodeID(1)) }
        sim.runUntilQuiescent()
        let got = sim[SimNodeID(1)].arrivals
        #expect(got.map(\.sequence) == [3, 2])
        #expect(got.map(\.arrivedAt) == [.zero, SimInstant.zero + .milliseconds(40)])
        #expect(sim.stats.droppedLoss == 1)
    }

    /// Per-direction overrides: loss on a→b only.
    @Test func perLinkOverride() {
        let sim = Simulation<ProbeNode>(topology: .uniform(nodeCount: 2), seed: 3)
        sim.addNode(ProbeNode(total: 100))
        sim.addNode(ProbeNode())
        sim.setLink(SimLinkProfile(loss: 1), from: SimNodeID(0), to: SimNodeID(1))
        sim.runUntilQuiescent()
        #expect(sim[SimNodeID(1)].arrivals.isEmpty)
        #expect(sim.stats.droppedLoss == 100)
    }

    /// A core sending to an id that is not in the simulation loses the message (counted), and
    /// the queue cap drops messages, never timers.
    @Test func unknownDestinationAndQueueCap() {
        let sim = Simulation<ProbeNode>(topology: .uniform(nodeCount: 2), seed: 3)
        sim.addNode(ProbeNode(total: 5))
        sim.addNode(ProbeNode())
        sim.perform(on: SimNodeID(0)) { _, ctx in ctx.send(ProbeMessage(sequence: 0, sentAt: ctx.now), to: SimNodeID(77)) }
        #expect(sim.stats.droppedUnknownDestination == 1)
        sim.maxPendingEvents = 1
        sim.runUntilQuiescent()
        // Probes 0…3 are sent while the next probe timer waits (queue at the cap of 1): dropped.
        // Probe 4 sets no further timer, so the queue is empty and it goes through.
        #expect(sim.stats.droppedQueueCap == 4)
        #expect(sim[SimNodeID(0)].sent == 5)
        #expect(sim[SimNodeID(1)].arrivals.map(\.sequence) == [4])
    }
}
