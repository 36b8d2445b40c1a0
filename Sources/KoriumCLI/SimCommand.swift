import ArgumentParser
import KoriumSim

/// `korium sim …`: simulator experiments. Each experiment is a subcommand in its own file
/// (`SimFloodCommand.swift`, and the DHT and GossipSub ones); they share `SimCommonOptions`,
/// `SimProgressReporter` and the summary-table/CSV output.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run deterministic network-simulator experiments.",
        subcommands: [
            SimFloodCommand.self,
            SimDHTCommand.self,
            SimGossipCommand.self,
        ]
    )
}

/// Options every `korium sim …` experiment accepts.
struct SimCommonOptions: ParsableArguments {
    @Option(help: "Number of simulated nodes.")
    var nodes: Int = 10_000

    @Option(help: "Run seed: the same seed reproduces the run bit for bit.")
    var seed: UInt64 = 1

    @Option(help: "Message loss probability on every link (0…1).")
    var loss: Double = 0

    @Option(help: "Churn: departures per node per hour, in percent (e.g. 10 = 10 %/hour).")
    var churn: Double = 0

    @Option(help: "Mean downtime of a departed node before it rejoins, in virtual seconds.")
    var downtime: Double = 600

    @Option(help: "Virtual duration of the experiment in seconds (0 = the command's default).")
    var duration: Double = 0

    @Option(help: "Number of region-like clusters in the topology.")
    var clusters: Int = 8

    @Option(help: "Write metrics as CSV to this file.")
    var csv: String?

    @Flag(help: "No progress bar on stderr.")
    var quiet = false

    func validate() throws {
        guard nodes >= 1 else { throw ValidationError("--nodes must be at least 1") }
        guard (0...1).contains(loss) else { throw ValidationError("--loss must be between 0 and 1") }
        guard churn >= 0 else { throw ValidationError("--churn must not be negative") }
        guard duration >= 0, downtime >= 0 else { throw ValidationError("--duration/--downtime must not be negative") }
        guard (1...1_024).contains(clusters) else { throw ValidationError("--clusters must be 1…1024") }
    }

    /// The clustered topology for these options (16 /16 prefixes per cluster).
    func topology() -> SimTopology {
        var model = SimTopology.Clustered()
        model.clusters = clusters
        return .clustered(nodeCount: nodes, seed: seed, model)
    }

    /// The churn process, or nil without `--churn`.
    var churnProcess: SimChurn? {
        churn > 0 ? SimChurn(departuresPerHour: churn / 100, meanDowntime: SimDuration(seconds: downtime)) : nil
    }

    /// Writes `text` to `--csv` if given and says so on stderr.
    func writeCSV(_ text: String) throws {
        guard let path = csv else { return }
        try SimOutput.writeFile(path, text)
        if !quiet { SimOutput.writeStderr("wrote \(path)\n") }
    }
}

/// Rows every experiment's summary ends with: engine counters, speed and memory.
struct SimRunFooter {
    let wallSeconds: Double
    /// CPU seconds used by the run (user + system).
    let cpuSeconds: Double
    /// Resident bytes before the simulation was built.
    let residentBefore: Int?
    /// Resident bytes once every node was added, before running.
    let residentAfterSetup: Int?
    /// Resident bytes at the end of the run (in-flight messages and queue included).
    let residentAfter: Int?

    func add<Node: SimNode>(to table: inout SimSummaryTable, simulation sim: Simulation<Node>) {
        let s = sim.stats
        table.add("events", SimFormat.grouped(s.events))
        table.add("messages sent", SimFormat.grouped(s.messagesSent))
        table.add("bytes sent", SimFormat.bytes(Double(s.bytesSent)))
        table.add("dropped (loss/queue/offline)", "\(s.droppedLoss)/\(s.droppedQueue)/\(s.droppedOffline)")
        if s.droppedUnknownDestination + s.droppedQueueCap + s.droppedPartition + s.droppedMTU > 0 {
            table.add(
                "dropped (unknown/cap/partition/mtu)",
                "\(s.droppedUnknownDestination)/\(s.droppedQueueCap)/\(s.droppedPartition)/\(s.droppedMTU)")
        }
        table.add("joins/leaves/crashes", "\(s.joins)/\(s.leaves)/\(s.crashes)")
        table.add("peak event queue", SimFormat.grouped(s.peakQueueLength))
        table.add("virtual time", sim.now.sinceStart.description)
        table.add("wall time", SimFormat.fixed(wallSeconds, decimals: 2) + "s")
        table.add("cpu time", SimFormat.fixed(cpuSeconds, decimals: 2) + "s")
        table.add("events/second (wall)", SimFormat.grouped(Int(Double(s.events) / max(wallSeconds, 1e-9))))
        table.add("events/second (cpu)", SimFormat.grouped(Int(Double(s.events) / max(cpuSeconds, 1e-9))))
        table.add("engine bytes/node (fixed)", String(Simulation<Node>.engineBytesPerNode))
        if let before = residentBefore, let after = residentAfter {
            table.add("resident memory", SimFormat.bytes(Double(after)))
            if let setup = residentAfterSetup {
                table.add("resident bytes/node after setup", SimFormat.grouped((setup - before) / max(1, sim.nodeCount)))
            }
            table.add("resident bytes/node at end", SimFormat.grouped((after - before) / max(1, sim.nodeCount)))
        }
        table.add("trace hash", "0x" + String(sim.traceHash, radix: 16))
    }
}
