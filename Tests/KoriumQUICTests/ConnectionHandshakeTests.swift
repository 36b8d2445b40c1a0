import KoriumCrypto
import KoriumTLS
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
}
