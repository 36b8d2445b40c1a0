import KoriumWire

extension Frame {
    /// Writes the frame (RFC 9000 §19) with its type, all-or-nothing. STREAM frames always
    /// carry a Length (use ``writeStreamHeader(streamID:offset:length:isFinal:to:)`` for the
    /// last frame of a packet), DATAGRAM frames always use type 0x31. Values that do not fit in
    /// a varint are `.valueOutOfRange`.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            switch self {
            case .padding(let count):
                try w.writeZeros(count)
            case .ping:
                try w.writeUInt8(UInt8(FrameType.ping))
            case .ack(let ack):
                try AckFrame.write(ranges: ack.ranges, encodedAckDelay: ack.encodedAckDelay, ecn: ack.ecn, to: &w)
            case .resetStream(let id, let code, let finalSize):
                try w.writeVarInt(VarInt(FrameType.resetStream))
                try w.writeVarInt(VarInt(id))
                try w.writeVarInt(VarInt(code))
                try w.writeVarInt(VarInt(finalSize))
            case .stopSending(let id, let code):
                try w.writeVarInt(VarInt(FrameType.stopSending))
                try w.writeVarInt(VarInt(id))
                try w.writeVarInt(VarInt(code))
            case .crypto(let offset, let data):
                try w.writeVarInt(VarInt(FrameType.crypto))
                try w.writeVarInt(VarInt(offset))
                try w.writeVarInt(VarInt(UInt64(data.count)))
                try w.writeBytes(data)
            case .newToken(let token):
                precondition(!token.isEmpty, "RFC 9000 §19.7: NEW_TOKEN must not be empty")
                try w.writeVarInt(VarInt(FrameType.newToken))
                try w.writeVarInt(VarInt(UInt64(token.count)))
                try w.writeBytes(token)
            case .stream(let frame):
                try Frame.writeStreamHeader(
                    streamID: frame.streamID, offset: frame.offset, length: frame.data.count, isFinal: frame.isFinal, to: &w)
                try w.writeBytes(frame.data)
            case .maxData(let maximum):
                try w.writeVarInt(VarInt(FrameType.maxData))
                try w.writeVarInt(VarInt(maximum))
            case .maxStreamData(let id, let maximum):
                try w.writeVarInt(VarInt(FrameType.maxStreamData))
                try w.writeVarInt(VarInt(id))
                try w.writeVarInt(VarInt(maximum))
            case .maxStreams(let bidirectional, let maximum):
                guard maximum <= Frame.maxStreamCount else { throw .valueOutOfRange }
                try w.writeVarInt(VarInt(bidirectional ? FrameType.maxStreamsBidi : FrameType.maxStreamsUni))
                try w.writeVarInt(VarInt(maximum))
            case .dataBlocked(let limit):
                try w.writeVarInt(VarInt(FrameType.dataBlocked))
                try w.writeVarInt(VarInt(limit))
            case .streamDataBlocked(let id, let limit):
                try w.writeVarInt(VarInt(FrameType.streamDataBlocked))
                try w.writeVarInt(VarInt(id))
                try w.writeVarInt(VarInt(limit))
            case .streamsBlocked(let bidirectional, let limit):
                guard limit <= Frame.maxStreamCount else { throw .valueOutOfRange }
                try w.writeVarInt(VarInt(bidirectional ? FrameType.streamsBlockedBidi : FrameType.streamsBlockedUni))
                try w.writeVarInt(VarInt(limit))
            case .newConnectionID(let frame):
                precondition(frame.retirePriorTo <= frame.sequenceNumber && frame.connectionID.count > 0)
                try w.writeVarInt(VarInt(FrameType.newConnectionID))
                try w.writeVarInt(VarInt(frame.sequenceNumber))
                try w.writeVarInt(VarInt(frame.retirePriorTo))
                try frame.connectionID.writeLengthPrefixed(to: &w)
                try frame.statelessResetToken.write(to: &w)
            case .retireConnectionID(let sequence):
                try w.writeVarInt(VarInt(FrameType.retireConnectionID))
                try w.writeVarInt(VarInt(sequence))
            case .pathChallenge(let data):
                try w.writeVarInt(VarInt(FrameType.pathChallenge))
                try w.writeUInt64(data)
            case .pathResponse(let data):
                try w.writeVarInt(VarInt(FrameType.pathResponse))
                try w.writeUInt64(data)
            case .connectionClose(let frame):
                try w.writeVarInt(VarInt(frame.isApplicationError ? FrameType.connectionCloseApplication : FrameType.connectionCloseTransport))
                try w.writeVarInt(VarInt(frame.errorCode))
                if !frame.isApplicationError { try w.writeVarInt(VarInt(frame.frameType)) }
                try w.writeVarInt(VarInt(UInt64(frame.reason.count)))
                try w.writeBytes(frame.reason)
            case .handshakeDone:
                try w.writeVarInt(VarInt(FrameType.handshakeDone))
            case .datagram(let data):
                try w.writeVarInt(VarInt(FrameType.datagramWithLength))
                try w.writeVarInt(VarInt(UInt64(data.count)))
                try w.writeBytes(data)
            }
        }
    }

    /// Writes a STREAM frame header (RFC 9000 §19.8): the OFF bit when `offset` is non-zero,
    /// the LEN bit and Length when `length` is given (nil: the data runs to the packet's end),
    /// and the FIN bit. The caller writes the data next.
    public static func writeStreamHeader(
        streamID: UInt64, offset: UInt64, length: Int?, isFinal: Bool, to writer: inout ByteWriter
    ) throws(WireError) {
        if let length { guard offset <= VarInt.maxValue - UInt64(length) else { throw .valueOutOfRange } }
        var type: UInt64 = 0x08
        if offset != 0 { type |= 0x04 }
        if length != nil { type |= 0x02 }
        if isFinal { type |= 0x01 }
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeVarInt(VarInt(type))
            try w.writeVarInt(VarInt(streamID))
            if offset != 0 { try w.writeVarInt(VarInt(offset)) }
            if let length { try w.writeVarInt(VarInt(UInt64(length))) }
        }
    }
}
