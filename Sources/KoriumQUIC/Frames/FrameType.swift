/// QUIC frame types (RFC 9000 §12.4 Table 3, §19; RFC 9221 §4).
public enum FrameType {
    /// PADDING (§19.1).
    public static let padding: UInt64 = 0x00
    /// PING (§19.2).
    public static let ping: UInt64 = 0x01
    /// ACK (§19.3).
    public static let ack: UInt64 = 0x02
    /// ACK with ECN counts (§19.3).
    public static let ackECN: UInt64 = 0x03
    /// RESET_STREAM (§19.4).
    public static let resetStream: UInt64 = 0x04
    /// STOP_SENDING (§19.5).
    public static let stopSending: UInt64 = 0x05
    /// CRYPTO (§19.6).
    public static let crypto: UInt64 = 0x06
    /// NEW_TOKEN (§19.7).
    public static let newToken: UInt64 = 0x07
    /// STREAM, 0x08...0x0f: the low bits are OFF (0x04), LEN (0x02), FIN (0x01) (§19.8).
    public static let streamRange: ClosedRange<UInt64> = 0x08...0x0f
    /// MAX_DATA (§19.9).
    public static let maxData: UInt64 = 0x10
    /// MAX_STREAM_DATA (§19.10).
    public static let maxStreamData: UInt64 = 0x11
    /// MAX_STREAMS for bidirectional streams (§19.11).
    public static let maxStreamsBidi: UInt64 = 0x12
    /// MAX_STREAMS for unidirectional streams (§19.11).
    public static let maxStreamsUni: UInt64 = 0x13
    /// DATA_BLOCKED (§19.12).
    public static let dataBlocked: UInt64 = 0x14
    /// STREAM_DATA_BLOCKED (§19.13).
    public static let streamDataBlocked: UInt64 = 0x15
    /// STREAMS_BLOCKED for bidirectional streams (§19.14).
    public static let streamsBlockedBidi: UInt64 = 0x16
    /// STREAMS_BLOCKED for unidirectional streams (§19.14).
    public static let streamsBlockedUni: UInt64 = 0x17
    /// NEW_CONNECTION_ID (§19.15).
    public static let newConnectionID: UInt64 = 0x18
    /// RETIRE_CONNECTION_ID (§19.16).
    public static let retireConnectionID: UInt64 = 0x19
    /// PATH_CHALLENGE (§19.17).
    public static let pathChallenge: UInt64 = 0x1a
    /// PATH_RESPONSE (§19.18).
    public static let pathResponse: UInt64 = 0x1b
    /// CONNECTION_CLOSE with a transport error (§19.19).
    public static let connectionCloseTransport: UInt64 = 0x1c
    /// CONNECTION_CLOSE with an application error (§19.19).
    public static let connectionCloseApplication: UInt64 = 0x1d
    /// HANDSHAKE_DONE (§19.20).
    public static let handshakeDone: UInt64 = 0x1e
    /// DATAGRAM without a Length field (RFC 9221 §4).
    public static let datagram: UInt64 = 0x30
    /// DATAGRAM with a Length field (RFC 9221 §4).
    public static let datagramWithLength: UInt64 = 0x31

    /// RFC 9000 §12.4 Table 3 (and RFC 9221 §4 for DATAGRAM): whether a frame of `type` may
    /// appear in a packet of `packetType`. Unknown types are not permitted anywhere.
    @inlinable
    public static func isPermitted(_ type: UInt64, in packetType: PacketType) -> Bool {
        switch packetType {
        case .initial, .handshake:
            // "IH": PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE (0x1c).
            return type == padding || type == ping || type == ack || type == ackECN || type == crypto
                || type == connectionCloseTransport
        case .zeroRTT:
            // "0": everything except ACK, CRYPTO, NEW_TOKEN, PATH_RESPONSE, HANDSHAKE_DONE.
            switch type {
            case ack, ackECN, crypto, newToken, pathResponse, handshakeDone: return false
            default: return isKnown(type)
            }
        case .oneRTT:
            return isKnown(type)
        case .retry, .versionNegotiation, .unsupportedVersion:
            return false
        }
    }

    /// Whether `type` is a frame type this implementation understands.
    @inlinable
    public static func isKnown(_ type: UInt64) -> Bool {
        type <= handshakeDone || type == datagram || type == datagramWithLength
    }

    /// RFC 9002 §2: whether a frame of `type` makes its packet ack-eliciting (all but ACK,
    /// PADDING and CONNECTION_CLOSE).
    @inlinable
    public static func isAckEliciting(_ type: UInt64) -> Bool {
        !(type == padding || type == ack || type == ackECN || type == connectionCloseTransport
            || type == connectionCloseApplication)
    }
}
