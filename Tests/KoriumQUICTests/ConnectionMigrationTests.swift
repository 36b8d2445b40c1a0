import Testing

@testable import KoriumQUIC

/// Moves `total` bytes from the server to the client (a download, as in the interop runner's
/// rebinding cases) on a stream the client opens.
struct DownloadTransfer {
    let total: Int
    var sent = 0
    var received: [UInt8] = []
    var finished = false
    var clientStream: StreamID?
    var serverStream: StreamID?
    var readBuffer = [UInt8](repeating: 0, count: 65536)

    mutating func step(_ pair: inout ConnectionPair) {
        if clientStream == nil, let id = pair.client.openStream(bidirectional: true) {
            clientStream = id
            try? [0x01].withUnsafeBytes { _ = try pair.client.write($0, to: id) }
        }
        if serverStream == nil {
            for case .streamOpened(let id) in pair.serverEvents { serverStream = id }
        }
        if let id = serverStream, pair.server != nil, sent < total {
            let chunk = (sent..<Swift.min(total, sent + 16384)).map(BulkTransfer.pattern)
            let n = (try? chunk.withUnsafeBytes { try pair.server!.write($0, to: id) }) ?? 0
            sent += n
            if sent == total { try? pair.server!.finish(id) }
        }
        if let id = clientStream, !finished {
            while true {
                guard let r = try? readBuffer.withUnsafeMutableBytes({ try pair.client.read(id, into: $0) }) else { break }
                received.append(contentsOf: readBuffer[0..<r.count])
                if r.isFinished { finished = true }
                if r.count == 0 { break }
            }
        }
    }
}

@Suite("Connection migration")
struct ConnectionMigrationTests {
    static let reboundPort = PathAddress(ipv4: 0x0a00_0001, port: 4001)
    static let reboundAddress = PathAddress(ipv4: 0x0a00_0009, port: 5000)

    /// Downloads 512 KiB; after `rebindAfter` bytes arrived the client's apparent address becomes
    /// `newAddress` (datagrams to the old one are lost from then on).
    static func rebindDuringDownload(to newAddress: PathAddress) throws -> (ConnectionPair, DownloadTransfer, ConnectionStats) {
        var pair = try ConnectionPair(seed: 9)
        try pair.establish()
        var transfer = DownloadTransfer(total: 512 * 1024)
        var rebound = false
        var statsAtRebind = ConnectionStats()
        try pair.run(for: .seconds(60), step: { p in
            transfer.step(&p)
            if !rebound && transfer.received.count >= 128 * 1024 {
                rebound = true
                statsAtRebind = p.server!.stats
                p.clientSource = newAddress
            }
        }, stopWhen: { p in transfer.finished && p.server!.migration == nil })
        #expect(rebound)
        return (pair, transfer, statsAtRebind)
    }

    @Test("NAT rebinding to a new port mid-download: the server validates the new path and the transfer completes")
    func rebindPort() throws {
        let (pair, transfer, before) = try Self.rebindDuringDownload(to: Self.reboundPort)
        #expect(transfer.finished)
        #expect(transfer.received == (0..<transfer.total).map(BulkTransfer.pattern))
        let server = try #require(pair.server)
        #expect(server.remoteAddress == Self.reboundPort)
        // PATH_CHALLENGE went out and the client's PATH_RESPONSE echoed it (RFC 9000 §8.2).
        #expect(server.stats.pathMigrations == 1)
        #expect(server.stats.pathsValidated == 1)
        #expect(server.stats.pathValidationFailures == 0)
        #expect(server.migration == nil)
        // Port-only change: the RTT estimate survives (RFC 9000 §9.4).
        #expect(server.stats.minimumRTT == before.minimumRTT)
        #expect(pair.client.state == .established)
    }

    @Test("Rebinding to a new IP address resets congestion control and RTT, uses a fresh connection ID, completes")
    func rebindAddress() throws {
        let (pair, transfer, before) = try Self.rebindDuringDownload(to: Self.reboundAddress)
        #expect(transfer.finished)
        #expect(transfer.received == (0..<transfer.total).map(BulkTransfer.pattern))
        let server = try #require(pair.server)
        #expect(server.remoteAddress == Self.reboundAddress)
        #expect(server.stats.pathMigrations == 1)
        #expect(server.stats.pathsValidated == 1)
        // RFC 9000 §9.4: the RTT estimator started over (its first sample replaced min_rtt).
        #expect(server.recovery.rtt.firstSampleTime! > Instant(nanoseconds: 0))
        #expect(before.minimumRTT > .zero)
        // RFC 9000 §9.5: the server moved to another of the client's connection IDs.
        #expect(try #require(server.cids.remote.first).sequence > 0)
        #expect(pair.client.localConnectionIDs.contains(server.remoteConnectionID))
    }

    @Test("A new path that never answers fails validation after 3×PTO and the server returns to the old address")
    func validationFailureReverts() throws {
        var pair = try ConnectionPair(seed: 5)
        try pair.establish()
        // A PING from a new address whose return path is dead: the server moves there and
        // challenges it, and no PATH_RESPONSE can come back.
        pair.clientSource = Self.reboundPort
        pair.deadAddresses = [Self.reboundPort]
        pair.client.ping()
        let start = pair.now
        try pair.run(for: .seconds(10), stopWhen: { p in p.server!.stats.pathValidationFailures == 1 })
        let server = try #require(pair.server)
        #expect(server.stats.pathMigrations == 1)
        #expect(server.stats.pathValidationFailures == 1)
        #expect(server.stats.pathsValidated == 0)
        #expect(server.remoteAddress == ConnectionPair.clientAddress)
        #expect(server.migration == nil)
        // RFC 9000 §8.2.4: not before three PTOs.
        #expect(pair.now - start >= server.recovery.probeTimeout * 3)
    }

    @Test("Before the handshake is confirmed, datagrams from another address are dropped")
    func noMigrationDuringHandshake() throws {
        var pair = try ConnectionPair(seed: 3)
        // First flight creates the server from the real address, then the address changes.
        try pair.run(for: .milliseconds(15))
        #expect(pair.server != nil)
        let dropped = pair.server!.stats.packetsDropped
        pair.clientSource = Self.reboundPort
        try pair.run(for: .milliseconds(200))
        #expect(pair.server!.stats.packetsDropped > dropped)
        #expect(pair.server!.remoteAddress == ConnectionPair.clientAddress)
        #expect(pair.server!.stats.pathMigrations == 0)
    }
}
