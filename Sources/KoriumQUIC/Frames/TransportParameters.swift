import KoriumWire

/// A server's preferred address (RFC 9000 §18.2, §9.6).
public struct PreferredAddress: Sendable, Hashable {
    /// IPv4 address (4 bytes, network order) and port; all-zero when absent.
    public var ipv4Address: UInt32
    /// IPv4 port.
    public var ipv4Port: UInt16
    /// IPv6 address (16 bytes); all-zero when absent.
    public var ipv6Address: [UInt8]
    /// IPv6 port.
    public var ipv6Port: UInt16
    /// The connection ID to use at the new address (1–20 bytes).
    public var connectionID: ConnectionID
    /// Its stateless reset token.
    public var statelessResetToken: StatelessResetToken

    /// Creates a preferred address.
    public init(ipv4Address: UInt32, ipv4Port: UInt16, ipv6Address: [UInt8], ipv6Port: UInt16,
                connectionID: ConnectionID, statelessResetToken: StatelessResetToken) {
        precondition(ipv6Address.count == 16, "IPv6 address is 16 bytes")
        self.ipv4Address = ipv4Address
        self.ipv4Port = ipv4Port
        self.ipv6Address = ipv6Address
        self.ipv6Port = ipv6Port
        self.connectionID = connectionID
        self.statelessResetToken = statelessResetToken
    }
}

/// QUIC transport parameters (RFC 9000 §18.2, RFC 9221 §3, RFC 9287 §3), with the RFC's
/// defaults for absent parameters.
///
/// ``decode(_:sentBy:)`` validates every value and the sender's role; any violation is a
/// TRANSPORT_PARAMETER_ERROR (RFC 9000 §7.4). Connection-ID cross-checks against the packets
/// actually seen (§7.3) belong to the connection.
public struct TransportParameters: Sendable, Hashable {
    /// 0x00, server only: the Destination Connection ID of the client's first Initial.
    public var originalDestinationConnectionID: ConnectionID?
    /// 0x01: idle timeout in milliseconds; 0 = none.
    public var maxIdleTimeout: UInt64 = 0
    /// 0x02, server only.
    public var statelessResetToken: StatelessResetToken?
    /// 0x03: the largest UDP payload the sender accepts; ≥ 1200, default 65527.
    public var maxUDPPayloadSize: UInt64 = 65527
    /// 0x04: initial connection flow-control limit.
    public var initialMaxData: UInt64 = 0
    /// 0x05: initial limit for bidirectional streams the sender opens.
    public var initialMaxStreamDataBidiLocal: UInt64 = 0
    /// 0x06: initial limit for bidirectional streams the peer opens.
    public var initialMaxStreamDataBidiRemote: UInt64 = 0
    /// 0x07: initial limit for unidirectional streams the peer opens.
    public var initialMaxStreamDataUni: UInt64 = 0
    /// 0x08: how many bidirectional streams the peer may open; ≤ 2^60.
    public var initialMaxStreamsBidi: UInt64 = 0
    /// 0x09: how many unidirectional streams the peer may open; ≤ 2^60.
    public var initialMaxStreamsUni: UInt64 = 0
    /// 0x0a: ACK Delay exponent; ≤ 20, default 3.
    public var ackDelayExponent: UInt64 = 3
    /// 0x0b: maximum ACK delay in milliseconds; < 2^14, default 25.
    public var maxAckDelay: UInt64 = 25
    /// 0x0c: the sender does not support active migration.
    public var disableActiveMigration = false
    /// 0x0d, server only.
    public var preferredAddress: PreferredAddress?
    /// 0x0e: how many connection IDs the sender stores; ≥ 2, default 2.
    public var activeConnectionIDLimit: UInt64 = 2
    /// 0x0f: the Source Connection ID of the sender's first Initial (required, §7.3).
    public var initialSourceConnectionID: ConnectionID?
    /// 0x10, server only: the Source Connection ID of its Retry.
    public var retrySourceConnectionID: ConnectionID?
    /// 0x20 (RFC 9221): the largest DATAGRAM frame accepted; nil = DATAGRAM not supported.
    public var maxDatagramFrameSize: UInt64?
    /// 0x2ab2 (RFC 9287): the sender accepts packets with the Fixed Bit cleared.
    public var greaseQUICBit = false

    /// Parameters at their defaults.
    public init() {}

    /// Parameter IDs.
    public enum ID {
        public static let originalDestinationConnectionID: UInt64 = 0x00
        public static let maxIdleTimeout: UInt64 = 0x01
        public static let statelessResetToken: UInt64 = 0x02
        public static let maxUDPPayloadSize: UInt64 = 0x03
        public static let initialMaxData: UInt64 = 0x04
        public static let initialMaxStreamDataBidiLocal: UInt64 = 0x05
        public static let initialMaxStreamDataBidiRemote: UInt64 = 0x06
        public static let initialMaxStreamDataUni: UInt64 = 0x07
        public static let initialMaxStreamsBidi: UInt64 = 0x08
        public static let initialMaxStreamsUni: UInt64 = 0x09
        public static let ackDelayExponent: UInt64 = 0x0a
        public static let maxAckDelay: UInt64 = 0x0b
        public static let disableActiveMigration: UInt64 = 0x0c
        public static let preferredAddress: UInt64 = 0x0d
        public static let activeConnectionIDLimit: UInt64 = 0x0e
        public static let initialSourceConnectionID: UInt64 = 0x0f
        public static let retrySourceConnectionID: UInt64 = 0x10
        public static let maxDatagramFrameSize: UInt64 = 0x20
        public static let greaseQUICBit: UInt64 = 0x2ab2
    }

    /// RFC 9000 §18.2: the smallest allowed max_udp_payload_size.
    public static let minimumUDPPayloadSize: UInt64 = 1200
    /// RFC 9000 §18.2: the largest allowed ack_delay_exponent.
    public static let maximumAckDelayExponent: UInt64 = 20
    /// RFC 9000 §18.2: max_ack_delay must be below 2^14 ms.
    public static let maxAckDelayLimit: UInt64 = 1 << 14
    /// Cap on how many parameters (known or not) one extension may carry, so a peer cannot make
    /// us walk an unbounded list; far above the ~20 defined plus GREASE.
    public static let maximumParameterCount = 128

    /// Decodes the `quic_transport_parameters` extension body sent by `sender`. Unknown
    /// parameters are ignored (RFC 9000 §18.1); everything else wrong is a
    /// TRANSPORT_PARAMETER_ERROR.
    public static func decode(_ bytes: UnsafeRawBufferPointer, sentBy sender: Role) throws(TransportError) -> TransportParameters {
        var params = TransportParameters()
        var reader = ByteReader(bytes)
        var seen: UInt64 = 0  // bit i = parameter ID i (0x00...0x10, plus bits for 0x20 and 0x2ab2)
        var count = 0
        while !reader.isAtEnd {
            count += 1
            guard count <= maximumParameterCount else { throw .transportParameter("too many transport parameters") }
            let id: UInt64
            var value: ByteReader
            do {
                id = try reader.readVarInt().value
                value = try reader.readLengthPrefixedReader(.varInt, maxLength: reader.remaining)
            } catch {
                throw .transportParameter("transport parameters truncated")
            }
            let bit: UInt64
            switch id {
            case 0x00...0x10: bit = 1 << id
            case ID.maxDatagramFrameSize: bit = 1 << 20
            case ID.greaseQUICBit: bit = 1 << 21
            default: continue  // RFC 9000 §18.1: unknown (incl. reserved 31*N+27) are ignored.
            }
            // RFC 9000 §18: a duplicate parameter is a TRANSPORT_PARAMETER_ERROR.
            guard seen & bit == 0 else { throw .transportParameter("duplicate transport parameter") }
            seen |= bit
            // RFC 9000 §18.2: a client MUST NOT send these server-only parameters.
            if sender == .client {
                switch id {
                case ID.originalDestinationConnectionID, ID.statelessResetToken, ID.preferredAddress, ID.retrySourceConnectionID:
                    throw .transportParameter("server-only transport parameter from a client")
                default: break
                }
            }
            try params.apply(id: id, value: &value)
        }
        return params
    }

    /// Reads one varint value that must fill the parameter exactly.
    static func integer(_ value: inout ByteReader) throws(TransportError) -> UInt64 {
        do {
            let v = try value.readVarInt().value
            try value.expectEnd()
            return v
        } catch {
            throw .transportParameter("malformed integer transport parameter")
        }
    }

    static func connectionID(_ value: inout ByteReader) throws(TransportError) -> ConnectionID {
        do { return try ConnectionID(value.readRemainingBytes()) } catch {
            throw .transportParameter("connection ID longer than 20 bytes")
        }
    }

    mutating func apply(id: UInt64, value: inout ByteReader) throws(TransportError) {
        typealias E = TransportError
        switch id {
        case ID.originalDestinationConnectionID: originalDestinationConnectionID = try Self.connectionID(&value)
        case ID.maxIdleTimeout: maxIdleTimeout = try Self.integer(&value)
        case ID.statelessResetToken:
            do {
                statelessResetToken = try StatelessResetToken(from: &value)
                try value.expectEnd()
            } catch { throw E.transportParameter("stateless_reset_token is not 16 bytes") }
        case ID.maxUDPPayloadSize:
            maxUDPPayloadSize = try Self.integer(&value)
            // RFC 9000 §18.2: values below 1200 are invalid.
            guard maxUDPPayloadSize >= Self.minimumUDPPayloadSize else { throw E.transportParameter("max_udp_payload_size below 1200") }
        case ID.initialMaxData: initialMaxData = try Self.integer(&value)
        case ID.initialMaxStreamDataBidiLocal: initialMaxStreamDataBidiLocal = try Self.integer(&value)
        case ID.initialMaxStreamDataBidiRemote: initialMaxStreamDataBidiRemote = try Self.integer(&value)
        case ID.initialMaxStreamDataUni: initialMaxStreamDataUni = try Self.integer(&value)
        case ID.initialMaxStreamsBidi:
            initialMaxStreamsBidi = try Self.integer(&value)
            // RFC 9000 §18.2: above 2^60 is a TRANSPORT_PARAMETER_ERROR.
            guard initialMaxStreamsBidi <= Frame.maxStreamCount else { throw E.transportParameter("initial_max_streams_bidi above 2^60") }
        case ID.initialMaxStreamsUni:
            initialMaxStreamsUni = try Self.integer(&value)
            guard initialMaxStreamsUni <= Frame.maxStreamCount else { throw E.transportParameter("initial_max_streams_uni above 2^60") }
        case ID.ackDelayExponent:
            ackDelayExponent = try Self.integer(&value)
            // RFC 9000 §18.2: values above 20 are invalid.
            guard ackDelayExponent <= Self.maximumAckDelayExponent else { throw E.transportParameter("ack_delay_exponent above 20") }
        case ID.maxAckDelay:
            maxAckDelay = try Self.integer(&value)
            // RFC 9000 §18.2: values of 2^14 or greater are invalid.
            guard maxAckDelay < Self.maxAckDelayLimit else { throw E.transportParameter("max_ack_delay of 2^14 or more") }
        case ID.disableActiveMigration:
            guard value.isAtEnd else { throw E.transportParameter("disable_active_migration has a value") }
            disableActiveMigration = true
        case ID.preferredAddress:
            preferredAddress = try Self.preferredAddress(&value)
        case ID.activeConnectionIDLimit:
            activeConnectionIDLimit = try Self.integer(&value)
            // RFC 9000 §18.2: a value below 2 is a TRANSPORT_PARAMETER_ERROR.
            guard activeConnectionIDLimit >= 2 else { throw E.transportParameter("active_connection_id_limit below 2") }
        case ID.initialSourceConnectionID: initialSourceConnectionID = try Self.connectionID(&value)
        case ID.retrySourceConnectionID: retrySourceConnectionID = try Self.connectionID(&value)
        case ID.maxDatagramFrameSize: maxDatagramFrameSize = try Self.integer(&value)
        case ID.greaseQUICBit:
            // RFC 9287 §3: the parameter has an empty value.
            guard value.isAtEnd else { throw E.transportParameter("grease_quic_bit has a value") }
            greaseQUICBit = true
        default:
            break
        }
    }

    static func preferredAddress(_ value: inout ByteReader) throws(TransportError) -> PreferredAddress {
        do {
            let v4 = try value.readUInt32()
            let v4Port = try value.readUInt16()
            let v6 = try value.readArray(16)
            let v6Port = try value.readUInt16()
            let length = Int(try value.readUInt8())
            // RFC 9000 §18.2: a zero-length connection ID here is a TRANSPORT_PARAMETER_ERROR.
            guard length >= 1, length <= ConnectionID.maxLength else {
                throw TransportError.transportParameter("preferred_address connection ID length outside 1...20")
            }
            let id = try ConnectionID(value.readBytes(length))
            let token = try StatelessResetToken(from: &value)
            try value.expectEnd()
            return PreferredAddress(ipv4Address: v4, ipv4Port: v4Port, ipv6Address: v6, ipv6Port: v6Port,
                                    connectionID: id, statelessResetToken: token)
        } catch let error as TransportError {
            throw error
        } catch {
            throw .transportParameter("malformed preferred_address")
        }
    }

    /// Encodes every parameter that differs from its default (plus `initial_source_connection_id`
    /// and the server-only connection IDs whenever set).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        func integer(_ id: UInt64, _ value: UInt64, default defaultValue: UInt64?) throws(WireError) {
            guard value != defaultValue else { return }
            let v = try VarInt(value)
            try writer.writeVarInt(VarInt(id))
            try writer.writeVarInt(VarInt(UInt64(v.encodedLength)))
            try writer.writeVarInt(v)
        }
        func bytes(_ id: UInt64, _ body: (inout ByteWriter) throws(WireError) -> Void) throws(WireError) {
            try writer.writeVarInt(VarInt(id))
            try writer.writeLengthPrefixed(.varInt, maxLength: 1 << 14, body)
        }
        let saved = writer.bytesWritten
        do {
            if let id = originalDestinationConnectionID {
                try bytes(ID.originalDestinationConnectionID) { (w: inout ByteWriter) throws(WireError) in try id.write(to: &w) }
            }
            try integer(ID.maxIdleTimeout, maxIdleTimeout, default: 0)
            if let token = statelessResetToken {
                try bytes(ID.statelessResetToken) { (w: inout ByteWriter) throws(WireError) in try token.write(to: &w) }
            }
            try integer(ID.maxUDPPayloadSize, maxUDPPayloadSize, default: 65527)
            try integer(ID.initialMaxData, initialMaxData, default: 0)
            try integer(ID.initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiLocal, default: 0)
            try integer(ID.initialMaxStreamDataBidiRemote, initialMaxStreamDataBidiRemote, default: 0)
            try integer(ID.initialMaxStreamDataUni, initialMaxStreamDataUni, default: 0)
            try integer(ID.initialMaxStreamsBidi, initialMaxStreamsBidi, default: 0)
            try integer(ID.initialMaxStreamsUni, initialMaxStreamsUni, default: 0)
            try integer(ID.ackDelayExponent, ackDelayExponent, default: 3)
            try integer(ID.maxAckDelay, maxAckDelay, default: 25)
            if disableActiveMigration { try bytes(ID.disableActiveMigration) { (_: inout ByteWriter) throws(WireError) in } }
            if let address = preferredAddress {
                try bytes(ID.preferredAddress) { (w: inout ByteWriter) throws(WireError) in
                    try w.writeUInt32(address.ipv4Address)
                    try w.writeUInt16(address.ipv4Port)
                    try w.writeBytes(address.ipv6Address)
                    try w.writeUInt16(address.ipv6Port)
                    try address.connectionID.writeLengthPrefixed(to: &w)
                    try address.statelessResetToken.write(to: &w)
                }
            }
            try integer(ID.activeConnectionIDLimit, activeConnectionIDLimit, default: 2)
            if let id = initialSourceConnectionID {
                try bytes(ID.initialSourceConnectionID) { (w: inout ByteWriter) throws(WireError) in try id.write(to: &w) }
            }
            if let id = retrySourceConnectionID {
                try bytes(ID.retrySourceConnectionID) { (w: inout ByteWriter) throws(WireError) in try id.write(to: &w) }
            }
            if let size = maxDatagramFrameSize { try integer(ID.maxDatagramFrameSize, size, default: nil) }
            if greaseQUICBit { try bytes(ID.greaseQUICBit) { (_: inout ByteWriter) throws(WireError) in } }
        } catch {
            writer.truncate(to: saved)
            throw error
        }
    }
}
