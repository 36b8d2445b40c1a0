import KoriumSim
import Testing

@testable import KoriumQUIC

/// DPLPMTUD (RFC 9000 §14.3, RFC 8899) end to end: two connections on the simulated link with
/// a link MTU, the client sending a bulk stream.
@Suite("Path MTU discovery on the simulated pair link")
struct PathMTUDiscoveryTests {
    /// The client's send buffer and search ceiling: above every link MTU used here.
    static let ceiling = 3_000

    func makePair(seed: UInt64, total: Int, ceiling: Int = ceiling) throws -> SimPair<SimPollingNode<QUICSimCore>> {
        var (clientConfig, serverConfig) = TestIdentities.configurations(seed: seed)
        clientConfig.maxUDPPayloadSize = ceiling
        serverConfig.maxUDPPayloadSize = ceiling
        let client = try Connection(client: clientConfig, remote: QUICSimCore.address(SimNodeID(1)),
                                    now: QUICSimCore.instant(.zero))
        let pair = SimPair(
            SimPollingNode(QUICSimCore(isClient: true, peer: SimNodeID(1), connection: client,
                                       buffer: [UInt8](repeating: 0, count: ceiling + 100), total: total)),
            SimPollingNode(QUICSimCore(isClient: false, peer: SimNodeID(0), serverConfig: serverConfig,
                                       buffer: [UInt8](repeating: 0, count: ceiling + 100), total: 0)),
            seed: seed)
        pair.latency = .milliseconds(10)
        // A 10 Mbit/s bottleneck with a 32 kB queue (25 ms) stretches the transfer over many
        // round trips: room for the search.
        var link = pair.link
        link.bandwidthBitsPerSecond = 10_000_000
        link.queueCapacityBytes = 32 << 10
        pair.link = link
        return pair
    }

    @Test("the size converges to the largest one the link carries")
    func convergesBelowLinkMTU() throws {
        let total = 1_500_000
        for mtu in [1_400, 2_222] {
            let pair = try makePair(seed: 21, total: total)
            pair.mtu = mtu
            pair.drive(limit: .seconds(120))
            let server = pair[pair.b].core
            let (finished, received, checksum) = (server.finished, server.received, server.checksum)
            #expect(finished && received == total)
            #expect(checksum == QUICSimCore.expectedChecksum(total: total))
            let client = try #require(pair[pair.a].core.connection)
            let stats = client.stats
            // Largest size ≤ the MTU, to within the search's resolution.
            #expect(stats.maxDatagramSize <= mtu)
            #expect(stats.maxDatagramSize > mtu - PathMTUDiscovery.minimumStep)
            #expect(stats.pmtuProbesLost >= UInt64(PathMTUDiscovery.maxProbes))
            #expect(stats.pmtuBlackHoles == 0)
            #expect(client.recovery.cubic?.congestion.constants.maxDatagramSize == stats.maxDatagramSize)
            // The server saw datagrams of the discovered size, none above the MTU.
            let largest = server.connection!.stats.largestDatagramReceived
            #expect(largest <= mtu && largest >= stats.maxDatagramSize)
        }
    }

    @Test("a path without an MTU limit is used up to the ceiling after one probe")
    func reachesCeiling() throws {
        let pair = try makePair(seed: 22, total: 300_000)
        pair.drive(limit: .seconds(60))
        let finished = pair[pair.b].core.finished
        #expect(finished)
        let stats = try #require(pair[pair.a].core.connection).stats
        #expect(stats.maxDatagramSize == Self.ceiling)
        #expect(stats.pmtuProbesSent == 1 && stats.pmtuProbesLost == 0)
    }

    @Test("the peer's max_udp_payload_size caps the search")
    func peerLimitCaps() throws {
        var (clientConfig, serverConfig) = TestIdentities.configurations(seed: 23)
        clientConfig.maxUDPPayloadSize = Self.ceiling
        serverConfig.transportParameters.maxUDPPayloadSize = 1_350
        let client = try Connection(client: clientConfig, remote: QUICSimCore.address(SimNodeID(1)),
                                    now: QUICSimCore.instant(.zero))
        let pair = SimPair(
            SimPollingNode(QUICSimCore(isClient: true, peer: SimNodeID(1), connection: client,
                                       buffer: [UInt8](repeating: 0, count: Self.ceiling), total: 500_000)),
            SimPollingNode(QUICSimCore(isClient: false, peer: SimNodeID(0), serverConfig: serverConfig, total: 0)),
            seed: 23)
        pair.drive(limit: .seconds(60))
        let server = pair[pair.b].core
        let (finished, largest) = (server.finished, server.connection!.stats.largestDatagramReceived)
        #expect(finished)
        #expect(largest == 1_350)
        #expect(try #require(pair[pair.a].core.connection).stats.maxDatagramSize == 1_350)
    }

    @Test("an MTU drop mid-transfer is detected as a black hole: back to 1200, the transfer completes")
    func blackHoleFallsBack() throws {
        let total = 1_000_000
        let pair = try makePair(seed: 24, total: total)
        // Run until the ceiling is confirmed, then shrink the link under the transfer.
        var rounds = 0
        while pair[pair.a].core.connection?.stats.maxDatagramSize != Self.ceiling && rounds < 100 {
            rounds += 1
            pair.simulation.runUntilQuiescent(limit: SimInstant(nanoseconds: Int64(rounds) * 5_000_000))
        }
        let before = try #require(pair[pair.a].core.connection).stats
        #expect(before.maxDatagramSize == Self.ceiling)
        let early = pair[pair.b].core.received
        #expect(early < total / 2)
        pair.mtu = 1_300
        pair.drive(limit: .seconds(300))
        let server = pair[pair.b].core
        let (finished, received, checksum) = (server.finished, server.received, server.checksum)
        #expect(finished && received == total)
        #expect(checksum == QUICSimCore.expectedChecksum(total: total))
        let after = try #require(pair[pair.a].core.connection).stats
        #expect(after.pmtuBlackHoles >= 1)
        #expect(after.maxDatagramSize <= 1_300)
    }

    @Test("discovery off: every datagram stays within 1200 bytes")
    func disabled() throws {
        var (clientConfig, serverConfig) = TestIdentities.configurations(seed: 25)
        clientConfig.pmtuDiscovery = false
        clientConfig.maxUDPPayloadSize = Self.ceiling
        serverConfig.pmtuDiscovery = false
        let client = try Connection(client: clientConfig, remote: QUICSimCore.address(SimNodeID(1)),
                                    now: QUICSimCore.instant(.zero))
        let pair = SimPair(
            SimPollingNode(QUICSimCore(isClient: true, peer: SimNodeID(1), connection: client,
                                       buffer: [UInt8](repeating: 0, count: Self.ceiling), total: 300_000)),
            SimPollingNode(QUICSimCore(isClient: false, peer: SimNodeID(0), serverConfig: serverConfig, total: 0)),
            seed: 25)
        pair.drive(limit: .seconds(60))
        let server = pair[pair.b].core
        let (finished, largest) = (server.finished, server.connection!.stats.largestDatagramReceived)
        #expect(finished)
        #expect(largest == 1_200)
        #expect(try #require(pair[pair.a].core.connection).stats.pmtuProbesSent == 0)
    }
}

@Suite("PMTU probes and loss detection")
struct PMTUProbeLossTests {
    typealias Detector = LossDetection<NewReno>

    static func send(_ d: inout Detector, _ pn: UInt64, at t: Double, bytes: Int = 1200, probe: Bool = false) {
        d.onPacketSent(SentPacket(packetNumber: pn, timeSent: at(t), sentBytes: bytes, isAckEliciting: true,
                                  isInFlight: true, isPMTUProbe: probe), space: .applicationData, now: at(t))
    }

    @Test("a lost PMTU probe is no congestion event (RFC 9000 §14.4), but it leaves bytes in flight")
    func probeLossKeepsWindow() throws {
        var d = Detector(role: .server, congestion: NewReno())
        d.isHandshakeConfirmed = true
        Self.send(&d, 0, at: 0, bytes: 1452, probe: true)
        for pn: UInt64 in 1...4 { Self.send(&d, pn, at: Double(pn)) }
        let window = d.congestion.congestionWindow
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        try d.onAckReceived(ranges: [1...4], ackDelay: .zero, space: .applicationData, now: at(20), acked: &acked, lost: &lost)
        #expect(lost.map(\.packetNumber) == [0] && lost[0].isPMTUProbe)
        #expect(d.congestion.recoveryStartTime == nil)
        #expect(d.congestion.congestionWindow == window + 4 * 1200)
        #expect(d.bytesInFlight == 0)
        // The same loss of an ordinary packet halves the window.
        var e = Detector(role: .server, congestion: NewReno())
        e.isHandshakeConfirmed = true
        for pn: UInt64 in 0...4 { Self.send(&e, pn, at: Double(pn)) }
        acked.removeAll(); lost.removeAll()
        try e.onAckReceived(ranges: [1...4], ackDelay: .zero, space: .applicationData, now: at(20), acked: &acked, lost: &lost)
        #expect(e.congestion.recoveryStartTime != nil)
    }

    @Test("lost probes neither start nor end a persistent-congestion run")
    func probesAndPersistentCongestion() {
        let probe = { (pn: UInt64, t: Double) in
            SentPacket(packetNumber: pn, timeSent: at(t), sentBytes: 1500, isAckEliciting: true, isInFlight: true, isPMTUProbe: true)
        }
        let data = { (pn: UInt64, t: Double) in
            SentPacket(packetNumber: pn, timeSent: at(t), sentBytes: 1200, isAckEliciting: true, isInFlight: true)
        }
        let duration = Duration.milliseconds(100)
        // Probes at both ends of a 300 ms run: only the 50 ms between the data packets counts.
        #expect(!Detector.establishesPersistentCongestion([probe(1, 10), data(2, 100), data(3, 150), probe(4, 310)],
                                                          firstRTTSample: at(0), duration: duration))
        // A probe inside a run keeps it going.
        #expect(Detector.establishesPersistentCongestion([data(1, 10), probe(2, 100), data(3, 150)],
                                                         firstRTTSample: at(0), duration: duration))
    }
}

@Suite("PathMTUDiscovery search (RFC 8899 §5.3)")
struct PathMTUSearchTests {
    static func packet(_ pn: UInt64, _ size: Int, probe: Bool = true) -> SentPacket {
        SentPacket(packetNumber: pn, timeSent: at(0), sentBytes: size, isAckEliciting: true, isInFlight: true, isPMTUProbe: probe)
    }

    /// Runs the search against a path carrying `mtu` bytes; returns the probe sizes tried.
    static func search(mtu: Int, ceiling: Int, peer: UInt64 = 65_527) -> (PathMTUDiscovery, [Int]) {
        var d = PathMTUDiscovery(maximum: ceiling, enabled: true)
        d.start(peerMaximum: peer)
        var tried: [Int] = []
        var pn: UInt64 = 0
        while let size = d.probeDue(now: at(0)), tried.count < 200 {
            tried.append(size)
            d.onProbeSent(packetNumber: pn)
            if size <= mtu { _ = d.onAcked(packet(pn, size), now: at(0)) } else { d.onLost(packet(pn, size), now: at(0)) }
            pn += 1
        }
        return (d, tried)
    }

    @Test("the ceiling first; then bisection to within the minimum step, MAX_PROBES losses per failed size")
    func bisection() {
        let (d, tried) = Self.search(mtu: 1_400, ceiling: 1_452)
        #expect(tried.prefix(3) == [1_452, 1_452, 1_452])
        #expect(d.current <= 1_400 && d.current > 1_400 - PathMTUDiscovery.minimumStep)
        let (full, once) = Self.search(mtu: 9_000, ceiling: 9_000)
        #expect(once == [9_000] && full.current == 9_000)
        let (capped, _) = Self.search(mtu: 9_000, ceiling: 9_000, peer: 1_350)
        #expect(capped.current == 1_350)
        for mtu in [1_200, 1_201, 1_333, 2_000, 8_999] {
            let (r, _) = Self.search(mtu: mtu, ceiling: 9_000)
            #expect(r.current <= mtu && r.current > mtu - PathMTUDiscovery.minimumStep)
        }
    }

    @Test("black hole: repeated large losses with no large packet acknowledged, or repeated PTOs, fall back to 1200")
    func blackHole() {
        var (d, _) = Self.search(mtu: 9_000, ceiling: 9_000)
        #expect(d.current == 9_000)
        // Random loss: a large packet acknowledged in the same ACK resets the count.
        var outcomes: [Bool] = []
        for _ in 0..<10 { outcomes.append(d.onLossEvent(lostLarge: true, ackedLarge: true, now: at(0))) }
        for _ in 0..<3 { outcomes.append(d.onLossEvent(lostLarge: true, ackedLarge: false, now: at(0))) }
        #expect(outcomes == Array(repeating: false, count: 12) + [true])
        #expect(d.current == PathMTUDiscovery.baseSize && d.blackHoles == 1)
        // No probing during the cooldown, then the search starts over.
        #expect(d.probeDue(now: at(1_000)) == nil)
        let later = at(0) + PathMTUDiscovery.blackHoleCooldown
        #expect(d.probeDue(now: later) == 9_000)
        var (e, _) = Self.search(mtu: 9_000, ceiling: 9_000)
        let second = e.onProbeTimeout(ptoCount: 2, now: at(0))
        let third = e.onProbeTimeout(ptoCount: 3, now: at(0))
        #expect(!second && third)
        #expect(e.current == PathMTUDiscovery.baseSize)
    }

    @Test("a completed search runs again after the raise timer")
    func raiseTimer() {
        var (d, _) = Self.search(mtu: 1_300, ceiling: 1_452)
        #expect(d.probeDue(now: at(0)) == nil)
        d.resumeIfDue(now: at(0) + PathMTUDiscovery.raiseInterval)
        #expect(d.probeDue(now: at(0) + PathMTUDiscovery.raiseInterval) == 1_452)
    }
}
