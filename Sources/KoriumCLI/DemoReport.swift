import KoriumDHT

/// The final per-node table of `korium demo`.
enum DemoReport {
    /// The first 8 hex digits of a node ID or key.
    static func short(_ id: NodeID) -> String { String(id.description.prefix(8)) }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// Prints one row per node: peers connected, handshakes, FIND_VALUE ok/total, gossip
    /// delivered/expected, bytes sent/received (QUIC connection stats) and mean smoothed RTT.
    static func print(nodes: [DemoNode], delivered: [Int], expected: [Int]) async {
        let header = ["node", "id", "peers", "handshakes", "lookups", "gossip", "sent", "received", "rtt ms"]
        let widths = [4, 8, 5, 10, 7, 6, 9, 9, 6]
        func row(_ cells: [String]) -> String { zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ") }
        DemoOutput.line(row(header))
        var total = (sent: UInt64(0), received: UInt64(0))
        for (i, n) in nodes.enumerated() {
            let c = await n.counters
            let s = await n.connectionTotals()
            total.sent += s.sent
            total.received += s.received
            let rtt = s.meanRTT.map { QUICOutput.decimal(QUICOutput.seconds($0) * 1_000, places: 2) } ?? "-"
            DemoOutput.line(row([
                "\(i)", short(n.identity.nodeID), "\(s.open)", "\(c.handshakes)", "\(c.lookupsOK)/\(c.lookupsTotal)",
                "\(i < delivered.count ? delivered[i] : 0)/\(i < expected.count ? expected[i] : 0)", "\(s.sent)", "\(s.received)", rtt,
            ]))
        }
        DemoOutput.line("total bytes sent \(total.sent), received \(total.received)")
    }
}
