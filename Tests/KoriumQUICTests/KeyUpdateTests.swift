import KoriumCrypto
import KoriumQUIC
import KoriumTLS
import KoriumWire
import Testing

@Suite("Key update (RFC 9001 §6)")
struct KeyUpdateTests {
    /// RFC 9001 A.5: the server's 1-RTT secret and its `quic ku` successor.
    static let secretA5 = hexBytes("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b")
    static let kuA5 = hexBytes("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9")

    /// Seals a 1-RTT PING packet with `key`/`header` and phase `bit`.
    func seal(_ pn: UInt64, key: PacketKey, header: HeaderKey, phase bit: Bool) throws -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        let layout = try PacketHeaderWriter.writeShortHeader(
            destination: .empty, keyPhase: bit, packetNumber: pn, packetNumberLength: 2, into: &writer)
        try writer.writeBytes([0x01, 0, 0, 0])
        try writer.writeZeros(16)
        var packet = writer.bytes
        try packet.withUnsafeMutableBytes { raw in
            try PacketProtection.seal(raw, layout: layout, packetNumber: pn, keys: PacketKeys(packet: key, header: header))
        }
        return packet
    }

    /// Opens like a connection would: header protection, key choice by phase, then the AEAD.
    func open(_ packet: [UInt8], with keys: inout OneRTTKeys, largest: UInt64?) throws -> UInt64 {
        var buffer = packet
        let (header, choice) = try buffer.withUnsafeMutableBytes { raw in
            let header = try PacketProtection.removeHeaderProtection(raw, packetNumberOffset: 1, largestReceived: largest, key: keys.remoteHeader)
            return (header, keys.receiveKey(keyPhase: header.keyPhase, packetNumber: header.packetNumber))
        }
        _ = try buffer.withUnsafeMutableBytes { raw in try PacketProtection.decryptPayload(raw, header: header, key: choice.key) }
        try keys.onPacketAuthenticated(packetNumber: header.packetNumber, wasNextPhase: choice.isNextPhase)
        return header.packetNumber
    }

    @Test("RFC 9001 A.5: the next-phase receive key is derived from `quic ku`")
    func nextGeneration() throws {
        let secret = SecureBytes(Self.secretA5)
        #expect(QUICKeyDerivation.nextGenerationSecret(secret, cipherSuite: .chacha20Poly1305SHA256).withUnsafeBytes { [UInt8]($0) } == Self.kuA5)
        var keys = try OneRTTKeys(suite: .chacha20Poly1305SHA256, localSecret: SecureBytes([UInt8](repeating: 1, count: 32)), remoteSecret: secret)
        let nextKeys = try PacketKeys(secret: SecureBytes(Self.kuA5), suite: .chacha20Poly1305SHA256)
        let packet = try seal(7, key: nextKeys.packet, header: keys.remoteHeader, phase: true)
        #expect(try open(packet, with: &keys, largest: 6) == 7)
        #expect(keys.keyPhase)  // answered by updating our own send keys
        #expect(keys.integrityLimit == 1 << 36 && keys.confidentialityLimit == 1 << 62)
    }

    @Test("initiate and respond: both sides rotate, late old-phase packets still open, a double update is KEY_UPDATE_ERROR")
    func pair() throws {
        let c = SecureBytes([UInt8](repeating: 0xc1, count: 32)), s = SecureBytes([UInt8](repeating: 0x5e, count: 32))
        var client = try OneRTTKeys(suite: .aes128GCMSHA256, localSecret: c, remoteSecret: s)
        var server = try OneRTTKeys(suite: .aes128GCMSHA256, localSecret: s, remoteSecret: c)
        let tooEarly = client.initiateUpdate()
        #expect(!tooEarly)  // nothing acknowledged in this phase yet

        let old = try seal(0, key: client.local, header: client.localHeader, phase: client.keyPhase)
        client.onPacketSent(0)
        let late = try seal(1, key: client.local, header: client.localHeader, phase: client.keyPhase)
        client.onPacketSent(1)
        #expect(try open(old, with: &server, largest: nil) == 0)
        client.onAckReceived(largestAcknowledged: 0)
        let started = client.initiateUpdate()
        #expect(started)
        let again = client.initiateUpdate()
        #expect(client.keyPhase && !again)  // one update at a time

        let updated = try seal(2, key: client.local, header: client.localHeader, phase: client.keyPhase)
        client.onPacketSent(2)
        #expect(try open(updated, with: &server, largest: 0) == 2)
        #expect(server.keyPhase)  // responded
        #expect(try open(late, with: &server, largest: 2) == 1)  // reordered packet of the old phase

        let reply = try seal(0, key: server.local, header: server.localHeader, phase: server.keyPhase)
        server.onPacketSent(0)
        #expect(try open(reply, with: &client, largest: nil) == 0)
        #expect(client.keyPhase == server.keyPhase)

        // A peer that updates again before we sent in the new phase violates §6.2.
        var fresh = try OneRTTKeys(suite: .aes128GCMSHA256, localSecret: s, remoteSecret: c)
        let next = QUICKeyDerivation.nextGenerationSecret(c, cipherSuite: .aes128GCMSHA256)
        let second = QUICKeyDerivation.nextGenerationSecret(next, cipherSuite: .aes128GCMSHA256)
        let first = try seal(5, key: PacketKeys(secret: next, suite: .aes128GCMSHA256).packet, header: fresh.remoteHeader, phase: true)
        #expect(try open(first, with: &fresh, largest: 4) == 5)
        let twice = try seal(6, key: PacketKeys(secret: second, suite: .aes128GCMSHA256).packet, header: fresh.remoteHeader, phase: false)
        #expect(throws: TransportError(.keyUpdateError, "peer updated keys twice without confirmation")) {
            _ = try open(twice, with: &fresh, largest: 5)
        }
    }
}
