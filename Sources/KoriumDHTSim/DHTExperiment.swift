import KoriumDHT
import KoriumSim

/// One DHT experiment on KoriumSim: N nodes join over a start window, warm up, publish values,
/// then run measured FIND_VALUE lookups while churn, departures, loss or Sybils act.
public struct DHTExperimentConfig: Sendable {
    /// Simulated nodes (Sybils included).
    public var nodes = 1_000
    /// Run seed.
    public var seed: UInt64 = 1
    /// Churn: departures per honest node per hour, in percent (they rejoin after `meanDowntime`).
    public var churnPercentPerHour = 0.0
    /// When churn stops (nil: never).
    public var churnStop: SimDuration?
    /// Mean downtime of a churned node.
    public var meanDowntime = SimDuration.seconds(600)
    /// Loss probability on every link.
    public var loss = 0.0
    /// Fraction of nodes that are Sybils.
    public var sybilFraction = 0.0
    /// How Sybils misbehave.
    public var sybilMode = DHTSybilAdversary.Mode.wrongContacts
    /// Latency tiering on lookups.
    public var tiering = true
    /// S/Kademlia disjoint paths.
    public var disjointPaths = 1
    /// Virtual length of the run.
    public var duration = SimDuration.seconds(900)
    /// Joining and warm-up before values are published.
    public var warmup = SimDuration.seconds(300)
    /// Measured lookups, spread evenly over the measurement window.
    public var lookups = 1_000
    /// Values published at the end of warm-up.
    public var values = 200
    /// Fraction of honest nodes that leave for good (spread over the hour after publication).
    public var departFraction = 0.0
    /// Measured lookups run in the last `measureWindow` of the run (nil: from 2 min after
    /// publication to the end).
    public var measureWindow: SimDuration?
    /// Region-like clusters of the topology (1 = every node in one region).
    public var clusters = 8
    /// Identity proof-of-work bits (the simulator uses ≤ 8).
    public var powDifficulty = 8
    /// Core housekeeping period (expiry/republish/refresh checks); larger values coarsen timers.
    public var housekeepingInterval = DHTLimits.expirationCheckInterval
    /// Republish period of held values.
    public var republishInterval = DHTLimits.republishInterval
    /// Whether holders republish.
    public var republish = true
    /// Samples of mean k/α over the run.
    public var samples = 100

    /// Defaults for a quick run.
    public init() {}
}

/// What an experiment measured.
public struct DHTExperimentReport: Sendable {
    /// Measured lookups started and succeeded.
    public var lookups: Int, successes: Int
    /// Hops of successful lookups.
    public var hops: SimHistogram
    /// Latency of successful lookups, ns.
    public var latency: SimHistogram
    /// Requests per measured lookup.
    public var messages: SimHistogram
    /// (virtual time, mean k, mean α, mean failure rate, honest nodes online).
    public var series: [(time: SimInstant, k: Double, alpha: Double, failureRate: Double, online: Int)]
    /// Values published, and STORE lookups that reached ≥ 1 node.
    public var valuesPublished: Int, storesSucceeded: Int
    /// STORE rejections received by publishers.
    public var storeRejections: Int
    /// Queries Sybils misanswered or dropped.
    public var sybilAttacks: Int

    /// Successful fraction of measured lookups.
    public var successRate: Double { lookups == 0 ? 0 : Double(successes) / Double(lookups) }
}

/// Builds and runs one experiment.
public final class DHTExperiment {
    /// The configuration.
    public let config: DHTExperimentConfig
    /// The simulation (exposed for the CLI footer and for tests).
    public let simulation: Simulation<DHTSimNode>
    /// Identities and addresses.
    public let directory: DHTSimDirectory
    /// Metric handles.
    public let metrics: DHTSimMetrics
    /// Which nodes are Sybils.
    public let isSybil: [Bool]
    private var adversary: DHTSybilAdversary?
    private var keys: [NodeID] = []
    private var plannedLookups = 0
    private var rng: SimRandom

    /// Sets up the topology, identities, nodes, Sybils and the scripted timeline.
    public init(_ config: DHTExperimentConfig) {
        self.config = config
        var model = SimTopology.Clustered()
        model.clusters = max(1, config.clusters)
        let topology = SimTopology.clustered(nodeCount: config.nodes, seed: config.seed, model)
        simulation = Simulation(topology: topology, seed: config.seed, link: SimLinkProfile(loss: config.loss))
        metrics = DHTSimMetrics(simulation.metrics)
        directory = DHTSimDirectory(topology: topology, nodeCount: config.nodes, seed: config.seed,
                                    difficulty: config.powDifficulty)
        rng = SimRandom(seed: config.seed, node: UInt64.max - 3, stream: 0xE1)
        let n = config.nodes
        var sybil = [Bool](repeating: false, count: n)
        let sybilCount = Int((config.sybilFraction * Double(n)).rounded())
        if sybilCount > 0 {
            // Node 0 stays honest so the first joiners have an honest bootstrap.
            var pool = Array(1..<n)
            rng.shuffle(&pool)
            for i in pool.prefix(sybilCount) { sybil[i] = true }
        }
        isSybil = sybil
        simulation.reserveCapacity(n)
        let spread = min(config.warmup.nanoseconds / 3, SimDuration.seconds(60).nanoseconds)
        for i in 0..<n {
            let startAt = SimInstant(nanoseconds: n > 1 ? spread * Int64(i) / Int64(n - 1) : 0)
            simulation.addNode(makeNode(i, joinedBefore: i), startAt: startAt)
        }
        if sybilCount > 0 {
            let ids = (0..<n).filter { sybil[$0] }
            let a = DHTSybilAdversary(mode: config.sybilMode, sybils: ids.map { directory.contacts[$0] })
            adversary = a
            simulation.setAdversary(a, for: ids.map { SimNodeID(index: $0) })
        }
        let dir = directory, m = metrics, cfg = config
        let joined = n
        simulation.rejoinFactory = { id in
            // A rejoining node keeps its identity but starts from scratch (new process).
            var r = SimRandom(seed: cfg.seed, node: UInt64(id.rawValue), stream: 0xB007)
            var boot: [Contact] = []
            for _ in 0..<3 { boot.append(dir.contacts[r.nextInt(below: joined)]) }
            return DHTSimNode(core: DHTNode(identity: dir.identities[id.index], address: dir.contacts[id.index].address,
                                            config: Self.coreConfig(cfg)),
                              bootstrap: boot, directory: dir, metrics: m)
        }
        scheduleTimeline()
    }

    static func coreConfig(_ c: DHTExperimentConfig) -> DHTConfig {
        var d = DHTConfig()
        d.powDifficulty = c.powDifficulty
        d.tiering = c.tiering
        d.disjointPaths = c.disjointPaths
        d.housekeepingInterval = c.housekeepingInterval
        d.republishInterval = c.republishInterval
        d.republish = c.republish
        return d
    }

    private func makeNode(_ i: Int, joinedBefore: Int) -> DHTSimNode {
        var boot: [Contact] = []
        if joinedBefore > 0 {
            for _ in 0..<min(3, joinedBefore) { boot.append(directory.contacts[rng.nextInt(below: joinedBefore)]) }
        }
        let core = DHTNode(identity: directory.identities[i], address: directory.contacts[i].address,
                           config: Self.coreConfig(config))
        return DHTSimNode(core: core, bootstrap: boot, directory: directory, metrics: metrics)
    }

    private func randomHonestOnline() -> SimNodeID? {
        for _ in 0..<64 {
            let i = rng.nextInt(below: config.nodes)
            if !isSybil[i], simulation.isOnline(SimNodeID(index: i)) { return SimNodeID(index: i) }
        }
        return nil
    }

    private func scheduleTimeline() {
        let sim = simulation
        let publishAt = SimInstant.zero + config.warmup
        // Values: 64 random bytes each, content-addressed, published over one minute.
        for v in 0..<config.values {
            var bytes = [UInt8](repeating: 0, count: 64)
            for j in 0..<8 {
                let w = rng.next()
                for b in 0..<8 { bytes[j * 8 + b] = UInt8(truncatingIfNeeded: w >> UInt64(8 * b)) }
            }
            let record = DHTRecord.content(ContentRecord(value: bytes))
            keys.append(record.key)
            let at = publishAt + SimDuration(nanoseconds: SimDuration.seconds(60).nanoseconds * Int64(v) / Int64(max(1, config.values)))
            sim.schedule(at: at) { [weak self] s in
                guard let self, let node = self.randomHonestOnline() else { return }
                s.perform(on: node) { n, ctx in n.put(record, context: &ctx) }
            }
        }
        let honest = (0..<config.nodes).filter { !isSybil[$0] }.map { SimNodeID(index: $0) }
        if config.churnPercentPerHour > 0 {
            // Churn runs from the start (each node draws its first departure when it joins);
            // `churnStop` ends departures, and nodes still away rejoin on schedule.
            let churn = SimChurn(departuresPerHour: config.churnPercentPerHour / 100, meanDowntime: config.meanDowntime)
            sim.startChurn(churn, nodes: honest)
            if let stop = config.churnStop { sim.schedule(at: .zero + stop) { s in s.stopChurn() } }
        }
        if config.departFraction > 0 {
            var leaving = honest.filter { $0.index != 0 }
            rng.shuffle(&leaving)
            let count = Int((config.departFraction * Double(honest.count)).rounded())
            let start = publishAt + .seconds(120)
            for (j, id) in leaving.prefix(count).enumerated() {
                let at = start + SimDuration(nanoseconds: SimDuration.hours(1).nanoseconds * Int64(j) / Int64(max(1, count)))
                sim.schedule(at: at) { s in s.crash(id) }
            }
        }
        // Measured lookups, evenly spread, each from a random online honest node.
        let end = SimInstant.zero + config.duration
        let lastStart = end - DHTLimits.lookupTotalTimeout.simDuration - .seconds(1)
        let firstStart = config.measureWindow.map { end - $0 } ?? (publishAt + .seconds(120))
        let span = max(0, (lastStart - firstStart).nanoseconds)
        plannedLookups = config.values > 0 ? config.lookups : 0
        for l in 0..<plannedLookups {
            let at = firstStart + SimDuration(nanoseconds: span * Int64(l) / Int64(max(1, plannedLookups)))
            sim.schedule(at: at) { [weak self] s in
                guard let self, let node = self.randomHonestOnline() else {
                    self?.simulation.metrics.add(self!.metrics.lookups)
                    return
                }
                let key = self.keys[self.rng.nextInt(below: self.keys.count)]
                s.perform(on: node) { n, ctx in n.measureFindValue(key, context: &ctx) }
            }
        }
    }

    /// Runs to the end, sampling mean k/α/failure rate `samples` times; `progress` is called
    /// at each sample.
    public func run(progress: ((Simulation<DHTSimNode>) -> Void)? = nil) -> DHTExperimentReport {
        var series: [(time: SimInstant, k: Double, alpha: Double, failureRate: Double, online: Int)] = []
        let end = SimInstant.zero + config.duration
        let step = SimDuration(nanoseconds: max(1_000_000_000, config.duration.nanoseconds / Int64(max(1, config.samples))))
        let sybil = isSybil
        simulation.run(until: end, every: step) { s in
            var kSum = 0.0, aSum = 0.0, fSum = 0.0, online = 0
            s.withNodes { nodes in
                for i in 0..<nodes.count where !sybil[i] && s.isOnline(SimNodeID(index: i)) {
                    let core = nodes[i].core
                    kSum += Double(core.k); aSum += Double(core.alpha); fSum += core.adaptive.failureRate
                    online += 1
                }
            }
            let d = Double(max(1, online))
            series.append((s.now, kSum / d, aSum / d, fSum / d, online))
            progress?(s)
        }
        let m = simulation.metrics
        return DHTExperimentReport(
            lookups: Int(m.value(metrics.lookups)), successes: Int(m.value(metrics.lookupSuccesses)),
            hops: m.histogram(metrics.hops), latency: m.histogram(metrics.latency), messages: m.histogram(metrics.messages),
            series: series, valuesPublished: keys.count, storesSucceeded: Int(m.value(metrics.stores)),
            storeRejections: Int(m.value(metrics.storeRejections)), sybilAttacks: adversary?.attacked ?? 0)
    }
}

extension DHTExperiment {
    /// The mean `DHTNode.memoryUsage` over the nodes online now (Sybils included: they run
    /// the same core), and how many nodes that is.
    public func meanMemoryUsage() -> (usage: DHTMemoryUsage, nodes: Int) {
        var sum = DHTMemoryUsage()
        var n = 0
        simulation.withNodes { nodes in
            for i in 0..<nodes.count where simulation.isOnline(SimNodeID(index: i)) {
                sum = sum + nodes[i].core.memoryUsage
                n += 1
            }
        }
        return (sum.divided(by: n), n)
    }
}

extension DHTDuration {
    /// The same span as a simulator duration.
    var simDuration: SimDuration { SimDuration(nanoseconds: nanoseconds) }
}
