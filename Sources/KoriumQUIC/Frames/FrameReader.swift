import KoriumWire

/// Iterates the frames of a decrypted packet payload (RFC 9000 §12.4), in place.
///
/// Every frame is checked against the packet type (Table 3) and its own field rules; the
/// first bad frame ends the iteration with the ``TransportError`` the RFC requires, and the
/// rest of the packet is never looked at (the whole packet must then be discarded and the
/// connection closed). Parsing allocates nothing; the frames borrow the payload.
public struct FrameReader {
    @usableFromInline var reader: ByteReader
    @usableFromInline let packetType: PacketType
    @usableFromInline var failed = false
    @usableFromInline var sawFrame = false

    /// Reads frames from `payload`, a decrypted payload of a `packetType` packet.
    @inlinable
    public init(payload: UnsafeRawBufferPointer, packetType: PacketType) {
        reader = ByteReader(payload)
        self.packetType = packetType
    }

    /// The next frame, or nil at the end of the payload. RFC 9000 §12.4: a packet with no
    /// frames is a PROTOCOL_VIOLATION.
    @inlinable
    public mutating func next() throws(TransportError) -> Frame? {
        guard !failed else { return nil }
        guard !reader.isAtEnd else {
            if !sawFrame {
                failed = true
                throw .protocolViolation("packet contains no frames")
            }
            return nil
        }
        sawFrame = true
        do {
            return try readFrame()
        } catch {
            failed = true
            throw error
        }
    }

    @usableFromInline
    mutating func readFrame() throws(TransportError) -> Frame {
        // RFC 9000 §12.4: the frame type is a varint and must use the shortest encoding.
        let type: UInt64
        do {
            let (value, isMinimal) = try reader.readVarIntCheckingMinimality()
            guard isMinimal else { throw TransportError.protocolViolation(frameType: value.value, "frame type not minimally encoded") }
            type = value.value
        } catch let error as TransportError {
            throw error
        } catch {
            throw .frameEncoding(0, "frame type truncated")
        }
        // RFC 9000 §12.4: an unknown frame type is a FRAME_ENCODING_ERROR.
        guard FrameType.isKnown(type) else { throw .frameEncoding(type, "unknown frame type") }
        // RFC 9000 §12.4: a frame in a packet type that does not permit it is a PROTOCOL_VIOLATION.
        guard FrameType.isPermitted(type, in: packetType) else {
            throw .protocolViolation(frameType: type, "frame not permitted in this packet type")
        }

        func varint() throws(TransportError) -> UInt64 {
            do { return try reader.readVarInt().value } catch { throw .frameEncoding(type, "frame truncated") }
        }
        func bytes(_ count: UInt64) throws(TransportError) -> UnsafeRawBufferPointer {
            guard count <= UInt64(reader.remaining) else { throw .frameEncoding(type, "length exceeds packet") }
            do { return try reader.readBytes(Int(count)) } catch { throw .frameEncoding(type, "frame truncated") }
        }

        switch type {
        case FrameType.padding:
            var count = 1
            while let next = try? reader.peekUInt8(), next == 0 {
                _ = try? reader.readUInt8()
                count += 1
            }
            return .padding(count: count)
        case FrameType.ping:
            return .ping
        case FrameType.ack, FrameType.ackECN:
            return .ack(try AckFrame.parse(type: type, from: &reader))
        case FrameType.resetStream:
            return .resetStream(streamID: try varint(), errorCode: try varint(), finalSize: try varint())
        case FrameType.stopSending:
            return .stopSending(streamID: try varint(), errorCode: try varint())
        case FrameType.crypto:
            let offset = try varint()
            let data = try bytes(try varint())
            // RFC 9000 §19.6: offset + length must not exceed 2^62−1.
            guard offset <= VarInt.maxValue - UInt64(data.count) else { throw .frameEncoding(type, "CRYPTO offset beyond 2^62-1") }
            return .crypto(offset: offset, data: data)
        case FrameType.newToken:
            let token = try bytes(try varint())
            // RFC 9000 §19.7: an empty token is a FRAME_ENCODING_ERROR.
            guard !token.isEmpty else { throw .frameEncoding(type, "empty NEW_TOKEN") }
            return .newToken(token)
        case FrameType.streamRange:
            let streamID = try varint()
            let offset = type & 0x04 != 0 ? try varint() : 0
            let data: UnsafeRawBufferPointer
            if type & 0x02 != 0 {
                data = try bytes(try varint())
            } else {
                data = reader.readRemainingBytes()
            }
            // RFC 9000 §19.8: offset + length must not exceed 2^62−1.
            guard offset <= VarInt.maxValue - UInt64(data.count) else { throw .frameEncoding(type, "STREAM offset beyond 2^62-1") }
            return .stream(StreamFrame(streamID: streamID, offset: offset, data: data, isFinal: type & 0x01 != 0))
        case FrameType.maxData:
            return .maxData(try varint())
        case FrameType.maxStreamData:
            return .maxStreamData(streamID: try varint(), maximum: try varint())
        case FrameType.maxStreamsBidi, FrameType.maxStreamsUni:
            let maximum = try varint()
            // RFC 9000 §19.11: above 2^60 is a FRAME_ENCODING_ERROR.
            guard maximum <= Frame.maxStreamCount else { throw .frameEncoding(type, "MAX_STREAMS above 2^60") }
            return .maxStreams(bidirectional: type == FrameType.maxStreamsBidi, maximum: maximum)
        case FrameType.dataBlocked:
            return .dataBlocked(limit: try varint())
        case FrameType.streamDataBlocked:
            return .streamDataBlocked(streamID: try varint(), limit: try varint())
        case FrameType.streamsBlockedBidi, FrameType.streamsBlockedUni:
            let limit = try varint()
            // RFC 9000 §19.14: above 2^60 is a FRAME_ENCODING_ERROR.
            guard limit <= Frame.maxStreamCount else { throw .frameEncoding(type, "STREAMS_BLOCKED above 2^60") }
            return .streamsBlocked(bidirectional: type == FrameType.streamsBlockedBidi, limit: limit)
        case FrameType.newConnectionID:
            let sequence = try varint()
            let retirePriorTo = try varint()
            // RFC 9000 §19.15: Retire Prior To greater than Sequence Number is a FRAME_ENCODING_ERROR.
            guard retirePriorTo <= sequence else { throw .frameEncoding(type, "Retire Prior To above Sequence Number") }
            let length = try bytes(1)[0]
            // RFC 9000 §19.15: a length outside 1...20 is a FRAME_ENCODING_ERROR.
            guard (1...ConnectionID.maxLength).contains(Int(length)) else {
                throw .frameEncoding(type, "connection ID length outside 1...20")
            }
            let id: ConnectionID
            do { id = try ConnectionID(try bytes(UInt64(length))) } catch { throw .frameEncoding(type, "connection ID") }
            let token: StatelessResetToken
            do { token = try StatelessResetToken(from: &reader) } catch { throw .frameEncoding(type, "frame truncated") }
            return .newConnectionID(NewConnectionIDFrame(
                sequenceNumber: sequence, retirePriorTo: retirePriorTo, connectionID: id, statelessResetToken: token))
        case FrameType.retireConnectionID:
            return .retireConnectionID(sequenceNumber: try varint())
        case FrameType.pathChallenge, FrameType.pathResponse:
            let data: UInt64
            do { data = try reader.readUInt64() } catch { throw .frameEncoding(type, "frame truncated") }
            return type == FrameType.pathChallenge ? .pathChallenge(data) : .pathResponse(data)
        case FrameType.connectionCloseTransport, FrameType.connectionCloseApplication:
            let code = try varint()
            let frameType = type == FrameType.connectionCloseTransport ? try varint() : 0
            let reason = try bytes(try varint())
            return .connectionClose(ConnectionCloseFrame(
                isApplicationError: type == FrameType.connectionCloseApplication, errorCode: code,
                frameType: frameType, reason: reason))
        case FrameType.handshakeDone:
            return .handshakeDone
        case FrameType.datagram:
            return .datagram(reader.readRemainingBytes())
        case FrameType.datagramWithLength:
            return .datagram(try bytes(try varint()))
        default:
            throw .frameEncoding(type, "unknown frame type")
        }
    }
}
