import KoriumSim
import KoriumWire
import Testing

@testable import KoriumQUIC

@Suite("Connection lifecycle")
struct ConnectionLifecycleTests {
    @Test("idle timeout closes both sides with .timedOut (RFC 9000 §10.1: min of both, ≥ 3 PTO)")
    func idleTimeoutBothSides() throws {
        var pair = try ConnectionPair { client, server in
            client.transportParameters.maxIdleTimeout = 2_000
            server.transportParameters.maxIdleTimeout = 5_000
        }
        try pair.establish()
        let established = pair.now
        try pair.run(for: .seconds(10), stopWhen: { $0.client.state == .closed(.timedOut) && $0.server?.state == .closed(.timedOut) })
        #expect(pair.client.state == .closed(.timedOut))
        #expect(pair.server?.state == .closed(.timedOut))
        #expect(pair.clientEvents.last == .closed(.timedOut))
        #expect(pair.serverEvents.last == .closed(.timedOut))
        // The effective timeout is the smaller one (2 s), not the server's 5 s.
        #expect(pair.now - established < .seconds(3))
    }

    @Test("a vanished peer gives .timedOut within the idle timeout while data is outstanding")
    func vanishedPeer() throws {
        var pair = try ConnectionPair { client, server in
            client.transportParameters.maxIdleTimeout = 3_000
            server.transportParameters.maxIdleTimeout = 3_000
        }
        try pair.establish()
        let start = pair.now
        pair.tamper = { toServer, bytes in toServer ? nil : bytes }   // the server is gone
        let opened = pair.client.openStream(bidirectional: true)
        let id = try #require(opened)
        let data = [UInt8](repeating: 1, count: 50_000)
        _ = try data.withUnsafeBytes { try pair.client.write($0, to: id) }
        try pair.run(for: .seconds(10), stopWhen: { if case .closed = $0.client.state { return true } else { return false } })
        #expect(pair.client.state == .closed(.timedOut))
        #expect(pair.now - start <= .seconds(4))
        var client = pair.client
        #expect(throws: StreamError.connectionClosed) { _ = try data.withUnsafeBytes { try client.write($0, to: id) } }
    }

    @Test("application close: the peer sees the code and reason; both end closed after draining")
    func applicationClose() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        pair.client.close(errorCode: 42, reason: Array("bye".utf8), now: pair.now)
        try pair.run(for: .seconds(5))
        #expect(pair.server?.state == .closed(.applicationClosed(code: 42, reason: Array("bye".utf8))))
        #expect(pair.client.state == .closed(.locallyClosed))
    }

    @Test("application close before the handshake completes travels as APPLICATION_ERROR (RFC 9000 §10.2.3)")
    func earlyApplicationClose() throws {
        var pair = try ConnectionPair()
        try pair.run(for: .milliseconds(15))
        pair.client.close(errorCode: 7, reason: Array("early".utf8), now: pair.now)
        try pair.run(for: .seconds(5))
        guard case .closed(.peerTransportClosed(let code, _, _)) = try #require(pair.server?.state) else {
            Issue.record("server state \(String(describing: pair.server?.state))")
            return
        }
        #expect(code == .applicationError)
    }

    @Test("DATAGRAM frames both ways (RFC 9221)")
    func datagrams() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try pair.client.sendDatagram($0) }
        try [UInt8]([4, 5]).withUnsafeBytes { try pair.server!.sendDatagram($0) }
        try pair.run(for: .seconds(1))
        #expect(pair.serverEvents.contains(.datagramReceived([1, 2, 3])))
        #expect(pair.clientEvents.contains(.datagramReceived([4, 5])))
        var client = pair.client
        #expect(throws: DatagramError.tooLarge) {
            try [UInt8](repeating: 0, count: 1300).withUnsafeBytes { try client.sendDatagram($0) }
        }
    }

    /// Without the drop it would wait at the head of the queue until a probe re-confirmed the
    /// larger size — forever, with every later DATAGRAM behind it, if the path shrank for good.
    @Test("a DATAGRAM queued before the path's size fell back is dropped at once, not held at the head of the queue")
    func datagramAfterPMTUFallback() throws {
        var pair = try ConnectionPair { client, server in
            client.maxUDPPayloadSize = 3_000
            server.maxUDPPayloadSize = 3_000
            server.transportParameters.maxDatagramFrameSize = 65_535
        }
        try pair.establish()
        // Probes ride on application data: a few small datagrams let the search converge
        // (on the pair's 1,500-byte link).
        for _ in 0..<10 {
            try [UInt8]([0]).withUnsafeBytes { try pair.client.sendDatagram($0) }
            try pair.run(for: .milliseconds(100))
        }
        try #require(pair.client.stats.maxDatagramSize >= 1_470)
        try [UInt8](repeating: 7, count: 1_400).withUnsafeBytes { try pair.client.sendDatagram($0) }
        pair.client.pmtu.resetForNewPath()   // as a black hole or a new path would
        try [UInt8]([1, 2]).withUnsafeBytes { try pair.client.sendDatagram($0) }
        try pair.run(for: .seconds(1))
        #expect(pair.serverEvents.contains(.datagramReceived([1, 2])))
        #expect(!pair.serverEvents.contains { if case .datagramReceived(let d) = $0 { d.count == 1_400 } else { false } })
        #expect(pair.client.stats.datagramsDropped == 1)
        #expect(pair.client.outgoingDatagrams.isEmpty)
    }

    @Test("DATAGRAM to a peer without max_datagram_frame_size is refused locally")
    func datagramUnsupported() throws {
        var pair = try ConnectionPair { _, server in server.transportParameters.maxDatagramFrameSize = nil }
        try pair.establish()
        var client = pair.client
        #expect(throws: DatagramError.unsupportedByPeer) { try [UInt8]([1]).withUnsafeBytes { try client.sendDatagram($0) } }
    }

    @Test("key update initiated by either side: data keeps flowing and both phases advance (RFC 9001 §6)")
    func keyUpdate() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        pair.client.ping()
        try pair.run(for: .seconds(1))
        let clientUpdated = pair.client.initiateKeyUpdate()
        #expect(clientUpdated)
        var transfer = BulkTransfer(total: 64 * 1024)
        try pair.run(for: .seconds(10), step: { transfer.step(&$0) }, stopWhen: { _ in transfer.finished })
        #expect(transfer.finished)
        #expect(pair.client.oneRTT?.keyPhase == true)
        #expect(pair.server?.oneRTT?.keyPhase == true)
        let serverUpdated = pair.server!.initiateKeyUpdate()
        #expect(serverUpdated)
        pair.server!.ping()
        try pair.run(for: .seconds(1))
        #expect(pair.client.oneRTT?.keyPhase == false)
        #expect(pair.client.state == .established)
    }

    @Test("keyUpdateInterval rotates keys repeatedly during a transfer")
    func keyUpdateInterval() throws {
        var pair = try ConnectionPair { client, _ in client.keyUpdateInterval = 20 }
        try pair.establish()
        var transfer = BulkTransfer(total: 200 * 1024)
        try pair.run(for: .seconds(20), step: { transfer.step(&$0) }, stopWhen: { _ in transfer.finished })
        #expect(transfer.finished)
        #expect(pair.client.stats.keyUpdates >= 3)
        #expect(pair.server!.stats.keyUpdates >= 3)
    }

    @Test("connection IDs: each side issues up to the peer's limit and the endpoint hears of them")
    func connectionIDIssuance() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        let server = try #require(pair.server)
        let issuedByServer = pair.serverEvents.compactMap { e -> ConnectionID? in
            if case .connectionIDIssued(let id, _) = e { return id } else { return nil }
        }
        // Default active_connection_id_limit is 4 on both sides.
        #expect(issuedByServer.count == 4)
        #expect(Set(issuedByServer) == Set(server.localConnectionIDs))
        #expect(pair.client.cids.remote.count == 4)
        #expect(server.cids.remote.count == 4)
    }

    @Test("retiring a connection ID is reported and replaced (RFC 9000 §19.16)")
    func retireConnectionID() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        let retiredID = pair.server!.cids.local.first { $0.sequence == 1 }!.id
        let retiredSpare = pair.client.retireRemoteConnectionID(sequence: 1)
        let retiredCurrent = pair.client.retireRemoteConnectionID(sequence: 0)
        #expect(retiredSpare)
        #expect(!retiredCurrent)
        try pair.run(for: .seconds(1))
        #expect(pair.serverEvents.contains(.connectionIDRetired(retiredID)))
        #expect(!pair.server!.localConnectionIDs.contains(retiredID))
        #expect(pair.server!.localConnectionIDs.count == 4)
        #expect(pair.server!.state == .established)
        #expect(pair.client.cids.remote.count == 4)
        #expect(!pair.client.cids.remote.contains { $0.id == retiredID })
    }

    @Test("a stateless reset from the server is detected by the client (RFC 9000 §10.3.1)")
    func statelessReset() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        let server = try #require(pair.server)
        let token = server.cids.token(for: server.initialLocalConnectionID)
        var writer = ByteWriter(capacity: 64)
        try StatelessReset.write(token: token, size: 40, random: { SeededByteSource(seed: 9).fill($0) }, into: &writer)
        var reset = writer.bytes
        reset.withUnsafeMutableBytes { pair.client.handle(datagram: $0, from: ConnectionPair.serverAddress, now: pair.now) }
        #expect(pair.client.state == .closed(.reset))
    }

    @Test("keep-alive PINGs hold an idle connection open past the idle timeout")
    func keepAlive() throws {
        var pair = try ConnectionPair { client, server in
            client.transportParameters.maxIdleTimeout = 2_000
            server.transportParameters.maxIdleTimeout = 2_000
            client.keepAliveInterval = .milliseconds(500)
        }
        try pair.establish()
        try pair.run(for: .seconds(8))
        #expect(pair.client.state == .established)
        #expect(pair.server?.state == .established)
    }

    @Test("PATH_CHALLENGE is answered with PATH_RESPONSE carrying the same data (RFC 9000 §8.2.2)")
    func pathChallenge() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        let before = pair.server!.stats.packetsSent
        try pair.deliverToServer(pair.craftFromClient(space: 2, payload: [0x1a, 1, 2, 3, 4, 5, 6, 7, 8]))
        #expect(pair.server!.pathResponses == [0x0102_0304_0506_0708])
        try pair.run(for: .seconds(1))
        #expect(pair.server!.pathResponses.isEmpty)
        #expect(pair.server!.stats.packetsSent > before)
        #expect(pair.server!.state == .established)
    }

    @Test("NEW_TOKEN from the server reaches the client as .newToken (RFC 9000 §8.1.3); clients cannot send one")
    func newToken() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        let token = Array("address-token".utf8)
        let queuedByServer = pair.server!.sendNewToken(token)
        let queuedByClient = pair.client.sendNewToken(token)
        #expect(queuedByServer)
        #expect(!queuedByClient)
        try pair.run(for: .seconds(1))
        #expect(pair.clientEvents.contains(.newToken(token)))
        #expect(pair.server!.inFlightNewTokens.isEmpty)
    }

    @Test("while closing, CONNECTION_CLOSE answers incoming datagrams at a decreasing rate (RFC 9000 §10.2.1)")
    func closingRateLimit() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        pair.server!.close(errorCode: 1, reason: [], now: pair.now)
        var buffer = [UInt8](repeating: 0, count: 1500)
        _ = buffer.withUnsafeMutableBytes { pair.server!.pollTransmit(into: $0, now: pair.now) }
        var answered = 0
        for _ in 0..<16 {
            var junk = [UInt8](repeating: 0x40, count: 60)
            junk.withUnsafeMutableBytes { pair.server!.handle(datagram: $0, from: ConnectionPair.clientAddress, now: pair.now) }
            if buffer.withUnsafeMutableBytes({ pair.server!.pollTransmit(into: $0, now: pair.now) }) != nil { answered += 1 }
        }
        // Datagrams 1, 2, 4, 8 and 16 are answered.
        #expect(answered == 5)
        #expect(pair.server!.state == .closing)
    }
}
