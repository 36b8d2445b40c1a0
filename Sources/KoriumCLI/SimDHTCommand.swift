import ArgumentParser
import Glibc
import KoriumDHT
import KoriumDHTSim
import KoriumSim

/// `korium sim dht`: KoriumDHT on the simulator — lookup success, hops, latency, messages per
/// lookup, and adaptive k/α over time, under churn, loss, departures and Sybils.
struct SimDHTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dht",
        abstract: "Run the Kademlia DHT on N simulated nodes; report lookup success, hops, latency, k and α.")

    @OptionGroup var common: SimCommonOptions

    @Option(help: "Fraction of nodes that are Sybils (0…0.9).")
    var sybil: Double = 0

    @Option(help: "Sybil behaviour on lookups: wrong (reply with Sybils) or drop.")
    var sybilMode: String = "wrong"

    @Option(help: "Latency tiering on lookups: on or off.")
    var tiering: String = "on"

    @Option(help: "S/Kademlia disjoint lookup paths (1 = plain Kademlia).")
    var disjoint: Int = 1

    @Option(help: "Measured FIND_VALUE lookups.")
    var lookups: Int = 2_000

    @Option(help: "Values published after warm-up.")
    var values: Int = 500

    @Option(help: "Warm-up before values are published, virtual seconds.")
    var warmup: Double = 300

    @Option(help: "Fraction of honest nodes that leave for good during the hour after publication.")
    var depart: Double = 0

    @Option(help: "Run the measured lookups in the last this-many virtual seconds (0 = from publication + 2 min).")
    var measureWindow: Double = 0

    @Option(help: "Core housekeeping period in virtual seconds (expiry/republish/refresh checks).")
    var housekeeping: Double = 60

    @Option(help: "Republish period of held values, virtual seconds.")
    var republishInterval: Double = 3_600

    @Flag(help: "Disable republishing.")
    var noRepublish = false

    @Option(help: "Stop churn departures at this virtual second (0 = never); away nodes still rejoin.")
    var churnStop: Double = 0

    @Option(help: "Identity proof-of-work bits.")
    var pow: Int = 8

    func validate() throws {
        guard (0...0.9).contains(sybil) else { throw ValidationError("--sybil must be 0…0.9") }
        guard DHTSybilAdversary.Mode(rawValue: sybilMode) != nil else { throw ValidationError("--sybil-mode: wrong or drop") }
        guard tiering == "on" || tiering == "off" else { throw ValidationError("--tiering: on or off") }
        guard (1...DHTLimits.maxDisjointPaths).contains(disjoint) else {
            throw ValidationError("--disjoint must be 1…\(DHTLimits.maxDisjointPaths)")
        }
        guard lookups >= 0, values >= 1, warmup > 0, housekeeping > 0, republishInterval > 0 else {
            throw ValidationError("--lookups ≥ 0, --values ≥ 1, --warmup/--housekeeping/--republish-interval > 0")
        }
        guard (0..<1).contains(depart) else { throw ValidationError("--depart must be 0…<1") }
        guard (0...16).contains(pow) else { throw ValidationError("--pow must be 0…16 in the simulator") }
    }

    func run() throws {
        var c = DHTExperimentConfig()
        c.nodes = common.nodes
        c.seed = common.seed
        c.loss = common.loss
        c.churnPercentPerHour = common.churn
        c.meanDowntime = SimDuration(seconds: common.downtime)
        c.churnStop = churnStop > 0 ? SimDuration(seconds: churnStop) : nil
        c.clusters = common.clusters
        c.sybilFraction = sybil
        c.sybilMode = DHTSybilAdversary.Mode(rawValue: sybilMode) ?? .wrongContacts
        c.tiering = tiering == "on"
        c.disjointPaths = disjoint
        c.lookups = lookups
        c.values = values
        c.warmup = SimDuration(seconds: warmup)
        c.duration = SimDuration(seconds: common.duration > 0 ? common.duration : warmup + 900)
        c.departFraction = depart
        c.measureWindow = measureWindow > 0 ? SimDuration(seconds: measureWindow) : nil
        c.housekeepingInterval = DHTDuration(nanoseconds: SimDuration(seconds: housekeeping).nanoseconds)
        c.republishInterval = DHTDuration(nanoseconds: SimDuration(seconds: republishInterval).nanoseconds)
        c.republish = !noRepublish
        c.powDifficulty = pow

        let rssBefore = SimOutput.residentBytes()
        let wallStart = SimOutput.wallSeconds()
        let cpuStart = SimOutput.cpuSeconds()
        if !common.quiet { SimOutput.writeStderr("generating \(c.nodes) identities (\(pow)-bit PoW)…\n") }
        let experiment = DHTExperiment(c)
        let rssSetup = SimOutput.residentBytes()
        let progress = SimProgressReporter(label: "dht", enabled: !common.quiet)
        let end = Double(c.duration.nanoseconds)
        let report = experiment.run { s in
            progress.update(fraction: Double(s.now.nanoseconds) / end, now: s.now, events: s.stats.events)
        }
        let sim = experiment.simulation
        progress.finish(now: sim.now, events: sim.stats.events)
        let wall = SimOutput.wallSeconds() - wallStart
        let cpu = SimOutput.cpuSeconds() - cpuStart
        let rssAfter = SimOutput.residentBytes()

        var table = SimSummaryTable.keyValue()
        table.add("nodes (sybil)", "\(SimFormat.grouped(c.nodes)) (\(SimFormat.percent(sybil, decimals: 0)) \(sybilMode))")
        table.add("seed", String(c.seed))
        table.add("churn / loss / depart", "\(common.churn)%/h / \(SimFormat.percent(common.loss)) / \(SimFormat.percent(depart, decimals: 0))")
        table.add("tiering / disjoint paths", "\(tiering) / \(disjoint)")
        table.add("values published / store lookups ok", "\(report.valuesPublished) / \(report.storesSucceeded)")
        table.add("store rejections", SimFormat.grouped(report.storeRejections))
        table.add("lookups", SimFormat.grouped(report.lookups))
        table.add("lookup success", SimFormat.percent(report.successRate, decimals: 2))
        let log2N = log2(Double(c.nodes))
        let meanK = report.series.isEmpty ? Double(DHTLimits.defaultK) : report.series.map(\.k).reduce(0, +) / Double(report.series.count)
        table.add("hops p50 / p99 / max", "\(report.hops.p50) / \(report.hops.p99) / \(report.hops.max)")
        table.add("expected hops log2(N)/log2(k)", SimFormat.fixed(log2N / log2(max(2, meanK)), decimals: 2)
                  + " (log2 N = " + SimFormat.fixed(log2N, decimals: 1) + ", mean k " + SimFormat.fixed(meanK, decimals: 1) + ")")
        table.addLatency("lookup latency", report.latency)
        table.add("messages/lookup p50 / mean / p99",
                  "\(report.messages.p50) / \(SimFormat.fixed(report.messages.mean, decimals: 1)) / \(report.messages.p99)")
        if let first = report.series.first, let last = report.series.last {
            let peakK = report.series.map(\.k).max() ?? 0, peakA = report.series.map(\.alpha).max() ?? 0
            table.add("mean k start / peak / end", "\(SimFormat.fixed(first.k, decimals: 1)) / \(SimFormat.fixed(peakK, decimals: 1)) / \(SimFormat.fixed(last.k, decimals: 1))")
            table.add("mean α start / peak / end", "\(SimFormat.fixed(first.alpha, decimals: 2)) / \(SimFormat.fixed(peakA, decimals: 2)) / \(SimFormat.fixed(last.alpha, decimals: 2))")
            table.add("honest nodes online at end", SimFormat.grouped(last.online))
        }
        if sybil > 0 { table.add("queries attacked by sybils", SimFormat.grouped(report.sybilAttacks)) }
        let memory = experiment.meanMemoryUsage().usage
        table.add("core tables bytes/node (mean)", SimFormat.grouped(memory.tables))
        for f in memory.fields where f.bytes > 0 { table.add("  " + f.name, SimFormat.grouped(f.bytes)) }
        SimRunFooter(wallSeconds: wall, cpuSeconds: cpu, residentBefore: rssBefore, residentAfterSetup: rssSetup, residentAfter: rssAfter)
            .add(to: &table, simulation: sim)
        print(table.render(), terminator: "")

        var series = SimTimeSeries(columns: ["mean_k", "mean_alpha", "failure_rate", "honest_online"])
        for row in report.series { series.add(row.time, [row.k, row.alpha, row.failureRate, Double(row.online)]) }
        try common.writeCSV(series.csv())
    }
}
