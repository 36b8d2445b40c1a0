import KoriumDHT
import KoriumGossip

/// The phases of `korium demo`, run against a deadline: start the nodes, join the DHT, store
/// and find values, join the gossip topic, publish, then print the table and the checks.
actor DemoRun {
    let command: DemoCommand
    let deadline: ContinuousClock.Instant
    var nodes: [DemoNode] = []
    /// The FIND_VALUE checks: lookups that returned the stored bytes / lookups made.
    var lookupsOK = 0, lookupsTotal = 0
    /// Gossip deliveries per node and the expected count.
    var deliveredPerNode: [Int] = [], expectedPerNode: [Int] = []

    init(command: DemoCommand, deadline: ContinuousClock.Instant) {
        self.command = command
        self.deadline = deadline
    }

    /// Runs every phase; true if every check passed.
    func execute() async throws -> Bool {
        try startNodes()
        let joined = await joinDHT()
        let stored = await storeAndFind()
        let gossiped = await runGossip()
        await DemoReport.print(nodes: nodes, delivered: deliveredPerNode, expected: expectedPerNode)
        DemoOutput.line("check: all nodes joined the DHT ............ \(joined ? "ok" : "FAILED")")
        DemoOutput.line("check: FIND_VALUE found every value ........ \(stored ? "ok" : "FAILED") (\(lookupsOK)/\(lookupsTotal))")
        let sum = deliveredPerNode.reduce(0, +), want = expectedPerNode.reduce(0, +)
        DemoOutput.line("check: every message reached every node .... \(gossiped ? "ok" : "FAILED") (\(sum)/\(want))")
        return joined && stored && gossiped
    }

    /// Closes every endpoint.
    func shutdown() async {
        for n in nodes { await n.shutdown() }
        nodes = []
    }

    var timeLeft: Bool { ContinuousClock.now < deadline }

    /// Polls `condition` every 20 ms until it holds (true) or the deadline passes (false).
    func wait(_ condition: () async -> Bool) async -> Bool {
        while timeLeft {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// Waits for tracked lookups of each node; returns the results (nil: not finished in time).
    func results(_ lookups: [(node: Int, id: LookupID?)]) async -> [LookupResult?] {
        var out: [LookupResult?] = []
        for (n, id) in lookups {
            guard let id else { out.append(nil); continue }
            var r: LookupResult?
            _ = await wait {
                r = await nodes[n].result(of: id)
                return r != nil
            }
            out.append(r)
        }
        return out
    }

    // MARK: Phases

    func startNodes() throws {
        var rng = SystemRandomNumberGenerator()
        var dhtConfig = DHTConfig()
        dhtConfig.powDifficulty = command.powBits
        var gossipParameters = GossipParameters()
        gossipParameters.heartbeatIntervalNanos = Int64(command.heartbeatMs) * 1_000_000
        let clock = DemoClock()
        for i in 0..<command.nodes {
            let identity = try DHTIdentity.generate(difficulty: command.powBits, using: &rng)
            let host = "127.0.0.\(i + 1)"
            let node = try DemoNode(index: i, identity: identity, host: host, dhtConfig: dhtConfig,
                                    gossipParameters: gossipParameters, clock: clock)
            nodes.append(node)
        }
        for n in nodes { Task { await n.run() } }
        DemoOutput.line("demo: \(command.nodes) nodes on 127.0.0.1-\(command.nodes), Ed25519 identities (\(command.powBits)-bit proof of work), QUIC with mutual TLS")
        for (i, n) in nodes.enumerated() {
            DemoOutput.line("  node \(i)  id \(DemoReport.short(n.identity.nodeID))  \(n.endpoint.localAddress)")
        }
    }

    /// Node 0 starts alone; the others join through it (self-lookup), then every node refreshes
    /// its own neighbourhood once all have joined.
    func joinDHT() async -> Bool {
        let seed = nodes[0].contact
        var lookups: [(node: Int, id: LookupID?)] = []
        for (i, n) in nodes.enumerated() { lookups.append((i, await n.startDHT(bootstrap: i == 0 ? [] : [seed]))) }
        let joins = await results(lookups)
        lookups = []
        for (i, n) in nodes.enumerated() { lookups.append((i, await n.refreshSelf())) }
        let refreshes = await results(lookups)
        var sizes: [Int] = []
        for n in nodes { sizes.append(await n.routingContacts.count) }
        DemoOutput.line("dht: joined via node 0; routing table sizes \(sizes.map(String.init).joined(separator: " "))")
        let ok = joins.allSatisfy { $0 != nil } && refreshes.allSatisfy { $0?.succeeded == true } && sizes.allSatisfy { $0 > 0 }
        return ok
    }

    /// `values` records stored by different nodes; every other node looks each one up.
    func storeAndFind() async -> Bool {
        let n = nodes.count
        var records: [(value: [UInt8], key: NodeID, publisher: Int)] = []
        var stores: [(node: Int, id: LookupID?)] = []
        for v in 0..<command.values {
            let p = v % n
            let value = Array("korium demo value \(v) stored by node \(p)".utf8)
            let (key, id) = await nodes[p].put(value)
            records.append((value, key, p))
            stores.append((p, id))
        }
        for (r, result) in zip(records, await results(stores)) {
            DemoOutput.line("dht: node \(r.publisher) stored \(DemoReport.short(r.key)) on \(result?.storedCount ?? 0) nodes")
        }
        var finds: [(node: Int, id: LookupID?)] = []
        var wanted: [[UInt8]] = []
        for r in records {
            for i in 0..<n where i != r.publisher {
                finds.append((i, await nodes[i].findValue(r.key)))
                wanted.append(r.value)
            }
        }
        let found = await results(finds)
        for ((f, value), result) in zip(zip(finds, wanted), found) {
            var ok = false
            if case .content(let c)? = result?.record { ok = c.value == value }
            await nodes[f.node].countLookup(ok: ok)
            lookupsTotal += 1
            if ok { lookupsOK += 1 }
        }
        DemoOutput.line("dht: FIND_VALUE from every other node: \(lookupsOK)/\(lookupsTotal) found")
        return lookupsOK == lookupsTotal
    }

    /// Every node joins the topic and opens gossip pipes to its routing-table contacts; once
    /// every node has a mesh, `messages` signed messages are published round-robin.
    func runGossip() async -> Bool {
        let n = nodes.count
        for node in nodes { try? await node.subscribe() }
        await withTaskGroup(of: Void.self) { group in
            for node in nodes {
                let contacts = await node.routingContacts
                for c in contacts { group.addTask { await node.addGossipPeer(c) } }
            }
        }
        let meshed = await wait {
            for node in nodes {
                let v = await node.topicView
                if v.peers == 0 || v.mesh == 0 { return false }
            }
            return true
        }
        var view: [String] = []
        for node in nodes {
            let v = await node.topicView
            view.append("\(v.peers)/\(v.mesh)")
        }
        DemoOutput.line("gossip: joined \"\(DemoProtocol.topic)\"; topic peers/mesh per node \(view.joined(separator: " "))\(meshed ? "" : " (mesh incomplete)")")
        var published: [(id: GossipMessageID, publisher: Int)] = []
        for m in 0..<command.messages {
            let p = m % n
            if let id = try? await nodes[p].publish(Array("korium demo message \(m) from node \(p)".utf8)) {
                published.append((id, p))
            }
        }
        expectedPerNode = (0..<n).map { i in (0..<command.messages).filter { $0 % n != i }.count }
        deliveredPerNode = Array(repeating: 0, count: n)
        _ = await wait {
            for (i, node) in nodes.enumerated() {
                deliveredPerNode[i] = await node.deliveredCount(of: published.filter { $0.publisher != i }.map(\.id))
            }
            return deliveredPerNode == expectedPerNode
        }
        DemoOutput.line("gossip: published \(published.count)/\(command.messages) signed messages; delivered \(deliveredPerNode.reduce(0, +))/\(expectedPerNode.reduce(0, +))")
        return published.count == command.messages && deliveredPerNode == expectedPerNode
    }
}
