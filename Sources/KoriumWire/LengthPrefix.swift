/// How a length-prefixed field encodes its length.
///
/// TLS uses fixed 1-, 2- and 3-byte prefixes (RFC 8446 §3.4), QUIC uses varints (RFC 9000 §16)
/// and the project's own codec uses canonical varints.
public enum LengthPrefix: Sendable, Equatable {
    /// One byte, lengths 0...255.
    case uint8
    /// Two big-endian bytes, lengths 0...65535.
    case uint16
    /// Three big-endian bytes, lengths 0...2^24−1.
    case uint24
    /// Four big-endian bytes, lengths 0...2^32−1.
    case uint32
    /// A QUIC varint; decoding accepts any encoded length (RFC 9000 §16), encoding is minimal.
    case varInt
    /// A QUIC varint that must use its minimal length (`.nonMinimalEncoding` otherwise). The
    /// project's codec uses this so every value has exactly one encoding.
    case canonicalVarInt

    /// The largest length this prefix can express.
    @inlinable
    public var maxLength: Int {
        switch self {
        case .uint8: return 0xff
        case .uint16: return 0xffff
        case .uint24: return 0xff_ffff
        case .uint32: return 0xffff_ffff
        case .varInt, .canonicalVarInt: return Int(VarInt.maxValue)
        }
    }
}
