import KoriumWire

/// Where the parts of a packet being assembled lie in the writer's output, so the payload can
/// be written after the header and the packet then protected in place.
public struct PacketLayout: Sendable, Hashable {
    /// Offset of the packet's first byte.
    public var packetStart: Int
    /// Offset of the 2-byte Length field of a long header; nil for short headers.
    public var lengthOffset: Int?
    /// Offset of the packet number.
    public var packetNumberOffset: Int
    /// Length of the encoded packet number, 1–4.
    public var packetNumberLength: Int
    /// Describes a packet whose packet number sits at `packetNumberOffset`.
    @inlinable
    public init(packetStart: Int, lengthOffset: Int?, packetNumberOffset: Int, packetNumberLength: Int) {
        self.packetStart = packetStart
        self.lengthOffset = lengthOffset
        self.packetNumberOffset = packetNumberOffset
        self.packetNumberLength = packetNumberLength
    }

    /// Offset of the first payload byte (header end = associated data end).
    @inlinable
    public var payloadOffset: Int { packetNumberOffset + packetNumberLength }
}

/// Writes QUIC packet headers (RFC 9000 §17) into a ``ByteWriter`` — typically a fixed writer
/// over the caller's datagram buffer — with reserved bits zero and the packet number in the
/// clear; ``PacketProtection`` then encrypts the payload and masks the header in place.
public enum PacketHeaderWriter {
    /// The Length field is always written in 2 bytes so it can be patched after the payload:
    /// long-header packets are at most 16383 bytes.
    public static let lengthFieldByteCount = 2
    /// The largest Length value a 2-byte field holds.
    public static let maxLongPacketLength = (1 << 14) - 1

    /// Writes an Initial, 0-RTT or Handshake header up to and including the packet number.
    /// `token` must be empty for anything but Initial. Call ``finishLongHeader(_:tagByteCount:writer:)``
    /// once the payload is written.
    public static func writeLongHeader(
        type: PacketType, version: UInt32 = QUICVersion.v1,
        destination: ConnectionID, source: ConnectionID, token: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        packetNumber: UInt64, packetNumberLength: Int, into writer: inout ByteWriter
    ) throws(WireError) -> PacketLayout {
        guard let typeBits = type.longTypeBits, type != .retry else {
            preconditionFailure("writeLongHeader is for Initial, 0-RTT and Handshake packets")
        }
        precondition((1...4).contains(packetNumberLength), "packet number length is 1...4")
        precondition(type == .initial || token.isEmpty, "only Initial packets carry a token")
        var layout = PacketLayout(packetStart: writer.bytesWritten, lengthOffset: nil, packetNumberOffset: 0,
                                  packetNumberLength: packetNumberLength)
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            // RFC 9000 §17.2: form 1, fixed bit 1, type, reserved 00, packet number length − 1.
            try w.writeUInt8(0xc0 | typeBits << 4 | UInt8(packetNumberLength - 1))
            try w.writeUInt32(version)
            try destination.writeLengthPrefixed(to: &w)
            try source.writeLengthPrefixed(to: &w)
            if type == .initial {
                try w.writeVarInt(VarInt(UInt64(token.count)))
                try w.writeBytes(token)
            }
            layout.lengthOffset = w.bytesWritten
            try w.writeVarInt(VarInt.zero, length: lengthFieldByteCount)
            layout.packetNumberOffset = w.bytesWritten
            try writePacketNumber(packetNumber, length: packetNumberLength, to: &w)
        }
        return layout
    }

    /// Patches the Length field once the payload has been written: the packet number, the
    /// payload and the AEAD tag still to be appended (`tagByteCount`).
    public static func finishLongHeader(_ layout: PacketLayout, tagByteCount: Int, writer: inout ByteWriter) throws(WireError) {
        guard let lengthOffset = layout.lengthOffset else { preconditionFailure("not a long header") }
        let length = writer.bytesWritten - layout.packetNumberOffset + tagByteCount
        guard length <= maxLongPacketLength else {
            throw .lengthExceedsLimit(length: length, limit: maxLongPacketLength)
        }
        try writer.patchVarInt(VarInt(UInt64(length)), length: lengthFieldByteCount, at: lengthOffset)
    }

    /// Writes a 1-RTT short header (RFC 9000 §17.3.1) up to and including the packet number.
    public static func writeShortHeader(
        destination: ConnectionID, spinBit: Bool = false, keyPhase: Bool,
        packetNumber: UInt64, packetNumberLength: Int, into writer: inout ByteWriter
    ) throws(WireError) -> PacketLayout {
        precondition((1...4).contains(packetNumberLength), "packet number length is 1...4")
        var layout = PacketLayout(packetStart: writer.bytesWritten, lengthOffset: nil, packetNumberOffset: 0,
                                  packetNumberLength: packetNumberLength)
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            var first: UInt8 = 0x40 | UInt8(packetNumberLength - 1)
            if spinBit { first |= 0x20 }
            if keyPhase { first |= 0x04 }
            try w.writeUInt8(first)
            try destination.write(to: &w)
            layout.packetNumberOffset = w.bytesWritten
            try writePacketNumber(packetNumber, length: packetNumberLength, to: &w)
        }
        return layout
    }

    /// Writes the low `length` bytes of `packetNumber`, big-endian.
    @inlinable
    static func writePacketNumber(_ packetNumber: UInt64, length: Int, to writer: inout ByteWriter) throws(WireError) {
        switch length {
        case 1: try writer.writeUInt8(UInt8(truncatingIfNeeded: packetNumber))
        case 2: try writer.writeUInt16(UInt16(truncatingIfNeeded: packetNumber))
        case 3: try writer.writeUInt24(UInt32(truncatingIfNeeded: packetNumber) & 0xff_ffff)
        default: try writer.writeUInt32(UInt32(truncatingIfNeeded: packetNumber))
        }
    }

    /// Writes a Version Negotiation packet (RFC 9000 §17.2.1) answering a packet whose
    /// connection IDs are `clientDestination` / `clientSource` (RFC 8999 §6: they are swapped in
    /// the reply). `unusedBits` fills the 7 free bits of the first byte (random, RFC 9000
    /// §17.2.1).
    public static func writeVersionNegotiation(
        clientDestination: UnsafeRawBufferPointer, clientSource: UnsafeRawBufferPointer,
        supportedVersions: [UInt32], unusedBits: UInt8, into writer: inout ByteWriter
    ) throws(WireError) {
        precondition(clientDestination.count <= 255 && clientSource.count <= 255)
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(0x80 | unusedBits)
            try w.writeUInt32(QUICVersion.negotiation)
            try w.writeUInt8(UInt8(clientSource.count))
            try w.writeBytes(clientSource)
            try w.writeUInt8(UInt8(clientDestination.count))
            try w.writeBytes(clientDestination)
            for version in supportedVersions { try w.writeUInt32(version) }
        }
    }

    /// Writes a complete Retry packet (RFC 9000 §17.2.5) with its integrity tag (RFC 9001 §5.8).
    /// `unusedBits` fills the 4 low bits of the first byte.
    public static func writeRetry(
        destination: ConnectionID, source: ConnectionID, token: UnsafeRawBufferPointer,
        originalDestinationConnectionID: ConnectionID, unusedBits: UInt8 = 0, into writer: inout ByteWriter
    ) throws(WireError) {
        let start = writer.bytesWritten
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(0xf0 | unusedBits & 0x0f)
            try w.writeUInt32(QUICVersion.v1)
            try destination.writeLengthPrefixed(to: &w)
            try source.writeLengthPrefixed(to: &w)
            try w.writeBytes(token)
            let tagAt = w.bytesWritten
            try w.writeZeros(RetryIntegrity.tagByteCount)
            w.withWrittenBytes { raw in
                RetryIntegrity.computeTag(
                    originalDestinationConnectionID: originalDestinationConnectionID,
                    retryWithoutTag: UnsafeRawBufferPointer(rebasing: raw[start..<tagAt]),
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[tagAt...]))
            }
        }
    }
}
