import KoriumCrypto
import KoriumTLS
import KoriumWire
import Testing

@testable import KoriumQUIC

@Suite("Connection handshake")
struct ConnectionHandshakeTests {
    @Test("client and server complete the handshake in memory; identity, ALPN and parameters are visible")
    func handshakeCompletes() throws {
        var pair = try ConnectionPair()
        try pair.run(for: .seconds(5), stopWhen: { $0.client.isHandshakeConfirmed && ($0.server?.isHandshakeConfirmed ?? false) && $0.inFlight.isEmpty })
        let server = try #require(pair.server)
        #expect(pair.client.state == .established)
        #expect(server.state == .established)
        #expect(pair.client.isHandshakeConfirmed)
        #expect(pair.client.peerIdentity?.publicKey == Array(TestIdentities.serverKey.publicKey.rawRepresentation))
        #expect(server.peerIdentity?.publicKey == Array(TestIdentities.clientKey.publicKey.rawRepresentation))
        #expect(pair.client.negotiatedALPN == Array("korium-test".utf8))
        #expect(server.negotiatedALPN == Array("korium-test".utf8))
        #expect(pair.clientEvents.contains(.handshakeCompleted))
        #expect(pair.serverEvents.contains(.handshakeCompleted))
        // RFC 9000 §7.3: both saw each other's authenticated connection IDs.
        #expect(pair.client.peerParameters?.initialSourceConnectionID == server.initialLocalConnectionID)
        #expect(server.peerParameters?.initialSourceConnectionID == pair.client.initialLocalConnectionID)
        #expect(pair.client.remoteConnectionID == server.initialLocalConnectionID)
        // RFC 9001 §4.9: Initial and Handshake keys are gone on both sides once confirmed.
        for s in 0..<2 {
            #expect(pair.client.spaces[s].isDiscarded)
            #expect(server.spaces[s].isDiscarded)
        }
        #expect(pair.client.stats.handshakeDuration != nil)
    }

    @Test("the client's first datagram is padded to 1200 bytes (RFC 9000 §14.1)")
    func clientInitialPadded() throws {
        var pair = try ConnectionPair()
        pair.flush()
        #expect(pair.inFlight.count == 1)
        #expect(pair.inFlight[0].bytes.count >= 1200)
    }

    /// The client's first datagram, its Destination and Source Connection IDs.
    static func firstFlight(_ pair: inout ConnectionPair) throws -> (datagram: [UInt8], dcid: ConnectionID, scid: ConnectionID) {
        pair.flush()
        let datagram = try #require(pair.inFlight.first?.bytes)
        pair.inFlight.removeAll()
        let header = try datagram.withUnsafeBytes { try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }
        return (datagram, header.destinationConnectionID, header.sourceConnectionID)
    }

    /// Answers the client's first Initial with a Retry, returns the client's second datagram.
    static func retry(_ pair: inout ConnectionPair, retrySCID: ConnectionID, token: [UInt8]) throws -> (odcid: ConnectionID, second: [UInt8]) {
        let (_, odcid, scid) = try firstFlight(&pair)
        var writer = ByteWriter(capacity: 128)
        try token.withUnsafeBytes {
            try PacketHeaderWriter.writeRetry(destination: scid, source: retrySCID, token: $0,
                                              originalDestinationConnectionID: odcid, into: &writer)
        }
        var retry = writer.bytes
        retry.withUnsafeMutableBytes { pair.client.handle(datagram: $0, from: ConnectionPair.serverAddress, now: pair.now) }
        pair.flush()
        let second = try #require(pair.inFlight.first?.bytes)
        pair.inFlight.removeAll()
        return (odcid, second)
    }

    @Test("Retry: the client resends its Initial to the new ID with the token; the handshake completes with retry_source_connection_id checked (RFC 9000 §7.3, §17.2.5)")
    func retryHandshake() throws {
        var pair = try ConnectionPair()
        let retrySCID = ConnectionID(hex: "aabbccddeeff0011")
        let token = Array("retry-token".utf8)
        let (odcid, second) = try Self.retry(&pair, retrySCID: retrySCID, token: token)
        let header = try second.withUnsafeBytes { try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }
        #expect(header.type == .initial)
        #expect(header.destinationConnectionID == retrySCID)
        #expect(Array(second[header.tokenRange]) == token)
        #expect(second.count >= 1200)
        pair.server = try Connection(
            server: pair.serverConfig, remote: ConnectionPair.clientAddress, now: pair.now, originalDestinationCID: odcid,
            initialDestinationCID: retrySCID, localCID: ConnectionID(hex: "0102030405060708"), retrySourceCID: retrySCID,
            addressValidated: true)
        try pair.deliverToServer(second)
        try pair.establish()
        #expect(pair.client.isHandshakeConfirmed)
        #expect(pair.server?.isHandshakeConfirmed == true)
        #expect(pair.client.peerParameters?.retrySourceConnectionID == retrySCID)
    }

    @Test("Retry not echoed in the server's transport parameters → client closes with TRANSPORT_PARAMETER_ERROR (RFC 9000 §7.3)")
    func retryNotAuthenticated() throws {
        var pair = try ConnectionPair()
        let retrySCID = ConnectionID(hex: "aabbccddeeff0011")
        let (odcid, second) = try Self.retry(&pair, retrySCID: retrySCID, token: [1, 2, 3])
        pair.server = try Connection(
            server: pair.serverConfig, remote: ConnectionPair.clientAddress, now: pair.now, originalDestinationCID: odcid,
            initialDestinationCID: retrySCID, localCID: ConnectionID(hex: "0102030405060708"), retrySourceCID: nil,
            addressValidated: true)
        try pair.deliverToServer(second)
        try pair.run(for: .seconds(2))
        #expect(pair.client.closeReason == .transport(.transportParameter("retry_source_connection_id does not match the Retry")))
        #expect(pair.server?.closeReason.map { if case .peerTransportClosed(.transportParameterError, _, _) = $0 { true } else { false } } == true)
    }

    @Test("Version Negotiation without our version ends the client with .versionMismatch; one listing it is ignored (RFC 9000 §6.2)")
    func versionNegotiation() throws {
        var pair = try ConnectionPair()
        let (_, dcid, scid) = try Self.firstFlight(&pair)
        func vn(_ versions: [UInt32]) throws -> [UInt8] {
            var writer = ByteWriter(capacity: 64)
            try dcid.withUnsafeBytes { d in
                try scid.withUnsafeBytes { s in
                    try PacketHeaderWriter.writeVersionNegotiation(clientDestination: d, clientSource: s,
                                                                   supportedVersions: versions, unusedBits: 0x15, into: &writer)
                }
            }
            return writer.bytes
        }
        var listsOurs = try vn([0x0a0a_0a0a, QUICVersion.v1])
        listsOurs.withUnsafeMutableBytes { pair.client.handle(datagram: $0, from: ConnectionPair.serverAddress, now: pair.now) }
        #expect(pair.client.state == .handshaking)
        var other = try vn([0x0a0a_0a0a, 0xff00_001d])
        other.withUnsafeMutableBytes { pair.client.handle(datagram: $0, from: ConnectionPair.serverAddress, now: pair.now) }
        #expect(pair.client.state == .closed(.versionMismatch))
    }

    @Test("before address validation the server sends at most 3× what it received (RFC 9000 §8.1)")
    func antiAmplification() throws {
        var pair = try ConnectionPair()
        var clientDatagrams = 0
        var serverBytes = 0
        pair.tamper = { toServer, bytes in
            if toServer {
                clientDatagrams += 1
                return clientDatagrams == 1 ? bytes : nil   // the client's address never proves itself
            }
            serverBytes += bytes.count
            return nil
        }
        try pair.run(for: .seconds(20))
        let server = try #require(pair.server)
        #expect(!server.isAddressValidated)
        #expect(serverBytes > 0)
        #expect(serverBytes <= 3 * 1200)
    }
}
