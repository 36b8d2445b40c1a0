import Glibc
import KoriumIO
import KoriumNetem
import KoriumSim
import Testing

/// The impairment proxy between a plain UDP echo server and a client on loopback. Every check
/// is against both what the endpoints saw and the proxy's own counters.
@Suite("Netem proxy", .serialized)
struct NetemProxyTests {
    /// Sends `count` indexed datagrams in windows of 100, settling after each, and returns the
    /// indices the echo server received, in arrival order.
    func run(_ rig: ProxyRig, count: Int, size: Int = 64) throws -> [Int] {
        var i = 0
        while i < count {
            for j in i..<min(i + 100, count) { try rig.send(indexed(j, size: size)) }
            i += 100
            try rig.settle()
        }
        return rig.echo.records.map { index(of: $0.bytes) }
    }

    func settings(_ text: String) throws -> [ImpairmentSetting] { try ImpairmentScript.parseSettings(Substring(text)) }

    /// Loss 10 % client → server over 2,000 datagrams: measured within ±3 pp (σ = 0.67 pp),
    /// and the server got exactly what the proxy did not count as lost.
    @Test func lossRateWithinTolerance() throws {
        let rig = try ProxyRig(seed: 7) { c in c.clientToServer.link.loss = 0.10 }
        let seen = try run(rig, count: 2_000)
        let s = rig.proxy.stats
        let measured = 1 - Double(seen.count) / 2_000
        #expect(abs(measured - 0.10) <= 0.03, "measured loss \(measured)")
        #expect(s.clientToServer.lost + seen.count == 2_000)
        #expect(s.serverToClient.lost == 0 && rig.replies.count == seen.count)
    }

    /// The same seed drops the same datagrams; another seed drops others.
    @Test func sameSeedSameDrops() throws {
        func survivors(seed: UInt64) throws -> Set<Int> {
            let rig = try ProxyRig(seed: seed) { c in
                c.clientToServer.link.loss = 0.2
                c.serverToClient.link.loss = 0.2
            }
            _ = try run(rig, count: 400)
            return Set(rig.replies.map { index(of: $0.bytes) })
        }
        let a = try survivors(seed: 42), b = try survivors(seed: 42), c = try survivors(seed: 43)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count > 200 && a.count < 300)
    }

    /// Corruption 100 % with 3 bits: every datagram the server sees differs from what was sent
    /// in exactly 3 bits (the index bytes are kept out of it by sending identical payloads).
    @Test func corruptionFlipsBits() throws {
        let rig = try ProxyRig { c in c.clientToServer = ImpairmentParameters(corrupt: 1, corruptBits: 3) }
        let original = [UInt8](repeating: 0x5A, count: 200)
        for _ in 0..<50 { try rig.send(original) }
        try rig.settle()
        let records = rig.echo.records
        #expect(records.count == 50)
        for r in records {
            let distance = zip(r.bytes, original).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            #expect(distance == 3)
        }
        #expect(rig.proxy.stats.clientToServer.corrupted == 50)
        // Replies are not corrupted on the way back: the echo of each corrupted datagram is intact.
        #expect(rig.replies.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }
                == records.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Duplication 30 % over 500: the server sees every index, extra copies match the counter,
    /// and the rate is within ±7 pp (σ = 2 pp).
    @Test func duplicationCounts() throws {
        let rig = try ProxyRig(seed: 3) { c in c.clientToServer.link.duplicate = 0.3 }
        let seen = try run(rig, count: 500)
        let s = rig.proxy.stats.clientToServer
        #expect(Set(seen).count == 500)
        #expect(seen.count == 500 + s.duplicated)
        #expect(abs(Double(s.duplicated) / 500 - 0.3) <= 0.07, "duplicated \(s.duplicated)")
    }

    /// Reordering 30 % held back 40 ms in a burst of 100: late arrivals appear, never more than
    /// the proxy reordered, and the reorder count is within ±15 pp.
    @Test func reorderingCounts() throws {
        let rig = try ProxyRig(seed: 5) { c in
            for setting in try settings("reorder=30%,reorder-delay=40ms") { setting.apply(to: &c.clientToServer) }
        }
        let seen = try run(rig, count: 100)
        #expect(seen.count == 100)
        var highest = -1, late = 0
        for i in seen { if i < highest { late += 1 } else { highest = i } }
        let reordered = rig.proxy.stats.clientToServer.reordered
        #expect(late > 0 && late <= reordered)
        #expect(abs(Double(reordered) / 100 - 0.3) <= 0.15, "reordered \(reordered)")
    }

    /// 40 ms each way: a round trip takes at least 80 ms.
    @Test func delayBothWays() throws {
        let rig = try ProxyRig { c in
            c.clientToServer.link.extraDelay = .milliseconds(40)
            c.serverToClient.link.extraDelay = .milliseconds(40)
        }
        let start = ContinuousClock.now
        try rig.send(indexed(0))
        try rig.settle()
        let rtt = rig.replies[0].at - start
        #expect(rtt >= .milliseconds(80) && rtt < .seconds(10), "rtt \(rtt)")
    }

    /// A port rebind 150 ms after the first datagram: the server sees a new source port on the
    /// same address, and replies to it still reach the client from the proxy's address.
    @Test func rebindPortChangesSourcePort() throws {
        let rig = try ProxyRig { c in c.script = [ImpairmentEvent(at: .milliseconds(150), .rebind(.port))] }
        try rig.send(indexed(0))
        try rig.settle()
        usleep(250_000)
        try rig.send(indexed(1))
        try rig.settle()
        let sources = rig.echo.records.map(\.source)
        #expect(sources.count == 2)
        #expect(sources[0].ip == sources[1].ip && sources[0].port != sources[1].port)
        #expect(rig.replies.count == 2)
        #expect(rig.replies.allSatisfy { $0.source == rig.proxy.listenAddress })
        #expect(rig.proxy.stats.rebinds == 1)
    }

    /// An address rebind: the server sees the client at 127.0.0.2, and replies still arrive.
    @Test func rebindAddressChangesSourceAddress() throws {
        let rig = try ProxyRig { c in c.script = try ImpairmentScript.parse("100ms rebind-addr") }
        try rig.send(indexed(0))
        try rig.settle()
        usleep(200_000)
        try rig.send(indexed(1))
        try rig.settle()
        let sources = rig.echo.records.map(\.source)
        #expect(sources.map(\.ip) == [.v4(IPv4Address(127, 0, 0, 1)), .v4(IPv4Address(127, 0, 0, 2))])
        #expect(rig.replies.count == 2)
    }

    /// Traffic from the server to the binding abandoned by a rebind is dropped, not forwarded.
    @Test func staleBindingDropsServerTraffic() throws {
        let rig = try ProxyRig { c in c.script = try ImpairmentScript.parse("50ms rebind-port") }
        try rig.send(indexed(0))
        try rig.settle()
        let old = rig.echo.records[0].source
        usleep(100_000)
        try rig.send(indexed(1))
        try rig.settle()
        let out = SendBatch()
        out.append(indexed(9), to: old)
        _ = try rig.echo.socket.send(out)
        let deadline = ContinuousClock.now + .seconds(5)
        while rig.proxy.stats.staleDropped == 0 && ContinuousClock.now < deadline { usleep(2_000) }
        try rig.drain()
        #expect(rig.proxy.stats.staleDropped == 1)
        #expect(rig.replies.count == 2)
    }

    /// A 400 ms blackhole starting 300 ms after the first datagram, datagrams every 10 ms for
    /// 1 s: exactly one contiguous run is dropped, with arrivals before and after it, about 40
    /// datagrams long. (The window is on the proxy's clock, which starts when its loop thread
    /// handles the first datagram, so the run is checked by shape and length, not by send times.)
    @Test func blackholeDropsEverythingInWindow() throws {
        let rig = try ProxyRig { c in c.script = [try ImpairmentScript.parseBlackhole("400ms@300ms")] }
        let start = ContinuousClock.now
        for i in 0..<100 {
            // Paced by the clock, not by sleeps, so a loaded machine does not stretch the run.
            while ContinuousClock.now - start < .milliseconds(10 * i) { usleep(1_000) }
            try rig.send(indexed(i))
            try rig.drain()
        }
        try rig.settle()
        let arrived = Set(rig.echo.records.map { index(of: $0.bytes) })
        let dropped = (0..<100).filter { !arrived.contains($0) }
        let s = rig.proxy.stats
        #expect(s.clientToServer.blackholed == dropped.count)
        #expect(dropped.count >= 25 && dropped.count <= 45, "dropped \(dropped)")
        if let first = dropped.first, let last = dropped.last {
            #expect(last - first + 1 == dropped.count, "not one contiguous run: \(dropped)")
            #expect(first >= 10 && last < 90, "run \(first)...\(last)")
        }
    }

    /// Rate 800 kbit/s (100 kB/s) with a 32 KiB queue: a 120 kB burst loses its tail to the
    /// queue, and what passes arrives no faster than the rate.
    @Test func rateLimitBoundsThroughput() throws {
        let rig = try ProxyRig { c in
            for setting in try settings("rate=800kbit queue=32kb") { setting.apply(to: &c.clientToServer) }
        }
        let sendStart = ContinuousClock.now
        for i in 0..<120 { try rig.send(indexed(i, size: 1_000)) }
        try rig.settle()
        let records = rig.echo.records
        let s = rig.proxy.stats.clientToServer
        #expect(s.queueDropped > 0)
        #expect(records.count == s.forwarded && records.count + s.queueDropped == 120)
        // At most 32 KiB queued + 1 in transmission: 33 or 34 datagrams pass.
        #expect(records.count >= 30 && records.count <= 35, "passed \(records.count)")
        // Each datagram leaves after its own 10 ms serialisation, so from the first send to the
        // last arrival no more than the rate can have passed, however the threads were scheduled.
        let span = records.last!.at - sendStart
        let rate = Double(records.count * 1_000) / (Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18)
        #expect(rate <= 100_000 * 1.01, "measured \(rate) B/s")
        #expect(rate >= 100_000 * 0.5, "measured \(rate) B/s")
    }

    /// Datagrams larger than the proxy's slot size are dropped and counted, not truncated.
    @Test func oversizeIsCounted() throws {
        let rig = try ProxyRig { c in c.maxDatagramSize = 1_200 }
        try rig.send(indexed(0, size: 1_500))
        try rig.send(indexed(1, size: 1_200))
        try rig.settle()
        #expect(rig.proxy.stats.clientToServer.oversize == 1)
        #expect(rig.echo.records.map { $0.bytes.count } == [1_200])
    }

    /// IPv6 loopback end to end.
    @Test(.enabled(if: (try? UDPSocket(binding: .loopbackV6())) != nil))
    func ipv6Loopback() throws {
        let rig = try ProxyRig(ipv6: true) { c in c.clientToServer.link.loss = 0.5 }
        let seen = try run(rig, count: 100)
        #expect(rig.proxy.listenAddress.isIPv6)
        #expect(rig.replies.count == seen.count && seen.count > 20 && seen.count < 80)
    }

    /// rebind-addr is refused up front when the server is on IPv6.
    @Test func addressRebindNeedsIPv4() throws {
        var c = NetemProxyConfiguration(listen: .loopbackV6(), server: .loopbackV6(port: 9))
        c.script = [ImpairmentEvent(at: .zero, .rebind(.address))]
        #expect(throws: NetemProxyError.addressRebindNeedsIPv4Loopback(.loopbackV6(port: 9))) { try NetemProxy(c) }
    }

    /// The counters line has every key once, in a fixed order.
    @Test func statsLineIsStable() {
        var s = NetemProxyStats()
        s.clientToServer.lost = 3
        s.rebinds = 1
        let keys = s.line.split(separator: " ").dropFirst().map { $0.split(separator: "=")[0] }
        #expect(s.line.hasPrefix("netem-proxy c2s_received=0 c2s_received_bytes=0 c2s_forwarded=0"))
        #expect(s.line.contains(" c2s_lost=3 ") && s.line.contains(" rebinds=1 "))
        #expect(Set(keys).count == keys.count && keys.count == 30)
    }
}
