import KoriumWire

/// A STREAM frame (RFC 9000 §19.8); `data` borrows the packet.
public struct StreamFrame {
    /// The stream.
    public let streamID: UInt64
    /// Byte offset of `data` in the stream.
    public let offset: UInt64
    /// The stream bytes, borrowed from the packet.
    public let data: UnsafeRawBufferPointer
    /// Whether this frame ends the stream.
    public let isFinal: Bool

    /// Creates a frame.
    @inlinable
    public init(streamID: UInt64, offset: UInt64, data: UnsafeRawBufferPointer, isFinal: Bool) {
        self.streamID = streamID
        self.offset = offset
        self.data = data
        self.isFinal = isFinal
    }
}

/// A NEW_CONNECTION_ID frame (RFC 9000 §19.15).
public struct NewConnectionIDFrame: Sendable, Hashable {
    /// Sequence Number.
    public let sequenceNumber: UInt64
    /// Retire Prior To (≤ sequence number).
    public let retirePriorTo: UInt64
    /// The new connection ID (1–20 bytes).
    public let connectionID: ConnectionID
    /// The Stateless Reset Token for it.
    public let statelessResetToken: StatelessResetToken

    /// Creates a frame.
    @inlinable
    public init(sequenceNumber: UInt64, retirePriorTo: UInt64, connectionID: ConnectionID, statelessResetToken: StatelessResetToken) {
        self.sequenceNumber = sequenceNumber
        self.retirePriorTo = retirePriorTo
        self.connectionID = connectionID
        self.statelessResetToken = statelessResetToken
    }
}

/// A CONNECTION_CLOSE frame (RFC 9000 §19.19); `reason` borrows the packet.
public struct ConnectionCloseFrame {
    /// True for type 0x1d (application error), false for 0x1c (transport error).
    public let isApplicationError: Bool
    /// The error code (a ``TransportErrorCode`` raw value for 0x1c).
    public let errorCode: UInt64
    /// The frame type that caused a transport error (0x1c only; 0 otherwise).
    public let frameType: UInt64
    /// The Reason Phrase bytes (UTF-8 by convention, not validated).
    public let reason: UnsafeRawBufferPointer

    /// Creates a frame.
    @inlinable
    public init(isApplicationError: Bool, errorCode: UInt64, frameType: UInt64, reason: UnsafeRawBufferPointer) {
        self.isApplicationError = isApplicationError
        self.errorCode = errorCode
        self.frameType = frameType
        self.reason = reason
    }
}

/// One QUIC frame (RFC 9000 §19, RFC 9221). Byte payloads borrow the decrypted packet and
/// are valid only while it is; nothing is copied or allocated by parsing.
public enum Frame {
    /// One or more consecutive PADDING bytes (§19.1), merged.
    case padding(count: Int)
    /// PING (§19.2).
    case ping
    /// ACK (§19.3).
    case ack(AckFrame)
    /// RESET_STREAM (§19.4).
    case resetStream(streamID: UInt64, errorCode: UInt64, finalSize: UInt64)
    /// STOP_SENDING (§19.5).
    case stopSending(streamID: UInt64, errorCode: UInt64)
    /// CRYPTO (§19.6).
    case crypto(offset: UInt64, data: UnsafeRawBufferPointer)
    /// NEW_TOKEN (§19.7), non-empty.
    case newToken(UnsafeRawBufferPointer)
    /// STREAM (§19.8).
    case stream(StreamFrame)
    /// MAX_DATA (§19.9).
    case maxData(UInt64)
    /// MAX_STREAM_DATA (§19.10).
    case maxStreamData(streamID: UInt64, maximum: UInt64)
    /// MAX_STREAMS (§19.11), at most 2^60.
    case maxStreams(bidirectional: Bool, maximum: UInt64)
    /// DATA_BLOCKED (§19.12).
    case dataBlocked(limit: UInt64)
    /// STREAM_DATA_BLOCKED (§19.13).
    case streamDataBlocked(streamID: UInt64, limit: UInt64)
    /// STREAMS_BLOCKED (§19.14), at most 2^60.
    case streamsBlocked(bidirectional: Bool, limit: UInt64)
    /// NEW_CONNECTION_ID (§19.15).
    case newConnectionID(NewConnectionIDFrame)
    /// RETIRE_CONNECTION_ID (§19.16).
    case retireConnectionID(sequenceNumber: UInt64)
    /// PATH_CHALLENGE (§19.17): 8 bytes of data, big-endian.
    case pathChallenge(UInt64)
    /// PATH_RESPONSE (§19.18).
    case pathResponse(UInt64)
    /// CONNECTION_CLOSE (§19.19).
    case connectionClose(ConnectionCloseFrame)
    /// HANDSHAKE_DONE (§19.20).
    case handshakeDone
    /// DATAGRAM (RFC 9221 §4).
    case datagram(UnsafeRawBufferPointer)

    /// RFC 9000 §4.6, §19.11: stream counts are limited to 2^60.
    public static let maxStreamCount: UInt64 = 1 << 60

    /// The frame's type on the wire (the canonical one for STREAM, ACK and DATAGRAM).
    public var frameType: UInt64 {
        switch self {
        case .padding: return FrameType.padding
        case .ping: return FrameType.ping
        case .ack(let ack): return ack.ecn == nil ? FrameType.ack : FrameType.ackECN
        case .resetStream: return FrameType.resetStream
        case .stopSending: return FrameType.stopSending
        case .crypto: return FrameType.crypto
        case .newToken: return FrameType.newToken
        case .stream(let s): return 0x08 | (s.offset != 0 ? 0x04 : 0) | 0x02 | (s.isFinal ? 0x01 : 0)
        case .maxData: return FrameType.maxData
        case .maxStreamData: return FrameType.maxStreamData
        case .maxStreams(let bidi, _): return bidi ? FrameType.maxStreamsBidi : FrameType.maxStreamsUni
        case .dataBlocked: return FrameType.dataBlocked
        case .streamDataBlocked: return FrameType.streamDataBlocked
        case .streamsBlocked(let bidi, _): return bidi ? FrameType.streamsBlockedBidi : FrameType.streamsBlockedUni
        case .newConnectionID: return FrameType.newConnectionID
        case .retireConnectionID: return FrameType.retireConnectionID
        case .pathChallenge: return FrameType.pathChallenge
        case .pathResponse: return FrameType.pathResponse
        case .connectionClose(let c): return c.isApplicationError ? FrameType.connectionCloseApplication : FrameType.connectionCloseTransport
        case .handshakeDone: return FrameType.handshakeDone
        case .datagram: return FrameType.datagramWithLength
        }
    }

    /// Whether this frame makes its packet ack-eliciting (RFC 9002 §2).
    public var isAckEliciting: Bool { FrameType.isAckEliciting(frameType) }
}
