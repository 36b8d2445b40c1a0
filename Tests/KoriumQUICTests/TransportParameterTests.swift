import KoriumQUIC
import KoriumWire
import Testing

@Suite("Transport parameters (RFC 9000 §18)")
struct TransportParameterTests {
    /// The quic_transport_parameters extension body of the ClientHello in RFC 9001 A.2.
    static let clientA2 = hexBytes("""
        0408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff
        """)

    func decode(_ bytes: [UInt8], from role: Role = .server) throws(TransportError) -> TransportParameters {
        let result: Result<TransportParameters, TransportError> = bytes.withUnsafeBytes { raw in
            do throws(TransportError) { return .success(try TransportParameters.decode(raw, sentBy: role)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    @Test("RFC 9001 A.2: the client's transport parameters decode")
    func rfc9001ClientHello() throws {
        let p = try decode(Self.clientA2, from: .client)
        #expect(p.initialMaxData == (1 << 62) - 1)
        #expect(p.initialMaxStreamDataBidiLocal == 0xffff)
        #expect(p.initialMaxStreamDataBidiRemote == 0xffff)
        #expect(p.initialMaxStreamDataUni == 0xffff)
        #expect(p.initialMaxStreamsBidi == 16 && p.initialMaxStreamsUni == 16)
        #expect(p.maxIdleTimeout == 30000)
        #expect(p.initialSourceConnectionID == ConnectionID(hex: "8394c8f03e515708"))
        #expect(p.ackDelayExponent == 3 && p.maxAckDelay == 25 && p.activeConnectionIDLimit == 2)
        #expect(p.maxUDPPayloadSize == 65527 && p.maxDatagramFrameSize == nil)
    }

    @Test("every parameter round-trips")
    func roundTrip() throws {
        var p = TransportParameters()
        p.originalDestinationConnectionID = ConnectionID(hex: "0102030405060708")
        p.maxIdleTimeout = 30_000
        p.statelessResetToken = try StatelessResetToken([UInt8](repeating: 0xee, count: 16))
        p.maxUDPPayloadSize = 1452
        p.initialMaxData = 1 << 24
        p.initialMaxStreamDataBidiLocal = 1 << 20
        p.initialMaxStreamDataBidiRemote = 1 << 21
        p.initialMaxStreamDataUni = 1 << 22
        p.initialMaxStreamsBidi = 100
        p.initialMaxStreamsUni = 1 << 60
        p.ackDelayExponent = 20
        p.maxAckDelay = (1 << 14) - 1
        p.disableActiveMigration = true
        p.preferredAddress = PreferredAddress(
            ipv4Address: 0x7f00_0001, ipv4Port: 4433, ipv6Address: [UInt8](repeating: 0, count: 15) + [1], ipv6Port: 4434,
            connectionID: ConnectionID(hex: "aabbcc"), statelessResetToken: try StatelessResetToken([UInt8](repeating: 1, count: 16)))
        p.activeConnectionIDLimit = 8
        p.initialSourceConnectionID = ConnectionID(hex: "f067a5502a4262b5")
        p.retrySourceConnectionID = ConnectionID(hex: "11")
        p.maxDatagramFrameSize = 65535
        p.greaseQUICBit = true
        var writer = ByteWriter(capacity: 256)
        try p.encode(to: &writer)
        #expect(try decode(writer.bytes) == p)
        var empty = ByteWriter(capacity: 8)
        try TransportParameters().encode(to: &empty)
        #expect(empty.bytes.isEmpty)
    }

    @Test("unknown and GREASE parameters (31*N+27) are ignored")
    func unknownIgnored() throws {
        let p = try decode(hexBytes("1b 02 abcd 4023 00 01 04 80004e20"))
        #expect(p.maxIdleTimeout == 20000)
    }

    @Test("invalid values, duplicates and server-only parameters are TRANSPORT_PARAMETER_ERROR")
    func rejections() {
        let cases: [([UInt8], Role, StaticString)] = [
            (hexBytes("03 02 44af"), .server, "max_udp_payload_size below 1200"),
            (hexBytes("0a 01 15"), .server, "ack_delay_exponent above 20"),
            (hexBytes("0b 04 80004000"), .server, "max_ack_delay of 2^14 or more"),
            (hexBytes("0e 01 01"), .server, "active_connection_id_limit below 2"),
            (hexBytes("08 08 d000000000000001"), .server, "initial_max_streams_bidi above 2^60"),
            (hexBytes("09 08 d000000000000001"), .server, "initial_max_streams_uni above 2^60"),
            (hexBytes("01 01 05 01 01 06"), .server, "duplicate transport parameter"),
            (hexBytes("00 01 aa"), .client, "server-only transport parameter from a client"),
            (hexBytes("02 10") + [UInt8](repeating: 0, count: 16), .client, "server-only transport parameter from a client"),
            (hexBytes("10 01 aa"), .client, "server-only transport parameter from a client"),
            (hexBytes("02 0f") + [UInt8](repeating: 0, count: 15), .server, "stateless_reset_token is not 16 bytes"),
            (hexBytes("01 02 05"), .server, "transport parameters truncated"),
            (hexBytes("01 02 05 00"), .server, "malformed integer transport parameter"),
            (hexBytes("0c 01 00"), .server, "disable_active_migration has a value"),
            (hexBytes("0f 15") + [UInt8](repeating: 0, count: 21), .server, "connection ID longer than 20 bytes"),
            (hexBytes("0d 29") + [UInt8](repeating: 0, count: 24) + [0] + [UInt8](repeating: 0, count: 16), .server,
             "preferred_address connection ID length outside 1...20"),
            (hexBytes("0d 10") + [UInt8](repeating: 0, count: 16), .server, "malformed preferred_address"),
            (hexBytes("6ab2 01 00"), .server, "grease_quic_bit has a value"),
        ]
        for (bytes, role, reason) in cases {
            #expect(throws: TransportError.transportParameter(reason)) { _ = try decode(bytes, from: role) }
        }
        #expect(TransportError.transportParameter("x").code == .transportParameterError)
    }

    @Test("arbitrary bytes never trap; accepted parameters satisfy every §18.2 limit")
    func neverTraps() {
        var rng = SeededGenerator(seed: 18)
        let ids: [UInt8] = [0, 1, 2, 3, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x20]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                bytes.append(ids[Int.random(in: 0..<ids.count, using: &rng)])
                let n = Int.random(in: 0...9, using: &rng)
                bytes.append(UInt8(n))
                bytes += rng.bytes(Int.random(in: max(0, n - 1)...n, using: &rng))
            }
            if let p = try? decode(bytes, from: Bool.random(using: &rng) ? .client : .server) {
                #expect(p.maxUDPPayloadSize >= 1200 && p.ackDelayExponent <= 20 && p.maxAckDelay < 1 << 14)
                #expect(p.activeConnectionIDLimit >= 2)
            }
        }
    }
}
