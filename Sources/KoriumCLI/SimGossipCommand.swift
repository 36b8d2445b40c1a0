import ArgumentParser
import KoriumGossip
import KoriumGossipSim
import KoriumSim

/// `korium sim gossip`: a GossipSub experiment (issue 7) — delivery, latency, duplicates and
/// bytes per delivered message, IDONTWANT on/off, loss, churn, and the v1.1 evaluation attacks.
struct SimGossipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gossip",
        abstract: "Publish messages through a GossipSub network of N nodes; report delivery, latency, overhead, attacker scores.")

    @OptionGroup var common: SimCommonOptions

    @Option(help: "Messages published (by random honest nodes).")
    var messages: Int = 1_000

    @Option(help: "Payload bytes per message.")
    var size: Int = 256

    @Option(help: "Messages per virtual second, network-wide (also the rate P3 is derived from).")
    var rate: Double = 20

    @Option(help: "Peers each node dials.")
    var dials: Int = 8

    @Option(help: "Attack: sybil-flood, covert-flash, eclipse, iwant-spam, px-self-promotion or colocation.")
    var attack: String?

    @Option(help: "Share of Sybil nodes for --attack (eclipse always uses 0.3).")
    var attackers: Double = 0.1

    @Option(help: "Send IDONTWANT for messages ≥ 1 KiB: on or off.")
    var idontwant: String = "on"

    @Option(help: "Virtual seconds after the last publication (the delivery window is min(60, this)).")
    var drain: Double = 60

    @Option(help: "Uplink capacity per node for message payloads, Mbit/s (0 = unlimited).")
    var uplinkMbps: Double = 50

    @Option(help: "P3/P3b mesh-delivery scoring: on (derived from --rate) or off (Korium's weight 0).")
    var p3: String = "on"

    @Option(help: "P3b penalty of a prune with a full P3 deficit, |w3b|·threshold² (default: w3b = w3, so a withholder pruned by P3 is graylisted).")
    var p3bPenalty: Double?

    @Option(help: "P3b penalty of a prune with a full P3 deficit for a peer that kept sending copies too late for P3 (slow, not withholding).")
    var p3bLatePenalty: Double = 20

    @Option(help: "Near-first deliveries for P3: rtt (within the peer's round trip of our forward, default) or window (the spec's 5 ms only).")
    var nearFirst: String = "rtt"

    @Option(help: "P6 cap (0 = none, the uncapped v1.1 formula, default; Korium's MAX_P6_PENALTY is 90).")
    var p6Cap: Double = 0

    @Option(help: "P6 weight (default −15; Korium's is −10).")
    var p6Weight: Double = GossipScoreParameters().ipColocationFactorWeight

    @Option(help: "Describe up to this many missed deliveries (node state when the delivery window closed).")
    var misses: Int = 0

    @Flag(help: "Instead of a simulation: CPU per message and memory per peer of one router with --nodes peers.")
    var routerBench = false

    func validate() throws {
        guard messages >= 1, rate > 0, dials >= 1 else { throw ValidationError("--messages ≥ 1, --rate > 0, --dials ≥ 1") }
        guard (4...GossipLimits.maxMessageSize).contains(size) else {
            throw ValidationError("--size must be 4…\(GossipLimits.maxMessageSize)")
        }
        guard ["on", "off"].contains(idontwant) else { throw ValidationError("--idontwant on|off") }
        if let attack, GossipAttack(rawValue: attack) == nil {
            throw ValidationError("--attack must be one of " + GossipAttack.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard (0...0.9).contains(attackers) else { throw ValidationError("--attackers must be 0…0.9") }
        guard drain >= 1 else { throw ValidationError("--drain must be at least 1") }
        guard uplinkMbps >= 0 else { throw ValidationError("--uplink-mbps must not be negative") }
        guard ["rtt", "window"].contains(nearFirst) else { throw ValidationError("--near-first must be rtt or window") }
        guard (p3bPenalty ?? 0) >= 0, p3bLatePenalty >= 0, p6Cap >= 0 else { throw ValidationError("--p3b-penalty, --p3b-late-penalty and --p6-cap must not be negative") }
        guard p6Weight <= 0 else { throw ValidationError("--p6-weight must not be positive (v1.1: negative)") }
    }

    func run() throws {
        if routerBench {
            print(GossipRouterBench.run(peers: common.nodes, messages: messages, size: size).render(), terminator: "")
            return
        }
        var e = GossipExperiment()
        e.nodes = common.nodes
        e.seed = common.seed
        e.messages = messages
        e.size = size
        e.rate = rate
        e.loss = common.loss
        e.churnPerHour = common.churn / 100
        e.downtime = SimDuration(seconds: common.downtime)
        e.dials = min(dials, max(common.nodes - 1, 1))
        e.drain = drain
        e.attack = attack.flatMap(GossipAttack.init(rawValue:))
        e.attackerFraction = attackers
        e.idontwant = idontwant == "on"
        e.clusters = common.clusters
        e.meshDeliveryScoring = p3 != "off"
        e.uplinkBitsPerSecond = Int64(uplinkMbps * 1e6)
        e.fullDeficitPenalty = p3bPenalty
        e.lateFullDeficitPenalty = p3bLatePenalty
        e.nearFirstWithinRoundTrip = nearFirst == "rtt"
        e.colocationPenaltyCap = p6Cap
        e.colocationWeight = p6Weight
        e.missReportLimit = max(misses, 0)
        let rssBefore = SimOutput.residentBytes()
        let wallStart = SimOutput.wallSeconds()
        let cpuStart = SimOutput.cpuSeconds()
        let progress = SimProgressReporter(label: "gossip", enabled: !common.quiet)
        var simulation: Simulation<GossipSimNode>?
        var rssSetup: Int?
        let r = e.run { fraction, sim in
            if simulation == nil { simulation = sim; rssSetup = SimOutput.residentBytes() }
            progress.update(fraction: fraction, now: sim.now, events: sim.stats.events)
        }
        if let sim = simulation { progress.finish(now: sim.now, events: sim.stats.events) }
        let wall = SimOutput.wallSeconds() - wallStart
        let cpu = SimOutput.cpuSeconds() - cpuStart
        let rssAfter = SimOutput.residentBytes()

        var table = SimSummaryTable.keyValue()
        table.add("nodes", SimFormat.grouped(e.nodes))
        table.add("seed", String(e.seed))
        table.add("messages × size", "\(SimFormat.grouped(messages)) × \(size) B at \(SimFormat.fixed(rate, decimals: 1))/s")
        table.add("attack", e.attack.map { "\($0.rawValue) (\(SimFormat.percent(e.attack == .eclipse ? 0.3 : attackers, decimals: 0)) Sybils)" } ?? "none")
        table.add("loss / churn", "\(SimFormat.percent(e.loss, decimals: 1)) / \(SimFormat.fixed(common.churn, decimals: 1)) %/h")
        let fullDeficit = e.parameters.scoring?.defaultTopic.map { $0.meshFailurePenaltyWeight * $0.meshMessageDeliveriesThreshold * $0.meshMessageDeliveriesThreshold } ?? 0
        table.add("P3/P3b", p3 == "off" ? "off" : "on, full-deficit prune \(SimFormat.fixed(fullDeficit, decimals: 0)) (late copies \(SimFormat.fixed(-min(p3bLatePenalty, -fullDeficit), decimals: 0))), near-first \(nearFirst)")
        table.add("P6 weight / cap", "\(SimFormat.fixed(p6Weight, decimals: 1)) / " + (p6Cap > 0 ? SimFormat.fixed(p6Cap, decimals: 0) : "none"))
        table.add("idontwant / uplink", "\(idontwant) / \(SimFormat.fixed(uplinkMbps, decimals: 0)) Mbit/s")
        table.add("delivered / expected", "\(SimFormat.grouped(r.delivered)) / \(SimFormat.grouped(r.expected))")
        table.add("delivery ratio", SimFormat.percent(r.deliveryRatio, decimals: 3))
        table.addLatency("latency", r.latency)
        table.add("duplicates per delivered message", SimFormat.fixed(r.duplicatesPerDelivery, decimals: 2))
        table.add("bytes per delivered message", SimFormat.grouped(Int(r.bytesPerDelivery)))
        table.add("IDONTWANT sent / copies suppressed", "\(SimFormat.grouped(Int(r.idontwantSent))) / \(SimFormat.grouped(Int(r.idontwantSuppressed)))")
        if let m = r.attackerMedianScoreAt60s, let g = r.attackerGraylistedAt60s {
            table.add("attacker score median @ attack+60s", SimFormat.fixed(m, decimals: 1))
            table.add("attacker links graylisted @ attack+60s", SimFormat.percent(g, decimals: 1))
        }
        if e.attack == .eclipse {
            table.add("eclipse target delivery", SimFormat.percent(r.targetDelivery, decimals: 3))
        }
        for a in r.timeline {
            table.add("attack +\(Int(a.seconds.rounded()))s: in mesh / <0 / <gossip / graylisted",
                      "\(SimFormat.percent(a.inMesh, decimals: 1)) / \(SimFormat.percent(a.negative, decimals: 1)) / "
                      + "\(SimFormat.percent(a.belowGossip, decimals: 1)) / \(SimFormat.percent(a.graylisted, decimals: 1)), "
                      + "median \(SimFormat.fixed(a.median, decimals: 1)) (\(a.links) links)")
        }
        if let m = r.attackerMedianScoreAtEnd, let g = r.attackerGraylistedAtEnd {
            table.add("attacker score median @ last publish", SimFormat.fixed(m, decimals: 1))
            table.add("attacker links graylisted @ last publish", SimFormat.percent(g, decimals: 1))
        }
        let drops = GossipDropReason.allCases.filter { r.drops[$0] > 0 }.map { "\($0)=\(r.drops[$0])" }
        table.add("honest drops", drops.isEmpty ? "none" : drops.joined(separator: " "))
        table.add("Ed25519 verifications (memoised)", SimFormat.grouped(r.verifications))
        if let sim = simulation {
            SimRunFooter(wallSeconds: wall, cpuSeconds: cpu, residentBefore: rssBefore, residentAfterSetup: rssSetup, residentAfter: rssAfter)
                .add(to: &table, simulation: sim)
        }
        print(table.render(), terminator: "")
        for m in r.misses { print("miss: " + m) }
        var csv = SimCSV(header: ["metric", "value"])
        csv.row(["delivery_ratio", String(r.deliveryRatio)])
        csv.row(["delivered", String(r.delivered)])
        csv.row(["expected", String(r.expected)])
        csv.row(["latency_p50_ns", String(r.latency.p50)])
        csv.row(["latency_p99_ns", String(r.latency.p99)])
        csv.row(["duplicates_per_delivery", String(r.duplicatesPerDelivery)])
        csv.row(["bytes_per_delivery", String(r.bytesPerDelivery)])
        csv.row(["bytes_sent", String(r.bytesSent)])
        csv.row(["idontwant_sent", String(r.idontwantSent)])
        csv.row(["attacker_median_score_at_60s", r.attackerMedianScoreAt60s.map { String($0) } ?? ""])
        csv.row(["attacker_graylisted_at_60s", r.attackerGraylistedAt60s.map { String($0) } ?? ""])
        csv.row(["eclipse_target_delivery", e.attack == .eclipse ? String(r.targetDelivery) : ""])
        for a in r.timeline {
            let k = "attack_\(Int(a.seconds.rounded()))s"
            csv.row(["\(k)_in_mesh", String(a.inMesh)])
            csv.row(["\(k)_graylisted", String(a.graylisted)])
            csv.row(["\(k)_median_score", String(a.median)])
        }
        for reason in GossipDropReason.allCases { csv.row(["drop_\(reason)", String(r.drops[reason])]) }
        for (k, v) in r.tableSizes.sorted(by: { $0.key < $1.key }) { csv.row(["table_\(k)", String(v)]) }
        try common.writeCSV(csv.text)
    }
}
