import KoriumCrypto

/// A packet header after header protection was removed (RFC 9001 §5.4).
public struct UnprotectedHeader: Sendable, Hashable {
    /// The first byte with its protected bits restored.
    public let firstByte: UInt8
    /// The full packet number, recovered against the largest received (RFC 9000 §17.1).
    public let packetNumber: UInt64
    /// The encoded packet-number length, 1–4.
    public let packetNumberLength: Int
    /// The Key Phase bit of a short header (RFC 9001 §6); false for long headers.
    public let keyPhase: Bool
    /// Offset of the first payload byte in the packet (end of the associated data).
    public let payloadOffset: Int
    /// Whether the header is a long header.
    @inlinable
    public var isLongHeader: Bool { firstByte & 0x80 != 0 }
    /// The reserved bits (two in each header form), which must be zero once the packet is
    /// authenticated (RFC 9000 §17.2, §17.3.1).
    @inlinable
    public var reservedBits: UInt8 { isLongHeader ? firstByte & 0x0c : firstByte & 0x18 }
}

/// Why an incoming packet could not be unprotected.
public enum PacketOpenError: Error, Equatable, Sendable {
    /// Too short to take a header-protection sample or to hold a tag; discard it.
    case tooShort
    /// The AEAD tag did not verify (RFC 9001 §5.5: discard silently; count towards the
    /// integrity limit).
    case authenticationFailed
    /// Authenticated, but a reserved header bit is set: a PROTOCOL_VIOLATION connection error
    /// (RFC 9000 §17.2, §17.3.1).
    case reservedBitsSet

    /// The connection error to close with, if any (only for ``reservedBitsSet``).
    public var transportError: TransportError? {
        switch self {
        case .tooShort, .authenticationFailed: return nil
        case .reservedBitsSet: return .protocolViolation("reserved header bits set")
        }
    }
}

/// Packet and header protection in place on caller buffers (RFC 9001 §5.3, §5.4): no
/// allocation, the packet bytes are transformed where they lie in the datagram.
public enum PacketProtection {
    /// RFC 9001 §5.4.2: the sample starts 4 bytes after the start of the Packet Number field.
    public static let sampleOffsetFromPacketNumber = 4

    /// The smallest payload (plaintext) for a packet with a `packetNumberLength`-byte packet
    /// number, so that the header-protection sample fits (RFC 9001 §5.4.2): the sender pads.
    @inlinable
    public static func minimumPayloadLength(packetNumberLength: Int) -> Int {
        Swift.max(0, sampleOffsetFromPacketNumber + headerProtectionSampleByteCount
            - packetNumberLength - PacketCipher.tagByteCount)
    }

    /// Protects one packet in place. `packet` spans the packet from its first byte to the end
    /// of the room for the tag: header with the packet number in the clear (as written by
    /// ``PacketHeaderWriter``), payload, then ``PacketCipher/tagByteCount`` bytes for the tag.
    public static func seal(
        _ packet: UnsafeMutableRawBufferPointer, layout: PacketLayout, packetNumber: UInt64, keys: PacketKeys
    ) throws(CryptoError) {
        let pnOffset = layout.packetNumberOffset - layout.packetStart
        let payloadOffset = pnOffset + layout.packetNumberLength
        let tagOffset = packet.count - PacketCipher.tagByteCount
        precondition(tagOffset >= payloadOffset, "packet buffer has no room for the tag")
        precondition(packet.count >= pnOffset + sampleOffsetFromPacketNumber + headerProtectionSampleByteCount,
                     "payload too short for a header-protection sample: pad it (RFC 9001 §5.4.2)")
        try keys.packet.seal(
            payload: UnsafeMutableRawBufferPointer(rebasing: packet[payloadOffset..<tagOffset]),
            tag: UnsafeMutableRawBufferPointer(rebasing: packet[tagOffset...]),
            header: UnsafeRawBufferPointer(rebasing: packet[0..<payloadOffset]), packetNumber: packetNumber)
        applyHeaderMask(packet, packetNumberOffset: pnOffset, packetNumberLength: layout.packetNumberLength, key: keys.header)
    }

    /// RFC 9001 §5.4.1: XORs the mask into the first byte's protected bits and the packet
    /// number; the same operation removes it when the length is known.
    @inlinable
    static func applyHeaderMask(
        _ packet: UnsafeMutableRawBufferPointer, packetNumberOffset: Int, packetNumberLength: Int, key: HeaderKey
    ) {
        let sampleStart = packetNumberOffset + sampleOffsetFromPacketNumber
        let mask = key.mask(sample: UnsafeRawBufferPointer(
            rebasing: packet[sampleStart..<(sampleStart + headerProtectionSampleByteCount)]))
        packet[0] ^= mask.0 & (packet[0] & 0x80 != 0 ? 0x0f : 0x1f)
        packet[packetNumberOffset] ^= mask.1
        if packetNumberLength > 1 { packet[packetNumberOffset + 1] ^= mask.2 }
        if packetNumberLength > 2 { packet[packetNumberOffset + 2] ^= mask.3 }
        if packetNumberLength > 3 { packet[packetNumberOffset + 3] ^= mask.4 }
    }

    /// Removes header protection in place (RFC 9001 §5.4) and recovers the packet number.
    /// `packet` spans exactly one packet (from its first byte to ``PacketHeader/packetEnd``);
    /// `packetNumberOffset` is relative to it. On `.tooShort` nothing was changed.
    public static func removeHeaderProtection(
        _ packet: UnsafeMutableRawBufferPointer, packetNumberOffset: Int, largestReceived: UInt64?, key: HeaderKey
    ) throws(PacketOpenError) -> UnprotectedHeader {
        let sampleStart = packetNumberOffset + sampleOffsetFromPacketNumber
        // RFC 9001 §5.4.2: a packet too short for the sample is discarded; it must also
        // hold at least a 1-byte packet number and the tag.
        guard packetNumberOffset >= 1,
              packet.count >= sampleStart + headerProtectionSampleByteCount,
              packet.count >= packetNumberOffset + 1 + PacketCipher.tagByteCount
        else { throw .tooShort }
        let mask = key.mask(sample: UnsafeRawBufferPointer(
            rebasing: packet[sampleStart..<(sampleStart + headerProtectionSampleByteCount)]))
        let isLong = packet[0] & 0x80 != 0
        let first = packet[0] ^ (mask.0 & (isLong ? 0x0f : 0x1f))
        let length = Int(first & 0x03) + 1
        guard packet.count >= packetNumberOffset + length + PacketCipher.tagByteCount else { throw .tooShort }
        packet[0] = first
        var truncated: UInt64 = 0
        for i in 0..<length {
            let m: UInt8
            switch i {
            case 0: m = mask.1
            case 1: m = mask.2
            case 2: m = mask.3
            default: m = mask.4
            }
            packet[packetNumberOffset + i] ^= m
            truncated = truncated << 8 | UInt64(packet[packetNumberOffset + i])
        }
        return UnprotectedHeader(
            firstByte: first,
            packetNumber: PacketNumber.decode(truncated: truncated, length: length, largestReceived: largestReceived),
            packetNumberLength: length, keyPhase: !isLong && first & 0x04 != 0,
            payloadOffset: packetNumberOffset + length)
    }

    /// Verifies and decrypts the payload in place after ``removeHeaderProtection(_:packetNumberOffset:largestReceived:key:)``,
    /// then checks the reserved bits. Returns the plaintext payload's range in `packet`.
    public static func decryptPayload(
        _ packet: UnsafeMutableRawBufferPointer, header: UnprotectedHeader, key: PacketKey
    ) throws(PacketOpenError) -> Range<Int> {
        let tagOffset = packet.count - PacketCipher.tagByteCount
        guard tagOffset >= header.payloadOffset else { throw .tooShort }
        do {
            try key.open(
                payload: UnsafeMutableRawBufferPointer(rebasing: packet[header.payloadOffset..<tagOffset]),
                tag: UnsafeRawBufferPointer(rebasing: packet[tagOffset...]),
                header: UnsafeRawBufferPointer(rebasing: packet[0..<header.payloadOffset]),
                packetNumber: header.packetNumber)
        } catch {
            throw .authenticationFailed
        }
        // RFC 9000 §17.2/§17.3.1: reserved bits set after removing both protections is a
        // PROTOCOL_VIOLATION (checked only now, so forged packets cannot trigger it).
        guard header.reservedBits == 0 else { throw .reservedBitsSet }
        return header.payloadOffset..<tagOffset
    }

    /// Removes header protection and decrypts in one step, for spaces without key phases
    /// (Initial, Handshake, 0-RTT) or when the key is already chosen.
    public static func open(
        _ packet: UnsafeMutableRawBufferPointer, packetNumberOffset: Int, largestReceived: UInt64?, keys: PacketKeys
    ) throws(PacketOpenError) -> (header: UnprotectedHeader, payload: Range<Int>) {
        let header = try removeHeaderProtection(
            packet, packetNumberOffset: packetNumberOffset, largestReceived: largestReceived, key: keys.header)
        return (header, try decryptPayload(packet, header: header, key: keys.packet))
    }
}
