import ArgumentParser
import KoriumSim

/// `korium sim flood`: flooding broadcasts over a clustered topology — the simulator's
/// reference workload, used for its events/second and bytes-per-node benchmarks.
struct SimFloodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood",
        abstract: "Flood broadcasts through N nodes; report reach, delivery times, speed and memory.")

    @OptionGroup var common: SimCommonOptions

    @Option(help: "Random chords per node on top of the ring (mean degree ≈ 2 + 2 × this).")
    var links: Int = 3

    @Option(help: "Number of broadcasts, from evenly spread origins.")
    var broadcasts: Int = 1

    @Option(help: "Virtual seconds between broadcasts.")
    var interval: Double = 1

    @Option(help: "Payload bytes per broadcast.")
    var payload: Int = 256

    @Option(help: "Uniform jitter per message, in virtual milliseconds.")
    var jitter: Double = 1

    func validate() throws {
        guard links >= 0, broadcasts >= 1, interval > 0 else {
            throw ValidationError("--links ≥ 0, --broadcasts ≥ 1, --interval > 0")
        }
        guard (0...FloodMessage.maxPayload).contains(payload) else {
            throw ValidationError("--payload must be 0…\(FloodMessage.maxPayload)")
        }
        guard jitter >= 0 else { throw ValidationError("--jitter must not be negative") }
    }

    func run() throws {
        let n = common.nodes
        let rssBefore = SimOutput.residentBytes()
        let wallStart = SimOutput.wallSeconds()
        let cpuStart = SimOutput.cpuSeconds()
        var link = SimLinkProfile(loss: common.loss)
        if jitter > 0 { link.jitter = .uniform(max: SimDuration(seconds: jitter / 1_000)) }
        let sim = Simulation<FloodNode>(topology: common.topology(), seed: common.seed, link: link)
        let metrics = FloodNode.Metrics(sim.metrics)
        sim.reserveCapacity(n)
        do {
            let graph = FloodNode.randomGraph(nodeCount: n, extraLinksPerNode: links, seed: common.seed)
            for i in 0..<n { sim.addNode(FloodNode(neighbors: graph[i], metrics: metrics)) }
        }
        let rssSetup = SimOutput.residentBytes()
        if let churn = common.churnProcess { sim.startChurn(churn) }
        let body = [UInt8](repeating: 0x5A, count: payload)
        for b in 0..<broadcasts {
            let origin = SimNodeID(index: (b * (n / broadcasts + 1) + b) % n)
            sim.schedule(at: SimInstant.zero + SimDuration(seconds: Double(b) * interval)) { s in
                s.perform(on: origin) { node, ctx in node.broadcast(payload: body, context: &ctx) }
            }
        }
        let defaultDuration = Double(broadcasts) * interval + 10
        let end = SimInstant.zero + SimDuration(seconds: common.duration > 0 ? common.duration : defaultDuration)
        let progress = SimProgressReporter(label: "flood", enabled: !common.quiet)
        let step = SimDuration(nanoseconds: max(1_000_000, end.nanoseconds / 200))
        sim.run(until: end, every: step) { s in
            progress.update(fraction: Double(s.now.nanoseconds) / Double(end.nanoseconds), now: s.now, events: s.stats.events)
        }
        progress.finish(now: sim.now, events: sim.stats.events)
        let wall = SimOutput.wallSeconds() - wallStart
        let cpu = SimOutput.cpuSeconds() - cpuStart
        let rssAfter = SimOutput.residentBytes()

        let delivered = sim.metrics.value(metrics.delivered)
        let originated = sim.metrics.value(metrics.originated)
        let time = sim.metrics.histogram(metrics.deliveryTime)
        let hops = sim.metrics.histogram(metrics.hops)
        var table = SimSummaryTable.keyValue()
        table.add("nodes", SimFormat.grouped(n))
        table.add("seed", String(common.seed))
        table.add("broadcasts", SimFormat.grouped(Int(originated)))
        table.add("deliveries", SimFormat.grouped(Int(delivered)))
        let possible = Double(originated) * Double(max(0, n - 1))
        table.add("reach", SimFormat.percent(possible > 0 ? Double(delivered) / possible : 0, decimals: 3))
        table.addLatency("delivery time", time)
        table.add("hops p50/p99/max", "\(hops.p50)/\(hops.p99)/\(hops.max)")
        table.add("duplicates", SimFormat.grouped(Int(sim.metrics.value(metrics.duplicates))))
        SimRunFooter(wallSeconds: wall, cpuSeconds: cpu, residentBefore: rssBefore, residentAfterSetup: rssSetup, residentAfter: rssAfter)
            .add(to: &table, simulation: sim)
        print(table.render(), terminator: "")
        try common.writeCSV(sim.metrics.csv())
    }
}
