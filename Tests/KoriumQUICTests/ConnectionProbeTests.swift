import Testing

@testable import KoriumQUIC

@Suite("Connection PTO probes")
struct ConnectionProbeTests {
    /// Whether every live packet of `space` in `connection`'s sent log carries a CRYPTO frame.
    static func everyLivePacketCarriesCrypto(_ connection: Connection, space: Int) -> (packets: Int, ok: Bool) {
        let log = connection.spaces[space].sent
        var packets = 0
        var ok = true
        for entry in log.entries where entry.isLive {
            packets += 1
            var crypto = false
            for f in entry.frameStart..<entry.frameEnd {
                if case .crypto = log.frames[f] { crypto = true }
            }
            ok = ok && crypto
        }
        return (packets, ok)
    }

    @Test("Client Initial PTO probes all retransmit the ClientHello, none is a bare PING (RFC 9002 §6.2.4)")
    func initialProbesCarryCrypto() throws {
        var pair = try ConnectionPair(seed: 21)
        // The ClientHello and the probes of the first PTOs are lost (as when a corrupted
        // ClientHello is followed by lost probes).
        pair.tamper = { toServer, bytes in toServer ? nil : bytes }
        var maxLive = 0
        var allCarry = true
        try pair.run(for: .seconds(4), step: { p in
            let (packets, ok) = Self.everyLivePacketCarriesCrypto(p.client, space: 0)
            maxLive = Swift.max(maxLive, packets)
            allCarry = allCarry && ok
        })
        // Several PTOs fired (the first with two probes) and each Initial carried CRYPTO.
        #expect(pair.client.stats.packetsSent >= 4)
        #expect(maxLive >= 3)
        #expect(allCarry)
        // Once the path clears, the handshake completes.
        pair.tamper = nil
        try pair.establish()
        #expect(pair.client.isHandshakeConfirmed)
    }
}

