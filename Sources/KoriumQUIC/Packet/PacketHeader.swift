import KoriumWire

/// A parsed QUIC packet header, up to (not including) the protected packet number.
///
/// Parsing reads the bytes in place and allocates nothing: connection IDs are copied into
/// inline ``ConnectionID`` values and every variable-length field (token, version list, the
/// packet itself) is an offset range into the datagram the caller still holds. Header
/// protection covers the low bits of the first byte and the packet number, so those are not
/// interpreted here; ``PacketProtection`` removes it.
///
/// Several packets may be coalesced in one datagram (RFC 9000 §12.2): parse at offset 0,
/// then at ``packetEnd`` while it is below the datagram size.
public struct PacketHeader: Sendable, Hashable {
    /// The packet's kind.
    public let type: PacketType
    /// The (still protected) first byte.
    public let firstByte: UInt8
    /// The version field; 0 for Version Negotiation, ``QUICVersion/v1`` for short headers.
    public let version: UInt32
    /// Destination Connection ID (empty when longer than 20 bytes in an unsupported version:
    /// see ``destinationConnectionIDRange``).
    public let destinationConnectionID: ConnectionID
    /// Source Connection ID (long headers; empty for short headers).
    public let sourceConnectionID: ConnectionID
    /// Where the Destination Connection ID bytes lie in the datagram (for echoing in Version
    /// Negotiation, RFC 8999 §6, which allows up to 255 bytes).
    public let destinationConnectionIDRange: Range<Int>
    /// Where the Source Connection ID bytes lie in the datagram.
    public let sourceConnectionIDRange: Range<Int>
    /// Initial: the Token; Retry: the Retry Token; Version Negotiation: the Supported Version
    /// list; empty otherwise.
    public let tokenRange: Range<Int>
    /// Offset of the packet's first byte in the datagram.
    public let packetStart: Int
    /// Offset of the (protected) packet number; for unprotected kinds, where the body starts.
    public let packetNumberOffset: Int
    /// Offset just past this packet: the next coalesced packet starts here.
    public let packetEnd: Int

    /// Short header (1-RTT) spin bit (RFC 9000 §17.4); not protected.
    @inlinable
    public var spinBit: Bool { type == .oneRTT && firstByte & 0x20 != 0 }

    /// The whole packet's range in the datagram.
    @inlinable
    public var packetRange: Range<Int> { packetStart..<packetEnd }

    /// Parses the header of the packet starting at `offset` in `datagram`.
    ///
    /// - Parameters:
    ///   - shortHeaderConnectionIDLength: the length of the connection IDs this endpoint
    ///     issues; a short header does not encode it (RFC 9000 §17.3).
    ///   - allowsZeroFixedBit: whether the peer negotiated `grease_quic_bit` (RFC 9287);
    ///     otherwise a zero Fixed Bit makes the packet invalid (RFC 9000 §17.2).
    public static func parse(
        _ datagram: UnsafeRawBufferPointer, at offset: Int = 0,
        shortHeaderConnectionIDLength: Int, allowsZeroFixedBit: Bool = false
    ) throws(PacketHeaderError) -> PacketHeader {
        precondition(offset >= 0 && offset <= datagram.count, "offset outside the datagram")
        precondition(shortHeaderConnectionIDLength >= 0 && shortHeaderConnectionIDLength <= ConnectionID.maxLength)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: datagram[offset...]))
        return try parse(&reader, base: offset, datagramCount: datagram.count,
                         shortLength: shortHeaderConnectionIDLength, allowsZeroFixedBit: allowsZeroFixedBit)
    }

    private static func parse(
        _ reader: inout ByteReader, base: Int, datagramCount: Int, shortLength: Int, allowsZeroFixedBit: Bool
    ) throws(PacketHeaderError) -> PacketHeader {
        func wire<T>(_ body: (inout ByteReader) throws(WireError) -> T) throws(PacketHeaderError) -> T {
            do { return try body(&reader) } catch { throw .malformed(error) }
        }
        let first = try wire { (r: inout ByteReader) throws(WireError) in try r.readUInt8() }

        if first & 0x80 == 0 {
            // RFC 9000 §17.3.1: 1-RTT packet, header form 0.
            guard first & 0x40 != 0 || allowsZeroFixedBit else { throw .fixedBitZero }
            let dcidStart = base + reader.offset
            let dcid = try wire { (r: inout ByteReader) throws(WireError) in try ConnectionID(r.readBytes(shortLength)) }
            let pnOffset = base + reader.offset
            return PacketHeader(
                type: .oneRTT, firstByte: first, version: QUICVersion.v1, destinationConnectionID: dcid,
                sourceConnectionID: .empty, destinationConnectionIDRange: dcidStart..<pnOffset,
                sourceConnectionIDRange: pnOffset..<pnOffset, tokenRange: pnOffset..<pnOffset, packetStart: base,
                packetNumberOffset: pnOffset, packetEnd: datagramCount)
        }

        // RFC 8999 §5.1: version-independent long header fields.
        let version = try wire { (r: inout ByteReader) throws(WireError) in try r.readUInt32() }
        let dcidLength = Int(try wire { (r: inout ByteReader) throws(WireError) in try r.readUInt8() })
        let dcidStart = base + reader.offset
        let dcidBytes = try wire { (r: inout ByteReader) throws(WireError) in try r.readBytes(dcidLength) }
        let scidLength = Int(try wire { (r: inout ByteReader) throws(WireError) in try r.readUInt8() })
        let scidStart = base + reader.offset
        let scidBytes = try wire { (r: inout ByteReader) throws(WireError) in try r.readBytes(scidLength) }
        let dcidRange = dcidStart..<(dcidStart + dcidLength)
        let scidRange = scidStart..<(scidStart + scidLength)
        let bodyStart = base + reader.offset

        guard version == QUICVersion.v1 else {
            // Connection IDs above 20 bytes are legal in other versions (RFC 8999 §5.1); keep
            // only their ranges then.
            let dcid = dcidLength <= ConnectionID.maxLength ? try wire { _ throws(WireError) in try ConnectionID(dcidBytes) } : .empty
            let scid = scidLength <= ConnectionID.maxLength ? try wire { _ throws(WireError) in try ConnectionID(scidBytes) } : .empty
            if version == QUICVersion.negotiation {
                // RFC 9000 §17.2.1: the rest is a list of 32-bit versions.
                let listCount = reader.remaining
                guard listCount > 0, listCount % 4 == 0 else { throw .malformedVersionList }
                return PacketHeader(
                    type: .versionNegotiation, firstByte: first, version: version, destinationConnectionID: dcid,
                    sourceConnectionID: scid, destinationConnectionIDRange: dcidRange, sourceConnectionIDRange: scidRange,
                    tokenRange: bodyStart..<datagramCount, packetStart: base, packetNumberOffset: bodyStart,
                    packetEnd: datagramCount)
            }
            return PacketHeader(
                type: .unsupportedVersion, firstByte: first, version: version, destinationConnectionID: dcid,
                sourceConnectionID: scid, destinationConnectionIDRange: dcidRange, sourceConnectionIDRange: scidRange,
                tokenRange: bodyStart..<bodyStart, packetStart: base, packetNumberOffset: bodyStart,
                packetEnd: datagramCount)
        }

        // RFC 9000 §17.2: in QUIC v1 connection IDs are at most 20 bytes.
        guard dcidLength <= ConnectionID.maxLength else { throw .connectionIDTooLong(dcidLength) }
        guard scidLength <= ConnectionID.maxLength else { throw .connectionIDTooLong(scidLength) }
        // RFC 9000 §17.2: Fixed Bit MUST be 1 unless grease_quic_bit was negotiated.
        guard first & 0x40 != 0 || allowsZeroFixedBit else { throw .fixedBitZero }
        let dcid = try wire { _ throws(WireError) in try ConnectionID(dcidBytes) }
        let scid = try wire { _ throws(WireError) in try ConnectionID(scidBytes) }

        let type: PacketType
        switch (first >> 4) & 0x03 {
        case 0: type = .initial
        case 1: type = .zeroRTT
        case 2: type = .handshake
        default: type = .retry
        }

        if type == .retry {
            // RFC 9000 §17.2.5: Retry Token, then a 16-byte Retry Integrity Tag; no Length.
            guard reader.remaining >= RetryIntegrity.tagByteCount else { throw .retryTooShort }
            return PacketHeader(
                type: .retry, firstByte: first, version: version, destinationConnectionID: dcid,
                sourceConnectionID: scid, destinationConnectionIDRange: dcidRange, sourceConnectionIDRange: scidRange,
                tokenRange: bodyStart..<(datagramCount - RetryIntegrity.tagByteCount), packetStart: base,
                packetNumberOffset: bodyStart, packetEnd: datagramCount)
        }

        var tokenRange = bodyStart..<bodyStart
        if type == .initial {
            // RFC 9000 §17.2.2: Token Length (varint) and Token.
            let tokenLength = try wire { (r: inout ByteReader) throws(WireError) in
                try r.readLength(.varInt, maxLength: r.remaining)
            }
            let tokenStart = base + reader.offset
            _ = try wire { (r: inout ByteReader) throws(WireError) in try r.readBytes(tokenLength) }
            tokenRange = tokenStart..<(tokenStart + tokenLength)
        }
        // RFC 9000 §17.2: Length covers the packet number and the payload.
        let length = try wire { (r: inout ByteReader) throws(WireError) in try r.readVarInt().intValue }
        guard length <= reader.remaining else { throw .lengthBeyondDatagram(length: length, available: reader.remaining) }
        let pnOffset = base + reader.offset
        return PacketHeader(
            type: type, firstByte: first, version: version, destinationConnectionID: dcid, sourceConnectionID: scid,
            destinationConnectionIDRange: dcidRange, sourceConnectionIDRange: scidRange, tokenRange: tokenRange,
            packetStart: base, packetNumberOffset: pnOffset, packetEnd: pnOffset + length)
    }
}
