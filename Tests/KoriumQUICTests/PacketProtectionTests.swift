import KoriumCrypto
import KoriumQUIC
import KoriumTLS
import KoriumWire
import Testing

@Suite("Packet protection (RFC 9001 §5, Appendix A)")
struct PacketProtectionTests {
    struct Vector {
        let suite: CipherSuite
        let keys: PacketKeys
        let header: [UInt8]
        let packetNumber: UInt64
        let packetNumberLength: Int
        let payload: [UInt8]
        let packet: [UInt8]
    }

    /// RFC 9001 A.2, A.3, A.5 as transcribed into Vectors/quic/packet-protection-rfc9001.json.
    static func vectors() throws -> [Vector] {
        try vectorTests("quic/packet-protection-rfc9001.json").map { t in
            let suite: CipherSuite = (t["aead"] as? String) == "ChaCha20-Poly1305" ? .chacha20Poly1305SHA256 : .aes128GCMSHA256
            let keys = PacketKeys(
                packet: try PacketKey(suite: suite, key: hexBytes(t["key"] as! String), iv: hexBytes(t["iv"] as! String)),
                header: try HeaderKey(suite: suite, key: hexBytes(t["hp"] as! String)))
            return Vector(
                suite: suite, keys: keys, header: hexBytes(t["header"] as! String),
                packetNumber: UInt64(t["packetNumber"] as! Int), packetNumberLength: t["packetNumberLength"] as! Int,
                payload: hexBytes(t["payload"] as! String), packet: hexBytes(t["packet"] as! String))
        }
    }

    @Test("RFC 9001 A.2, A.3, A.5: sealing reproduces the protected packets byte for byte")
    func sealVectors() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 3)
        for v in vectors {
            var buffer = v.header + v.payload + [UInt8](repeating: 0, count: 16)
            let pnOffset = v.header.count - v.packetNumberLength
            let layout = PacketLayout(packetStart: 0, lengthOffset: nil, packetNumberOffset: pnOffset, packetNumberLength: v.packetNumberLength)
            try buffer.withUnsafeMutableBytes { raw in
                try PacketProtection.seal(raw, layout: layout, packetNumber: v.packetNumber, keys: v.keys)
            }
            #expect(hexString(buffer) == hexString(v.packet))
        }
    }

    @Test("RFC 9001 A.2, A.3, A.5: opening recovers header, packet number and payload")
    func openVectors() throws {
        for v in try Self.vectors() {
            var buffer = v.packet
            let pnOffset = v.header.count - v.packetNumberLength
            let opened = try buffer.withUnsafeMutableBytes { raw in
                try PacketProtection.open(raw, packetNumberOffset: pnOffset, largestReceived: v.packetNumber - 1, keys: v.keys)
            }
            #expect(opened.header.packetNumber == v.packetNumber)
            #expect(opened.header.packetNumberLength == v.packetNumberLength)
            #expect(Array(buffer[0..<opened.header.payloadOffset]) == v.header)
            #expect(Array(buffer[opened.payload]) == v.payload)
        }
    }

    @Test("RFC 9001 A.1/A.2: Initial keys derived from DCID 8394c8f03e515708 open the client Initial")
    func initialKeysFromConnectionID() throws {
        let v = try Self.vectors()[0]
        let keys = try PacketKeys.initial(destinationConnectionID: ConnectionID(hex: "8394c8f03e515708"))
        var buffer = v.packet
        let header = try buffer.withUnsafeBytes { raw in
            try PacketHeader.parse(raw, shortHeaderConnectionIDLength: 0)
        }
        let opened = try buffer.withUnsafeMutableBytes { raw in
            try PacketProtection.open(raw, packetNumberOffset: header.packetNumberOffset, largestReceived: nil, keys: keys.client)
        }
        #expect(opened.header.packetNumber == 2)
        #expect(Array(buffer[opened.payload]) == v.payload)
        // The server's keys do not open the client's packet.
        var again = v.packet
        #expect(throws: PacketOpenError.authenticationFailed) {
            _ = try again.withUnsafeMutableBytes { raw in
                try PacketProtection.open(raw, packetNumberOffset: header.packetNumberOffset, largestReceived: nil, keys: keys.server)
            }
        }
    }

    @Test("any flipped bit in a protected packet fails authentication")
    func tampering() throws {
        let v = try Self.vectors()[2]
        for bit in 0..<(v.packet.count * 8) {
            var buffer = v.packet
            buffer[bit / 8] ^= 1 << UInt8(bit % 8)
            let result = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(PacketOpenError) in
                    try PacketProtection.open(raw, packetNumberOffset: 1, largestReceived: v.packetNumber - 1, keys: v.keys)
                }
            }
            guard case .failure(let error) = result else {
                Issue.record("bit \(bit) flip was accepted")
                continue
            }
            #expect(error == .authenticationFailed)
        }
    }

    @Test("packets too short for the sample are refused without changes (RFC 9001 §5.4.2)")
    func tooShort() throws {
        let v = try Self.vectors()[2]
        var buffer = Array(v.packet.dropLast())
        let before = buffer
        #expect(throws: PacketOpenError.tooShort) {
            _ = try buffer.withUnsafeMutableBytes { raw in
                try PacketProtection.open(raw, packetNumberOffset: 1, largestReceived: nil, keys: v.keys)
            }
        }
        #expect(buffer == before)
    }

    @Test("reserved bits set under valid protection are a PROTOCOL_VIOLATION (RFC 9000 §17.3.1)")
    func reservedBits() throws {
        for suite in [CipherSuite.aes128GCMSHA256, .chacha20Poly1305SHA256, .aes256GCMSHA384] {
            if suite == .aes256GCMSHA384 && !AES256GCM.isAvailable { continue }
            let keys = try PacketKeys(secret: SecureBytes([UInt8](repeating: 7, count: suite.hash.length)), suite: suite)
            var writer = ByteWriter(capacity: 64)
            let layout = try PacketHeaderWriter.writeShortHeader(
                destination: ConnectionID(hex: "0a0b"), keyPhase: true, packetNumber: 300, packetNumberLength: 2, into: &writer)
            try writer.writeBytes([0x01, 0x00, 0x00, 0x00])
            try writer.writeZeros(16)
            var packet = writer.bytes
            packet[0] |= 0x18  // both reserved bits
            try packet.withUnsafeMutableBytes { raw in
                try PacketProtection.seal(raw, layout: layout, packetNumber: 300, keys: keys)
            }
            var copy = packet
            #expect(throws: PacketOpenError.reservedBitsSet) {
                _ = try copy.withUnsafeMutableBytes { raw in
                    try PacketProtection.open(raw, packetNumberOffset: 3, largestReceived: 299, keys: keys)
                }
            }
            #expect(PacketOpenError.reservedBitsSet.transportError?.code == .protocolViolation)
            // Key phase survives the round trip when the bits are clean.
            packet = writer.bytes
            try packet.withUnsafeMutableBytes { raw in
                try PacketProtection.seal(raw, layout: layout, packetNumber: 300, keys: keys)
            }
            let opened = try packet.withUnsafeMutableBytes { raw in
                try PacketProtection.open(raw, packetNumberOffset: 3, largestReceived: 299, keys: keys)
            }
            #expect(opened.header.keyPhase)
            #expect(opened.header.packetNumber == 300)
            #expect(Array(packet[opened.payload]) == [0x01, 0, 0, 0])
        }
    }
}
