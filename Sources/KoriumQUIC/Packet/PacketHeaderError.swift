import KoriumWire

/// Why a packet header could not be parsed. None of these closes a connection: a packet with
/// a malformed header is discarded (RFC 9000 §12.2, §17), and so is the rest of its datagram
/// when the packet's end cannot be found.
public enum PacketHeaderError: Error, Equatable, Sendable {
    /// The header ended early or held an out-of-range field.
    case malformed(WireError)
    /// RFC 9000 §17.2/§17.3: the Fixed Bit is 0 and the peer did not negotiate greasing it.
    case fixedBitZero
    /// A QUIC v1 connection ID longer than 20 bytes (RFC 9000 §17.2).
    case connectionIDTooLong(Int)
    /// The Length field points past the end of the datagram (RFC 9000 §17.2).
    case lengthBeyondDatagram(length: Int, available: Int)
    /// A Version Negotiation packet whose version list is empty or not a multiple of 4 bytes.
    case malformedVersionList
    /// A Retry packet too short to hold its 16-byte integrity tag (RFC 9000 §17.2.5).
    case retryTooShort
}
