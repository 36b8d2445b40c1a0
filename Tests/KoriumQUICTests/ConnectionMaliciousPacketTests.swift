import KoriumWire
import Testing

@testable import KoriumQUIC

/// Malicious packets, correctly protected so they reach frame processing: the server must close
/// with the RFC 9000 error code, and that code is what the client receives in CONNECTION_CLOSE.
@Suite("Connection malicious packets")
struct ConnectionMaliciousPacketTests {
    /// Establishes a pair, injects `payload` as a 1-RTT packet from the client, and returns the
    /// code the client saw.
    func closeCode(afterOneRTT payload: [UInt8]) throws -> (TransportErrorCode?, ConnectionPair) {
        var pair = try ConnectionPair()
        try pair.establish()
        try pair.injectToServer(pair.craftFromClient(space: 2, payload: payload))
        return (pair.codeSeenByClient, pair)
    }

    @Test("unknown frame type → FRAME_ENCODING_ERROR (RFC 9000 §12.4)")
    func unknownFrame() throws {
        let (code, pair) = try closeCode(afterOneRTT: [0x21, 0x00])
        #expect(code == .frameEncodingError)
        #expect(pair.server?.closeReason == .transport(.frameEncoding(0x21, "unknown frame type")))
    }

    @Test("STREAM frame in an Initial packet → PROTOCOL_VIOLATION (RFC 9000 §12.4 Table 3)")
    func streamInInitial() throws {
        var pair = try ConnectionPair()
        // Let the server be created by the genuine first flight, then inject before it completes.
        try pair.run(for: .milliseconds(15))
        #expect(pair.server != nil)
        try pair.injectToServer(pair.craftFromClient(space: 0, payload: CraftedFrames.stream(id: 0, offset: 0, data: [1, 2, 3])))
        #expect(pair.codeSeenByClient == .protocolViolation)
    }

    @Test("HANDSHAKE_DONE from a client → PROTOCOL_VIOLATION (RFC 9000 §19.20)")
    func handshakeDoneFromClient() throws {
        let (code, _) = try closeCode(afterOneRTT: [0x1e])
        #expect(code == .protocolViolation)
    }

    @Test("NEW_TOKEN from a client → PROTOCOL_VIOLATION (RFC 9000 §19.7)")
    func newTokenFromClient() throws {
        let (code, _) = try closeCode(afterOneRTT: [0x07, 0x02, 0xaa, 0xbb])
        #expect(code == .protocolViolation)
    }

    @Test("stream ID over the limit → STREAM_LIMIT_ERROR (RFC 9000 §4.6)")
    func streamIDOverLimit() throws {
        // The server allows 100 client bidirectional streams: index 100 is stream ID 400.
        let (code, _) = try closeCode(afterOneRTT: CraftedFrames.stream(id: 400, offset: 0, data: [1]))
        #expect(code == .streamLimitError)
    }

    @Test("data beyond the stream's flow-control limit → FLOW_CONTROL_ERROR (RFC 9000 §4.1)")
    func flowControlViolation() throws {
        let (code, _) = try closeCode(afterOneRTT: CraftedFrames.stream(id: 0, offset: 1 << 20, data: [1, 2, 3, 4]))
        #expect(code == .flowControlError)
    }

    @Test("ACK of a packet never sent → PROTOCOL_VIOLATION (RFC 9000 §13.1)")
    func ackOfUnsentPacket() throws {
        // ACK: largest 1,000,000, delay 0, no extra ranges, first range 0.
        let (code, _) = try closeCode(afterOneRTT: [0x02] + CraftedFrames.varint(1_000_000) + [0, 0, 0])
        #expect(code == .protocolViolation)
    }

    @Test("RETIRE_CONNECTION_ID of a sequence never issued → PROTOCOL_VIOLATION (RFC 9000 §19.16)")
    func retireUnknownSequence() throws {
        let (code, _) = try closeCode(afterOneRTT: [0x19] + CraftedFrames.varint(1000))
        #expect(code == .protocolViolation)
    }

    @Test("DATAGRAM larger than advertised → PROTOCOL_VIOLATION (RFC 9221 §3)")
    func oversizedDatagram() throws {
        var pair = try ConnectionPair { _, server in server.transportParameters.maxDatagramFrameSize = 16 }
        try pair.establish()
        try pair.injectToServer(pair.craftFromClient(space: 2, payload: [0x31, 0x20] + [UInt8](repeating: 7, count: 32)))
        #expect(pair.codeSeenByClient == .protocolViolation)
    }

    @Test("invalid transport parameters → TRANSPORT_PARAMETER_ERROR (RFC 9000 §7.4, §18.2)")
    func badTransportParameters() throws {
        // ack_delay_exponent above 20 is invalid (RFC 9000 §18.2).
        var pair = try ConnectionPair { client, _ in client.transportParameters.ackDelayExponent = 21 }
        try pair.run(for: .seconds(3))
        #expect(pair.codeSeenByClient == .transportParameterError)
        #expect(!pair.client.isHandshakeComplete)
    }

    @Test("reserved header bits set in an authenticated packet → PROTOCOL_VIOLATION (RFC 9000 §17.3.1)")
    func reservedBits() throws {
        var pair = try ConnectionPair()
        try pair.establish()
        var buffer = [UInt8](repeating: 0, count: 1500)
        // Build a packet whose first byte has a reserved bit set before protection.
        let size: Int = buffer.withUnsafeMutableBytes { raw in
            let pn = pair.client.spaces[2].nextPacketNumber
            pair.client.spaces[2].nextPacketNumber += 1
            var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<1484]))
            guard let layout = try? PacketHeaderWriter.writeShortHeader(
                destination: pair.client.cids.currentRemote, keyPhase: pair.client.oneRTT!.keyPhase, packetNumber: pn,
                packetNumberLength: 4, into: &writer), (try? writer.writeZeros(24)) != nil else { return 0 }
            try? writer.patchUInt8(0x40 | 0x08 | 0x03, at: 0)
            try? writer.patchUInt8(0x01, at: layout.payloadOffset)  // PING
            return pair.client.seal(&writer, layout: layout, space: 2, packetNumber: pn, datagram: raw, offset: 0) ?? 0
        }
        try pair.injectToServer(Array(buffer[0..<size]))
        #expect(pair.codeSeenByClient == .protocolViolation)
    }
}
