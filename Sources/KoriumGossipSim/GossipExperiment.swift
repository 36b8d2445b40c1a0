import KoriumGossip
import KoriumSim

/// The attacks of the GossipSub v1.1 evaluation, as `korium sim gossip --attack` names them.
public enum GossipAttack: String, CaseIterable, Sendable {
    /// Sybils flood invalid messages.
    case sybilFlood = "sybil-flood"
    /// Sybils behave, build score, then stop forwarding all at once.
    case covertFlash = "covert-flash"
    /// Sybils (30 % of the network) all connect to one target and never forward to it.
    case eclipse
    /// Sybils send floods of IWANTs.
    case iwantSpam = "iwant-spam"
    /// Sybils PRUNE their mesh peers with PX naming only Sybils.
    case pxSelfPromotion = "px-self-promotion"
    /// Sybils behind one IP address, each dialling `colocationDialFactor` × as many peers,
    /// otherwise following the protocol (visible to P6 only).
    case colocation
}

/// One gossip experiment on KoriumSim: configuration, run, and the numbers of the summary.
public struct GossipExperiment {
    /// Nodes (honest and Sybil).
    public var nodes = 200
    /// Run seed.
    public var seed: UInt64 = 1
    /// Experiment messages published by random honest nodes.
    public var messages = 100
    /// Payload bytes per message.
    public var size = 256
    /// Messages per virtual second (network-wide).
    public var rate = 10.0
    /// Loss probability per link.
    public var loss = 0.0
    /// Churn, departures per node per hour (0.1 = 10 %/hour).
    public var churnPerHour = 0.0
    /// Mean downtime of departed nodes.
    public var downtime = SimDuration.seconds(600)
    /// Peers each node dials.
    public var dials = 8
    /// Virtual seconds before the first publication (mesh formation).
    public var warmup = 5.0
    /// Virtual seconds after the last publication.
    public var drain = 60.0
    /// The attack, if any.
    public var attack: GossipAttack?
    /// Share of Sybils (the eclipse attack uses 30 % regardless).
    public var attackerFraction = 0.1
    /// Send IDONTWANT for payloads ≥ 1 KiB (false: never send; receipt is always honoured).
    public var idontwant = true
    /// Topology clusters.
    public var clusters = 8
    /// Score P3/P3b (derived from `rate`); false: Korium's topic defaults (P3/P3b off).
    public var meshDeliveryScoring = true
    /// Uplink capacity of every node (0: unlimited).
    public var uplinkBitsPerSecond: Int64 = 50_000_000
    /// P3b penalty of a prune with a full P3 deficit, `|w3b|·threshold²`
    /// (``GossipTopicScoreParameters/derived(expectedMessageRate:meshDegree:fullDeficitPenalty:lateFullDeficitPenalty:)``);
    /// nil: the derived default, `w3b = w3`.
    public var fullDeficitPenalty: Double?
    /// The same for a peer that kept sending copies too late for P3 (slow, not withholding).
    public var lateFullDeficitPenalty = 20.0
    /// Count a mesh peer's copy arriving within its round trip of our forward as near-first
    /// (``GossipTopicScoreParameters/nearFirstWithinRoundTrip``); false: the spec's 5 ms window only.
    public var nearFirstWithinRoundTrip = true
    /// P6 cap (0, the default: the uncapped v1.1 formula; Korium's MAX_P6_PENALTY is 90).
    public var colocationPenaltyCap = 0.0
    /// P6 weight (default −15, ``GossipScoreParameters/ipColocationFactorWeight``; Korium's is −10).
    public var colocationWeight = GossipScoreParameters().ipColocationFactorWeight
    /// For the colocation attack: each Sybil dials this many times `dials` peers.
    public var colocationDialFactor = 8
    /// Misses to describe (0: none): when a message's delivery window closes, each honest node
    /// still missing it is reported with its router's state at that moment.
    public var missReportLimit = 0

    /// Defaults: 200 nodes, 100 messages of 256 bytes at 10/s.
    public init() {}

    /// The outcome.
    public struct Result {
        /// Delivered / expected first deliveries to honest nodes (up from publication until 60 s after).
        public var delivered = 0, expected = 0
        /// Delivery ratio.
        public var deliveryRatio: Double { expected == 0 ? 1 : Double(delivered) / Double(expected) }
        /// Delivery latency over honest receivers, ns.
        public var latency = SimHistogram()
        /// Duplicate copies received per delivered message (honest nodes).
        public var duplicatesPerDelivery = 0.0
        /// Bytes sent on all links per delivered message.
        public var bytesPerDelivery = 0.0
        /// Bytes sent in total.
        public var bytesSent: Int64 = 0
        /// IDONTWANT IDs sent / copies suppressed by them.
        public var idontwantSent: UInt64 = 0, idontwantSuppressed: UInt64 = 0
        /// Median score of Sybils as seen by connected honest nodes, 60 s after the attack began
        /// (nil without attack). For the covert flash: over the honest nodes that had the Sybil
        /// in their mesh when the flash began (the only ones that can see withheld deliveries).
        public var attackerMedianScoreAt60s: Double?
        /// Share of honest→Sybil connections below the graylist threshold at that time.
        public var attackerGraylistedAt60s: Double?
        /// Same at the last publication (traffic still flowing).
        public var attackerMedianScoreAtEnd: Double?
        /// Share graylisted at the end.
        public var attackerGraylistedAtEnd: Double?
        /// Drops over all honest routers, by reason.
        public var drops = GossipDropCounters()
        /// Real Ed25519 verifications performed (memoised across nodes).
        public var verifications = 0
        /// The simulator's statistics.
        public var stats = SimStats()
        /// Virtual time at the end.
        public var virtualSeconds = 0.0
        /// Router table sizes summed over nodes at the end.
        public var tableSizes: [String: Int] = [:]
        /// Share of messages the eclipse target (node 0) received.
        public var targetDelivery = 1.0
        /// How honest nodes saw the Sybils over time (every 10 s from the attack's start).
        public var timeline: [AttackSample] = []
        /// The run's trace hash.
        public var traceHash: UInt64 = 0
        /// Metrics as CSV rows (name,value).
        public var csv: String = ""
        /// Descriptions of missed deliveries (at most `missReportLimit`).
        public var misses: [String] = []
    }

    /// How honest nodes see the Sybils at one instant: over the judged honest→Sybil links
    /// (all connections, or for the covert flash the meshes that held a Sybil when it began).
    public struct AttackSample: Sendable {
        /// Seconds since the attack began.
        public var seconds: Double
        /// Judged links at that time.
        public var links = 0
        /// Share of links where the Sybil is in the honest node's mesh.
        public var inMesh = 0.0
        /// Share with a negative score (pruned, not re-grafted).
        public var negative = 0.0
        /// Share below the gossip threshold.
        public var belowGossip = 0.0
        /// Share below the graylist threshold.
        public var graylisted = 0.0
        /// Median score.
        public var median = 0.0
    }

    /// The router parameters of honest nodes (P3 derived from `rate`).
    public var parameters: GossipParameters {
        var params = GossipParameters()
        if !idontwant { params.idontwantThreshold = nil }
        params.scoring?.defaultTopic = meshDeliveryScoring
            ? .derived(expectedMessageRate: rate, meshDegree: params.dHigh, fullDeficitPenalty: fullDeficitPenalty,
                       lateFullDeficitPenalty: lateFullDeficitPenalty)
            : GossipTopicScoreParameters()
        params.scoring?.defaultTopic?.nearFirstWithinRoundTrip = nearFirstWithinRoundTrip
        params.scoring?.maxIPColocationPenalty = colocationPenaltyCap
        params.scoring?.ipColocationFactorWeight = colocationWeight
        return params
    }

    /// Attack start in virtual seconds: at once, except for the covert flash, whose Sybils first
    /// earn their place (P3 activation + 10 s of honest behaviour).
    public var attackStart: Double {
        guard attack == .covertFlash else { return 0 }
        let activation = parameters.scoring?.defaultTopic?.meshMessageDeliveriesActivationNanos ?? 0
        return warmup + Double(activation) / 1e9 + 10
    }

    /// Runs the experiment; `progress` is called every virtual second with the fraction done.
    public func run(progress: (Double, Simulation<GossipSimNode>) -> Void = { _, _ in }) -> Result {
        var link = SimLinkProfile(loss: loss)
        link.jitter = .uniform(max: .milliseconds(1))
        var model = SimTopology.Clustered()
        model.clusters = clusters
        let topology = SimTopology.clustered(nodeCount: nodes, seed: seed, model)
        let sim = Simulation<GossipSimNode>(topology: topology, seed: seed, link: link)
        let world = GossipSimWorld(nodeCount: nodes, seed: seed, parameters: parameters)
        // Each node's uplink (50 Mbit/s by default) serialises message payloads, so large
        // messages take real time to leave (what IDONTWANT exploits); control is not paced.
        world.uplinkBitsPerSecond = uplinkBitsPerSecond

        // Sybils.
        var sybils: [Int] = []
        if let attack {
            let fraction = attack == .eclipse ? 0.3 : attackerFraction
            let count = max(1, Int(Double(nodes) * fraction))
            sybils = Array((nodes - count)..<nodes)
            for s in sybils {
                switch attack {
                case .sybilFlood: world.behaviours[s] = .invalidFlood(perHeartbeat: 20)
                case .covertFlash: world.behaviours[s] = .withholdAfter(Int64(attackStart * 1e9))
                case .eclipse: world.behaviours[s] = .eclipse(target: 0)
                case .iwantSpam: world.behaviours[s] = .iwantSpam(perHeartbeat: 20)
                case .pxSelfPromotion: world.behaviours[s] = .pxSelfPromotion
                case .colocation:
                    world.behaviours[s] = .colocated
                    // One IPv4 address outside the topology's range, shared by every Sybil.
                    world.addressOverride[s] = 1 << 32
                }
            }
        }
        let sybilSet = Set(sybils)
        let honestClass = sim.metrics.nodeClass("honest")
        let sybilClass = sim.metrics.nodeClass("sybil")

        // Random dial graph: each node dials `dials` distinct others (connections are two-way).
        var rng = SimRandom(seed: seed, node: 0, stream: 99)
        sim.reserveCapacity(nodes)
        for i in 0..<nodes {
            var chosen = Set<Int>()
            if attack == .eclipse, sybilSet.contains(i) { chosen.insert(0) }
            let degree = attack == .colocation && sybilSet.contains(i) ? dials * colocationDialFactor : dials
            while chosen.count < min(degree, nodes - 1) {
                let j = rng.nextInt(below: nodes)
                if j != i { chosen.insert(j) }
            }
            let node = GossipSimNode(world: world, index: i, dials: chosen.sorted().map { SimNodeID(index: $0) })
            sim.addNode(node, nodeClass: sybilSet.contains(i) ? sybilClass : honestClass)
        }
        sim.rejoinFactory = { id in
            let old = sim[id]
            return GossipSimNode(world: world, index: id.index, dials: old.dials)
        }
        if churnPerHour > 0 {
            let members = (0..<nodes).filter { !sybilSet.contains($0) }.map { SimNodeID(index: $0) }
            sim.startChurn(SimChurn(departuresPerHour: churnPerHour, meanDowntime: downtime), nodes: members)
        }

        // Publications at `rate`, from random online honest nodes.
        let honest = (0..<nodes).filter { !sybilSet.contains($0) }
        for m in 0..<messages {
            let at = SimInstant.zero + SimDuration(seconds: warmup + Double(m) / rate)
            let start = rng.nextInt(below: honest.count)
            sim.schedule(at: at) { s in
                // The first online honest node from a random starting point publishes.
                for k in 0..<honest.count {
                    let origin = SimNodeID(index: honest[(start + k) % honest.count])
                    guard s.isOnline(origin) else { continue }
                    s.perform(on: origin) { node, ctx in _ = node.publish(size: size, context: &ctx) }
                    break
                }
            }
        }
        let lastPublish = warmup + Double(max(messages - 1, 0)) / rate
        let end = SimInstant.zero + SimDuration(seconds: lastPublish + drain)
        var result = Result()
        let sampleAt60 = attack == nil ? -1 : Int64((attackStart + 60) * 1e9)
        var sampled60 = false
        let attackStartAt = Int64(attackStart * 1e9)
        var meshPairs: [(Int, Int)]? = nil
        let lastPublishAt = Int64(lastPublish * 1e9)
        var sampledEnd = false
        var nextSample = attackStartAt
        var missChecked = 0
        let missWindow = Int64(min(60, drain) * 1e9)
        sim.run(until: end, every: .seconds(1)) { s in
            let t = s.now.nanoseconds
            if missReportLimit > 0 {
                while missChecked < world.published.count, world.published[missChecked].time + missWindow <= t {
                    Self.describeMisses(missChecked, s, world: world, sybils: sybilSet, limit: missReportLimit, into: &result.misses)
                    missChecked += 1
                }
            }
            if !sampledEnd, attack != nil, t >= lastPublishAt {
                sampledEnd = true
                let sample = Self.attackerScores(s, world: world, sybils: sybilSet, pairs: meshPairs)
                result.attackerMedianScoreAtEnd = sample.median
                result.attackerGraylistedAtEnd = sample.graylisted
            }
            for i in 0..<nodes where !s.isOnline(SimNodeID(index: i)) { world.recordOffline(i, at: t, period: 1_000_000_000) }
            if meshPairs == nil, attack == .covertFlash, t >= attackStartAt {
                // Withheld deliveries are visible only to the honest nodes that had the Sybil in
                // their mesh when the flash began: those links are the ones judged.
                var pairs: [(Int, Int)] = []
                s.withNodes { all in
                    for i in 0..<all.count where !sybilSet.contains(i) {
                        for p in all[i].router.meshPeers(world.topic) {
                            if let n = world.node(of: p), sybilSet.contains(n.index) { pairs.append((i, n.index)) }
                        }
                    }
                }
                meshPairs = pairs
            }
            if !sampled60, sampleAt60 >= 0, t >= sampleAt60 {
                sampled60 = true
                let sample = Self.attackerScores(s, world: world, sybils: sybilSet, pairs: meshPairs)
                result.attackerMedianScoreAt60s = sample.median
                result.attackerGraylistedAt60s = sample.graylisted
            }
            if attack != nil, t >= nextSample {
                nextSample += 10_000_000_000
                var sample = Self.attackerScores(s, world: world, sybils: sybilSet, pairs: meshPairs)
                sample.seconds = Double(t - attackStartAt) / 1e9
                result.timeline.append(sample)
            }
            progress(Double(t) / Double(end.nanoseconds), s)
        }

        let window = min(60, drain)
        let ratio = world.deliveryRatio(window: SimDuration(seconds: window), latest: Int64((lastPublish + drain - window) * 1e9))
        if attack == .eclipse, !world.published.isEmpty {
            let got = world.published.indices.filter { world.published[$0].origin == 0 || world.hasDelivered($0, node: 0) }.count
            result.targetDelivery = Double(got) / Double(world.published.count)
        }
        result.delivered = ratio.delivered
        result.expected = ratio.expected
        result.latency = world.latency
        var duplicates: UInt64 = 0
        var sizes: [String: Int] = [:]
        sim.withNodes { all in
            for i in 0..<all.count where !sybilSet.contains(i) {
                let r = all[i].router
                duplicates &+= r.duplicates
                result.idontwantSent &+= r.idontwantSent
                result.idontwantSuppressed &+= r.idontwantSuppressed
                for reason in GossipDropReason.allCases { result.drops.add(reason, Int(r.drops[reason])) }
                for (k, v) in r.tableSizes { sizes[k, default: 0] += v }
            }
        }
        result.tableSizes = sizes
        let deliveries = max(world.totalDeliveries, 1)
        result.duplicatesPerDelivery = Double(duplicates) / Double(deliveries)
        result.stats = sim.stats
        result.bytesSent = Int64(sim.stats.bytesSent)
        result.bytesPerDelivery = Double(sim.stats.bytesSent) / Double(deliveries)
        result.verifications = world.verifier.verifications
        result.virtualSeconds = sim.now.sinceStart.seconds
        result.traceHash = sim.traceHash
        result.csv = sim.metrics.csv()
        return result
    }

    /// Appends a description of every honest node that should have received message `index`
    /// (up since before its publication) but has not, with its router's state now.
    static func describeMisses(_ index: Int, _ sim: Simulation<GossipSimNode>, world: GossipSimWorld,
                               sybils: Set<Int>, limit: Int, into out: inout [String]) {
        let p = world.published[index]
        guard let id = world.publishedIDs[index] else { return }
        sim.withNodes { all in
            for n in 0..<all.count where n != p.origin && !sybils.contains(n) && !world.hasDelivered(index, node: n) {
                guard out.count < limit, world.startedAt[n] <= p.time, !world.wasOffline(n, from: p.time, to: sim.now.nanoseconds),
                      sim.isOnline(SimNodeID(index: n)) else { continue }
                let r = all[n].router
                let me = world.peerIDs[n]
                let mesh = r.meshPeers(world.topic)
                var meshHave = 0, meshMutual = 0, peersHave = 0
                for q in mesh {
                    guard let qn = world.node(of: q) else { continue }
                    if world.hasDelivered(index, node: qn.index) || qn.index == p.origin { meshHave += 1 }
                    if all[qn.index].router.meshPeers(world.topic).contains(me) { meshMutual += 1 }
                }
                let connected = r.connectedPeers
                var connectedBack = 0
                for q in connected {
                    guard let qn = world.node(of: q) else { continue }
                    if world.hasDelivered(index, node: qn.index) || qn.index == p.origin { peersHave += 1 }
                    if all[qn.index].router.isConnected(me) { connectedBack += 1 }
                }
                let originConnected = r.isConnected(world.peerIDs[p.origin])
                let drops = GossipDropReason.allCases.filter { r.drops[$0] > 0 }.map { "\($0)=\(r.drops[$0])" }.joined(separator: " ")
                out.append("msg \(index) (origin \(p.origin), t=\(String(p.time / 1_000_000)) ms) node \(n): seen=\(r.hasSeen(id)) "
                    + "peers=\(connected.count) (know me back \(connectedBack), have it \(peersHave), origin connected \(originConnected)) "
                    + "topic peers=\(r.peers(in: world.topic).count) mesh=\(mesh.count) (mutual \(meshMutual), have it \(meshHave)) "
                    + "drops: \(drops)")
            }
        }
    }

    /// How honest nodes see the Sybils now: over every honest→Sybil connection, or over
    /// `pairs` (honest, Sybil) when given.
    static func attackerScores(_ sim: Simulation<GossipSimNode>, world: GossipSimWorld, sybils: Set<Int>,
                               pairs: [(Int, Int)]? = nil) -> AttackSample {
        var scores: [Double] = []
        var inMesh = 0
        let graylist = world.parameters.scoring?.graylistThreshold ?? -.infinity
        let gossip = world.parameters.scoring?.gossipThreshold ?? -.infinity
        sim.withNodes { all in
            func judge(_ i: Int, _ s: Int) {
                let r = all[i].router
                scores.append(r.score(of: world.peerIDs[s]))
                if r.meshPeers(world.topic).contains(world.peerIDs[s]) { inMesh += 1 }
            }
            if let pairs {
                for (i, s) in pairs where sim.isOnline(SimNodeID(index: i)) { judge(i, s) }
                return
            }
            for i in 0..<all.count where !sybils.contains(i) && sim.isOnline(SimNodeID(index: i)) {
                for s in sybils where all[i].router.isConnected(world.peerIDs[s]) { judge(i, s) }
            }
        }
        var sample = AttackSample(seconds: 0)
        guard !scores.isEmpty else { sample.graylisted = 1; return sample }
        scores.sort()
        let n = Double(scores.count)
        sample.links = scores.count
        sample.inMesh = Double(inMesh) / n
        sample.negative = Double(scores.filter { $0 < 0 }.count) / n
        sample.belowGossip = Double(scores.filter { $0 < gossip }.count) / n
        sample.graylisted = Double(scores.filter { $0 < graylist }.count) / n
        sample.median = scores[scores.count / 2]
        return sample
    }
}
