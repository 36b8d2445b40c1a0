import KoriumCrypto
import KoriumGossip
import KoriumSim

/// `korium sim gossip --router-bench`: CPU per received message of one router with 1,000
/// connected subscribers (mesh formed, forwarding, IDONTWANT, scoring), with strict Ed25519
/// verification and with verification stubbed out; and resident memory per connected peer.
enum GossipRouterBench {
    struct NoVerify: GossipSignatureVerifier {
        func isValid(_ message: GossipMessage) -> Bool { true }
    }

    static func run(peers count: Int, messages: Int, size: Int) -> SimSummaryTable {
        var table = SimSummaryTable.keyValue()
        table.add("peers", SimFormat.grouped(count))
        table.add("messages × size", "\(SimFormat.grouped(messages)) × \(size) B")
        // Messages from 100 publishers, signed up front (signing is not the router's cost).
        let publishers = (0..<100).map { i in (try? Ed25519.PrivateKey(seed: [UInt8](repeating: UInt8(i + 1), count: 32)))! }
        var msgs: [GossipMessage] = []
        msgs.reserveCapacity(messages)
        for k in 0..<messages {
            msgs.append(GossipMessage(signing: [UInt8](repeating: UInt8(truncatingIfNeeded: k), count: size), topic: "bench",
                                      seqno: UInt64(k + 1), key: publishers[k % publishers.count]))
        }
        func measure<V: GossipSignatureVerifier>(_ verifier: V, label: String) {
            let rssBefore = SimOutput.residentBytes()
            var rng = SplitMix64(seed: 1)
            var r = GossipRouter(key: Ed25519.PrivateKey.generate(), verifier: verifier, validator: AcceptAllValidator())
            let ids = (0..<count).map { GossipPeerID(UInt64($0) + 1, 7, 7, 7) }
            let sub = GossipRPC(subscriptions: [GossipSubscription(subscribe: true, topic: "bench")])
            for (i, p) in ids.enumerated() {
                r.addPeer(p, outbound: i % 2 == 0, address: UInt64(i), now: .zero)
                r.handleRPC(sub, from: p, now: .zero, rng: &rng)
            }
            try? r.subscribe("bench", now: .zero, rng: &rng)
            r.handleHeartbeat(now: GossipInstant(nanoseconds: 1_000_000_000), rng: &rng)
            while r.pollTransmit() != nil {}
            let rssSetup = SimOutput.residentBytes()
            let cpu0 = SimOutput.cpuSeconds()
            var sent = 0
            var heartbeatCPU = 0.0
            var heartbeats = 0
            for (k, m) in msgs.enumerated() {
                // 40 messages per virtual second from rotating peers (under every rate limit).
                let now = GossipInstant(nanoseconds: 2_000_000_000 + Int64(k) * 25_000_000)
                r.handleRPC(GossipRPC(messages: [m]), from: ids[k % count], now: now, rng: &rng)
                if k % 40 == 39 {
                    let h0 = SimOutput.cpuSeconds()
                    r.handleHeartbeat(now: now, rng: &rng)
                    while let (_, rpc) = r.pollTransmit() { sent += rpc.messages.count }
                    heartbeatCPU += SimOutput.cpuSeconds() - h0
                    heartbeats += 1
                }
                while let (_, rpc) = r.pollTransmit() { sent += rpc.messages.count }
                while r.pollEvent() != nil {}
            }
            let cpu = SimOutput.cpuSeconds() - cpu0
            table.add("\(label): CPU per message (incl. heartbeats)", SimFormat.fixed(cpu / Double(messages) * 1e6, decimals: 1) + " µs")
            table.add("\(label): CPU per message (excl. heartbeats)",
                      SimFormat.fixed((cpu - heartbeatCPU) / Double(messages) * 1e6, decimals: 1) + " µs")
            if heartbeats > 0 {
                table.add("\(label): CPU per heartbeat (\(heartbeats), with gossip)",
                          SimFormat.fixed(heartbeatCPU / Double(heartbeats) * 1e6, decimals: 1) + " µs")
            }
            table.add("\(label): copies forwarded per message", SimFormat.fixed(Double(sent) / Double(messages), decimals: 2))
            if let a = rssBefore, let b = rssSetup, let c = SimOutput.residentBytes() {
                table.add("\(label): resident bytes per peer after setup", SimFormat.grouped((b - a) / count))
                table.add("\(label): resident bytes per peer at end (incl. caches)", SimFormat.grouped((c - a) / count))
            }
        }
        measure(NoVerify(), label: "no signature check")
        measure(Ed25519SignatureVerifier(), label: "strict Ed25519")
        return table
    }
}
