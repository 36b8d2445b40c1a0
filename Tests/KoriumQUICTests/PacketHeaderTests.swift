import KoriumCrypto
import KoriumQUIC
import KoriumWire
import Testing

@Suite("Packet headers (RFC 9000 §17, RFC 8999)")
struct PacketHeaderTests {
    /// RFC 9001 Appendix A.4: the Retry packet answering the client Initial of A.2.
    static let retryA4 = hexBytes("ff000000010008f067a5502a4262b574 6f6b656e04a265ba2eff4d829058fb3f 0f2496ba")

    func parse(_ bytes: [UInt8], at offset: Int = 0, cidLength: Int = 8, grease: Bool = false) throws(PacketHeaderError) -> PacketHeader {
        let result: Result<PacketHeader, PacketHeaderError> = bytes.withUnsafeBytes { raw in
            do throws(PacketHeaderError) {
                return .success(try PacketHeader.parse(raw, at: offset, shortHeaderConnectionIDLength: cidLength, allowsZeroFixedBit: grease))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    @Test("RFC 9001 A.2: the protected client Initial parses (CIDs, empty token, Length 1182)")
    func clientInitial() throws {
        let packet = hexBytes(try #require(try vectorTests("quic/packet-protection-rfc9001.json")[0]["packet"] as? String))
        let header = try parse(packet)
        #expect(header.type == .initial)
        #expect(header.version == QUICVersion.v1)
        #expect(header.destinationConnectionID == ConnectionID(hex: "8394c8f03e515708"))
        #expect(header.sourceConnectionID == .empty)
        #expect(header.tokenRange.isEmpty)
        #expect(header.packetNumberOffset == 18)
        #expect(header.packetEnd == 18 + 0x049e)
        #expect(header.packetEnd == packet.count)
    }

    @Test("RFC 9001 A.3: the server Initial parses (SCID f067a5502a4262b5, Length 117)")
    func serverInitial() throws {
        let packet = hexBytes(try #require(try vectorTests("quic/packet-protection-rfc9001.json")[1]["packet"] as? String))
        let header = try parse(packet)
        #expect(header.type == .initial)
        #expect(header.destinationConnectionID == .empty)
        #expect(header.sourceConnectionID == ConnectionID(hex: "f067a5502a4262b5"))
        #expect(header.packetEnd == packet.count)
    }

    @Test("RFC 9001 A.4: Retry token and integrity tag verify against the original DCID")
    func retry() throws {
        let header = try parse(Self.retryA4)
        #expect(header.type == .retry)
        #expect(header.sourceConnectionID == ConnectionID(hex: "f067a5502a4262b5"))
        #expect(Array(Self.retryA4[header.tokenRange]) == Array("token".utf8))
        let odcid = ConnectionID(hex: "8394c8f03e515708")
        #expect(Self.retryA4.withUnsafeBytes { RetryIntegrity.isValid(retryPacket: $0, originalDestinationConnectionID: odcid) })
        #expect(!Self.retryA4.withUnsafeBytes {
            RetryIntegrity.isValid(retryPacket: $0, originalDestinationConnectionID: ConnectionID(hex: "8394c8f03e515709"))
        })
        var tampered = Self.retryA4
        tampered[20] ^= 1
        #expect(!tampered.withUnsafeBytes { RetryIntegrity.isValid(retryPacket: $0, originalDestinationConnectionID: odcid) })
    }

    @Test("RFC 9001 A.4: writing the Retry reproduces the packet byte for byte")
    func writeRetry() throws {
        var writer = ByteWriter(capacity: 64)
        try Array("token".utf8).withUnsafeBytes { token in
            try PacketHeaderWriter.writeRetry(
                destination: .empty, source: ConnectionID(hex: "f067a5502a4262b5"), token: token,
                originalDestinationConnectionID: ConnectionID(hex: "8394c8f03e515708"), unusedBits: 0x0f, into: &writer)
        }
        #expect(hexString(writer.bytes) == hexString(Self.retryA4))
    }

    @Test("Version Negotiation: written with swapped CIDs (RFC 8999 §6), parsed back")
    func versionNegotiation() throws {
        var writer = ByteWriter(capacity: 64)
        let long = [UInt8](repeating: 0xab, count: 40)  // 40-byte CID: legal in other versions
        try long.withUnsafeBytes { dcid in
            try [UInt8]([1, 2, 3]).withUnsafeBytes { scid in
                try PacketHeaderWriter.writeVersionNegotiation(
                    clientDestination: dcid, clientSource: scid, supportedVersions: [QUICVersion.v1, 0x1a2a3a4a],
                    unusedBits: 0x55, into: &writer)
            }
        }
        let bytes = writer.bytes
        let header = try parse(bytes)
        #expect(header.type == .versionNegotiation)
        #expect(header.destinationConnectionID == (try ConnectionID([1, 2, 3])))
        #expect(Array(bytes[header.sourceConnectionIDRange]) == long)
        #expect(header.sourceConnectionID == .empty)
        #expect(hexString(bytes[header.tokenRange]) == "000000011a2a3a4a")
        #expect(QUICVersion.isReserved(0x1a2a3a4a))
        #expect(!QUICVersion.isReserved(QUICVersion.v1))
        // A version list that is not whole 32-bit words is malformed.
        #expect(throws: PacketHeaderError.malformedVersionList) { _ = try parse(bytes.dropLast(1).map { $0 }) }
    }

    @Test("an unknown version keeps the invariant fields only (RFC 8999 §5.1)")
    func unsupportedVersion() throws {
        let bytes = hexBytes("c0 ff00001d 04 01020304 00 deadbeef")
        let header = try parse(bytes)
        #expect(header.type == .unsupportedVersion)
        #expect(header.version == 0xff00001d)
        #expect(header.destinationConnectionID == ConnectionID(hex: "01020304"))
    }

    @Test("short header: DCID of the configured length, packet runs to the datagram end")
    func shortHeader() throws {
        let bytes = hexBytes("41 0102030405060708 aabb 00112233445566778899aabbccddeeff00")
        let header = try parse(bytes)
        #expect(header.type == .oneRTT)
        #expect(header.destinationConnectionID == ConnectionID(hex: "0102030405060708"))
        #expect(header.packetNumberOffset == 9)
        #expect(header.packetEnd == bytes.count)
    }

    @Test("fixed bit 0 is rejected unless greased; v1 CIDs over 20 bytes and bad lengths too")
    func rejections() throws {
        #expect(throws: PacketHeaderError.fixedBitZero) { _ = try parse(hexBytes("01 0102030405060708 00")) }
        #expect(try parse(hexBytes("01 0102030405060708 00"), grease: true).type == .oneRTT)
        #expect(throws: PacketHeaderError.fixedBitZero) { _ = try parse(hexBytes("80 00000001 00 00 00 01 00")) }
        let longCID = hexBytes("c0 00000001 15") + [UInt8](repeating: 0, count: 21) + [0, 0, 1, 0]
        #expect(throws: PacketHeaderError.connectionIDTooLong(21)) { _ = try parse(longCID) }
        #expect(throws: PacketHeaderError.lengthBeyondDatagram(length: 5, available: 2)) {
            _ = try parse(hexBytes("c0 00000001 00 00 00 05 0000"))
        }
        #expect(throws: PacketHeaderError.retryTooShort) { _ = try parse(hexBytes("f0 00000001 00 00") + [UInt8](repeating: 0, count: 15)) }
        #expect(throws: PacketHeaderError.malformed(.truncated(needed: 4, available: 2))) { _ = try parse(hexBytes("c0 0000")) }
    }

    @Test("coalesced packets: Initial, Handshake and 1-RTT in one datagram are found in order")
    func coalesced() throws {
        var writer = ByteWriter(capacity: 256)
        let dcid = ConnectionID(hex: "0102030405060708"), scid = ConnectionID(hex: "a1a2a3a4")
        for type in [PacketType.initial, .handshake] {
            let layout = try PacketHeaderWriter.writeLongHeader(
                type: type, destination: dcid, source: scid, packetNumber: 7, packetNumberLength: 2, into: &writer)
            try writer.writeZeros(30)
            try PacketHeaderWriter.finishLongHeader(layout, tagByteCount: 16, writer: &writer)
            try writer.writeZeros(16)
        }
        _ = try PacketHeaderWriter.writeShortHeader(destination: dcid, keyPhase: true, packetNumber: 9, packetNumberLength: 1, into: &writer)
        try writer.writeZeros(40)
        let datagram = writer.bytes
        var offset = 0
        var types: [PacketType] = []
        while offset < datagram.count {
            let header = try parse(datagram, at: offset)
            types.append(header.type)
            #expect(header.destinationConnectionID == dcid)
            #expect(header.packetStart == offset)
            offset = header.packetEnd
        }
        #expect(types == [.initial, .handshake, .oneRTT])
        #expect(offset == datagram.count)
    }

    @Test("arbitrary bytes never trap and a parsed packet stays inside the datagram")
    func neverTraps() {
        var rng = SeededGenerator(seed: 9000)
        for round in 0..<20_000 {
            var bytes = rng.bytes(Int.random(in: 0...80, using: &rng))
            if round % 2 == 0, !bytes.isEmpty { bytes[0] |= 0xc0 }
            if round % 4 == 0, bytes.count > 5 { bytes[1] = 0; bytes[2] = 0; bytes[3] = 0; bytes[4] = 1 }
            if let header = try? parse(bytes, cidLength: Int.random(in: 0...20, using: &rng)) {
                #expect(header.packetEnd <= bytes.count)
                #expect(header.packetNumberOffset <= header.packetEnd)
                #expect(header.tokenRange.upperBound <= bytes.count)
            }
        }
    }
}

@Suite("Stateless Reset (RFC 9000 §10.3)")
struct StatelessResetTests {
    @Test("token = HMAC-SHA256(key, CID)[0..16], distinct per CID and key")
    func tokens() throws {
        let key = SecureBytes([UInt8](repeating: 0x11, count: 32))
        let cid = ConnectionID(hex: "0102030405060708")
        let token = StatelessReset.token(for: cid, staticKey: key)
        #expect(token.bytes == Array(HMAC<SHA256>.authenticate(key: [UInt8](repeating: 0x11, count: 32), message: cid.bytes).prefix(16)))
        #expect(token != StatelessReset.token(for: ConnectionID(hex: "0102030405060709"), staticKey: key))
        #expect(token != StatelessReset.token(for: cid, staticKey: SecureBytes([UInt8](repeating: 0x12, count: 32))))
    }

    @Test("sizes: smaller than the trigger, at least 21 bytes, one shorter for triggers ≤ 43 (§10.3, §10.3.3)")
    func sizes() {
        #expect(StatelessReset.responseSize(triggerSize: 21) == nil)
        #expect(StatelessReset.responseSize(triggerSize: 22) == 21)
        #expect(StatelessReset.responseSize(triggerSize: 43) == 42)
        #expect(StatelessReset.responseSize(triggerSize: 1200) == 43)
        #expect(StatelessReset.responseSize(triggerSize: 1200, preferredSize: 2000) == 1199)
    }

    @Test("a written reset looks like a short header and is detected by its token only")
    func writeAndDetect() throws {
        let token = try StatelessResetToken([UInt8](0..<16))
        var writer = ByteWriter(capacity: 64)
        try StatelessReset.write(token: token, size: 30, random: { buffer in
            for i in 0..<buffer.count { buffer[i] = 0xff }
        }, into: &writer)
        let bytes = writer.bytes
        #expect(bytes.count == 30 && bytes[0] == 0x7f && Array(bytes.suffix(16)) == [UInt8](0..<16))
        #expect(bytes.withUnsafeBytes { StatelessReset.matches(datagram: $0, token: token) })
        let other = try StatelessResetToken([UInt8](1...16))
        #expect(!bytes.withUnsafeBytes { StatelessReset.matches(datagram: $0, token: other) })
        #expect(!Array(bytes.suffix(20)).withUnsafeBytes { StatelessReset.matches(datagram: $0, token: token) })
    }
}
