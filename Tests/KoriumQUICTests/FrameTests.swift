import KoriumQUIC
import KoriumWire
import Testing

/// Parses every frame of `payload`; returns the frames' re-encodings and the error, if any.
func parseFrames(_ payload: [UInt8], in type: PacketType = .oneRTT) -> (frames: [[UInt8]], types: [UInt64], error: TransportError?) {
    payload.withUnsafeBytes { raw in
        var reader = FrameReader(payload: raw, packetType: type)
        var encoded: [[UInt8]] = []
        var types: [UInt64] = []
        while true {
            do throws(TransportError) {
                guard let frame = try reader.next() else { return (encoded, types, nil) }
                var writer = ByteWriter(capacity: 64)
                do { try frame.encode(to: &writer) } catch { Issue.record("re-encoding failed: \(error)") }
                encoded.append(writer.bytes)
                types.append(frame.frameType)
            } catch {
                // Stop at the first bad frame: the reader yields nothing after an error.
                #expect((try? reader.next()) == nil)
                return (encoded, types, error)
            }
        }
    }
}

@Suite("Frames (RFC 9000 §12.4, §19; RFC 9221)")
struct FrameTests {
    @Test("RFC 9001 A.2: the client Initial payload is one CRYPTO frame then PADDING")
    func clientInitialPayload() throws {
        let payload = hexBytes(try #require(try vectorTests("quic/packet-protection-rfc9001.json")[0]["payload"] as? String))
        payload.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .initial)
            guard case .crypto(let offset, let data)? = try? reader.next() else { Issue.record("no CRYPTO"); return }
            #expect(offset == 0 && data.count == 241 && data[0] == 0x01)  // ClientHello
            guard case .padding(let count)? = try? reader.next() else { Issue.record("no PADDING"); return }
            #expect(count == payload.count - 245)
            #expect((try? reader.next()) == nil)
        }
    }

    @Test("RFC 9001 A.3: the server Initial payload is ACK(0) then CRYPTO(ServerHello)")
    func serverInitialPayload() throws {
        let payload = hexBytes(try #require(try vectorTests("quic/packet-protection-rfc9001.json")[1]["payload"] as? String))
        payload.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .initial)
            guard case .ack(let ack)? = try? reader.next() else { Issue.record("no ACK"); return }
            #expect(ack.largestAcknowledged == 0 && ack.smallestAcknowledged == 0 && ack.encodedAckDelay == 0)
            #expect(Array(ack.ranges) == [0...0])
            guard case .crypto(0, let data)? = try? reader.next() else { Issue.record("no CRYPTO"); return }
            #expect(data.count == 90 && data[0] == 0x02)  // ServerHello
        }
        #expect(parseFrames(payload, in: .initial).error == nil)
    }

    @Test("every frame type round-trips byte for byte")
    func roundTrip() throws {
        let cid = try ConnectionID([1, 2, 3, 4, 5])
        let token = try StatelessResetToken([UInt8](0..<16))
        var writer = ByteWriter(capacity: 512)
        let data: [UInt8] = [9, 8, 7]
        try data.withUnsafeBytes { d in
            let frames: [Frame] = [
                .ping, .resetStream(streamID: 4, errorCode: 77, finalSize: 1 << 40), .stopSending(streamID: 8, errorCode: 1),
                .crypto(offset: 1000, data: d), .newToken(d),
                .stream(StreamFrame(streamID: 0, offset: 0, data: d, isFinal: false)),
                .stream(StreamFrame(streamID: 1 << 20, offset: 5, data: d, isFinal: true)),
                .maxData(1 << 50), .maxStreamData(streamID: 3, maximum: 99), .maxStreams(bidirectional: true, maximum: 1 << 60),
                .maxStreams(bidirectional: false, maximum: 0), .dataBlocked(limit: 12), .streamDataBlocked(streamID: 2, limit: 0),
                .streamsBlocked(bidirectional: true, limit: 100), .streamsBlocked(bidirectional: false, limit: 1),
                .newConnectionID(NewConnectionIDFrame(sequenceNumber: 3, retirePriorTo: 1, connectionID: cid, statelessResetToken: token)),
                .retireConnectionID(sequenceNumber: 2), .pathChallenge(0x0102030405060708), .pathResponse(42),
                .connectionClose(ConnectionCloseFrame(isApplicationError: false, errorCode: 0x0a, frameType: 0x08, reason: d)),
                .connectionClose(ConnectionCloseFrame(isApplicationError: true, errorCode: 7, frameType: 0, reason: d)),
                .handshakeDone, .datagram(d), .padding(count: 3),
            ]
            for frame in frames { try frame.encode(to: &writer) }
            let whole = writer.bytes
            let parsed = parseFrames(whole)
            #expect(parsed.error == nil)
            #expect(parsed.frames.count == frames.count)
            #expect(parsed.frames.flatMap { $0 } == whole)
            #expect(parsed.types == frames.map(\.frameType))
        }
    }

    @Test("ACK ranges: written from descending ranges, parsed back, validated against packet 0")
    func ackRanges() throws {
        let ranges: [ClosedRange<UInt64>] = [90...100, 50...80, 10...10, 0...7]
        var writer = ByteWriter(capacity: 64)
        try AckFrame.write(ranges: ranges, encodedAckDelay: 1234, ecn: ECNCounts(ect0: 1, ect1: 2, ce: 3), to: &writer)
        let bytes = writer.bytes
        bytes.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .handshake)
            guard case .ack(let ack)? = try? reader.next() else { Issue.record("no ACK"); return }
            #expect(Array(ack.ranges) == ranges)
            #expect(ack.smallestAcknowledged == 0)
            #expect(ack.ecn == ECNCounts(ect0: 1, ect1: 2, ce: 3))
            #expect(ack.ackDelayMicroseconds(exponent: 3) == 1234 * 8)
        }
        // First range reaching below 0: largest 5, first range 6.
        #expect(parseFrames(hexBytes("02 05 00 00 06")).error == .frameEncoding(0x02, "ACK first range below packet 0"))
        // Gap reaching below 0: largest 5, first 3 (smallest 2), gap 1 → 2 − 1 − 2 < 0.
        #expect(parseFrames(hexBytes("02 05 00 01 03 01 00")).error == .frameEncoding(0x02, "ACK gap below packet 0"))
        // Range length reaching below 0: smallest 5, gap 0 → largest 3, length 4.
        #expect(parseFrames(hexBytes("02 08 00 01 03 00 04")).error == .frameEncoding(0x02, "ACK range below packet 0"))
        // Range count larger than the frame could hold.
        #expect(parseFrames(hexBytes("02 08 00 3f 00 00 00")).error == .frameEncoding(0x02, "ACK range count exceeds frame"))
    }

    @Test("RFC 9000 §12.4 Table 3: frames in the wrong packet type are PROTOCOL_VIOLATION")
    func packetTypeTable() {
        let cases: [([UInt8], PacketType, UInt64)] = [
            (hexBytes("08 00 01 aa"), .initial, 0x08),      // STREAM in Initial
            (hexBytes("10 05"), .handshake, 0x10),          // MAX_DATA in Handshake
            (hexBytes("02 00 00 00 00"), .zeroRTT, 0x02),   // ACK in 0-RTT
            (hexBytes("06 00 01 aa"), .zeroRTT, 0x06),      // CRYPTO in 0-RTT
            (hexBytes("1e"), .zeroRTT, 0x1e),               // HANDSHAKE_DONE in 0-RTT
            (hexBytes("1b 0000000000000000"), .zeroRTT, 0x1b),  // PATH_RESPONSE in 0-RTT
            (hexBytes("07 01 aa"), .zeroRTT, 0x07),         // NEW_TOKEN in 0-RTT
            (hexBytes("1d 00 00"), .initial, 0x1d),         // application CONNECTION_CLOSE in Initial
            (hexBytes("31 00"), .handshake, 0x31),          // DATAGRAM in Handshake
        ]
        for (payload, type, frameType) in cases {
            let error = parseFrames(payload, in: type).error
            #expect(error?.code == .protocolViolation)
            #expect(error?.frameType == frameType)
        }
        // ... and are accepted where the table allows them.
        #expect(parseFrames(hexBytes("1c 00 00 00"), in: .initial).error == nil)
        #expect(parseFrames(hexBytes("01 00 00"), in: .handshake).error == nil)
        #expect(parseFrames(hexBytes("08 00 01 aa"), in: .zeroRTT).error == nil)
        #expect(parseFrames(hexBytes("30 aa bb"), in: .zeroRTT).error == nil)
    }

    @Test("unknown, non-minimal and malformed frames get the RFC error code")
    func malformed() {
        #expect(parseFrames(hexBytes("21")).error == .frameEncoding(0x21, "unknown frame type"))
        #expect(parseFrames(hexBytes("40 01")).error == .protocolViolation(frameType: 0x01, "frame type not minimally encoded"))
        #expect(parseFrames([]).error == .protocolViolation("packet contains no frames"))
        #expect(parseFrames(hexBytes("07 00")).error == .frameEncoding(0x07, "empty NEW_TOKEN"))
        #expect(parseFrames(hexBytes("12 d000000000000001")).error == .frameEncoding(0x12, "MAX_STREAMS above 2^60"))
        #expect(parseFrames(hexBytes("17 d000000000000001")).error == .frameEncoding(0x17, "STREAMS_BLOCKED above 2^60"))
        #expect(parseFrames(hexBytes("18 01 02 04 01020304") + [UInt8](repeating: 0, count: 16)).error
            == .frameEncoding(0x18, "Retire Prior To above Sequence Number"))
        #expect(parseFrames(hexBytes("18 01 00 00") + [UInt8](repeating: 0, count: 16)).error
            == .frameEncoding(0x18, "connection ID length outside 1...20"))
        #expect(parseFrames(hexBytes("18 01 00 15") + [UInt8](repeating: 0, count: 37)).error
            == .frameEncoding(0x18, "connection ID length outside 1...20"))
        #expect(parseFrames(hexBytes("0e 00 ffffffffffffffff 01 aa")).error == .frameEncoding(0x0e, "STREAM offset beyond 2^62-1"))
        #expect(parseFrames(hexBytes("06 ffffffffffffffff 01 aa"), in: .initial).error == .frameEncoding(0x06, "CRYPTO offset beyond 2^62-1"))
        #expect(parseFrames(hexBytes("06 00 05 aa"), in: .initial).error == .frameEncoding(0x06, "length exceeds packet"))
        // A good frame before the bad one is still delivered; nothing after it is.
        let stopped = parseFrames(hexBytes("01 21 01"))
        #expect(stopped.types == [FrameType.ping])
        #expect(stopped.error?.code == .frameEncodingError)
    }

    @Test("STREAM without LEN runs to the end of the packet; DATAGRAM 0x30 likewise")
    func implicitLength() {
        hexBytes("0d 04 07 aabbcc").withUnsafeBytes { raw in  // OFF|FIN, no LEN
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            guard case .stream(let s)? = try? reader.next() else { Issue.record("no STREAM"); return }
            #expect(s.streamID == 4 && s.offset == 7 && s.isFinal && Array(s.data) == [0xaa, 0xbb, 0xcc])
        }
        hexBytes("30 0102").withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            guard case .datagram(let d)? = try? reader.next() else { Issue.record("no DATAGRAM"); return }
            #expect(Array(d) == [1, 2])
        }
    }

    @Test("every truncation of valid frames is an error or fewer frames, never a trap")
    func truncations() throws {
        var writer = ByteWriter(capacity: 128)
        try AckFrame.write(ranges: [20...30, 1...5], encodedAckDelay: 7, ecn: ECNCounts(ect0: 1, ect1: 0, ce: 0), to: &writer)
        try Frame.maxStreamData(streamID: 1 << 30, maximum: 1 << 40).encode(to: &writer)
        try hexBytes("1a 0102030405060708 1c 0a 08 03 616263").withUnsafeBytes { try writer.writeBytes($0) }
        let full = writer.bytes
        for cut in 1..<full.count {
            let result = parseFrames(Array(full[0..<cut]))
            #expect(result.error != nil || result.frames.count < 4)
        }
    }

    @Test("arbitrary payloads never trap in any packet type")
    func neverTraps() {
        var rng = SeededGenerator(seed: 19)
        for _ in 0..<20_000 {
            var bytes = rng.bytes(Int.random(in: 1...48, using: &rng))
            bytes[0] = [0x02, 0x03, 0x08, 0x0f, 0x18, 0x1c, 0x06, 0x31][Int.random(in: 0..<8, using: &rng)]
            for type in [PacketType.initial, .zeroRTT, .oneRTT] { _ = parseFrames(bytes, in: type) }
        }
    }
}
