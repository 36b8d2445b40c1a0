import KoriumWire

/// A UDP endpoint of a peer: an IPv4 or IPv6 address and a port, held inline.
@frozen
public enum DHTAddress: Hashable, Sendable {
    /// IPv4 address (host order, a.b.c.d = a<<24 | …) and port.
    case ipv4(UInt32, port: UInt16)
    /// IPv6 address as two big-endian halves, and port.
    case ipv6(UInt64, UInt64, port: UInt16)

    /// The address without the port (for per-IP limits): the port zeroed.
    @inlinable
    public var ipOnly: DHTAddress {
        switch self {
        case .ipv4(let a, _): return .ipv4(a, port: 0)
        case .ipv6(let hi, let lo, _): return .ipv6(hi, lo, port: 0)
        }
    }

    /// The latency-tiering prefix: /16 for IPv4, /32 for IPv6, tagged by family.
    @inlinable
    public var tieringPrefix: UInt64 {
        switch self {
        case .ipv4(let a, _): return (4 << 32) | UInt64(a >> 16)
        case .ipv6(let hi, _, _): return (6 << 32) | (hi >> 32)
        }
    }

    /// Encoded length: tag, address, port.
    @inlinable
    public var encodedSize: Int {
        switch self {
        case .ipv4: return 1 + 4 + 2
        case .ipv6: return 1 + 16 + 2
        }
    }
}

extension DHTAddress: WireEncodable, WireDecodable {
    /// Tag 4 or 6, the address bytes, the port; big-endian.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            switch self {
            case .ipv4(let a, let port):
                try w.writeUInt8(4); try w.writeUInt32(a); try w.writeUInt16(port)
            case .ipv6(let hi, let lo, let port):
                try w.writeUInt8(6); try w.writeUInt64(hi); try w.writeUInt64(lo); try w.writeUInt16(port)
            }
        }
    }

    /// Any other tag is `.valueOutOfRange`.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            switch try r.readUInt8() {
            case 4: return .ipv4(try r.readUInt32(), port: try r.readUInt16())
            case 6: return .ipv6(try r.readUInt64(), try r.readUInt64(), port: try r.readUInt16())
            default: throw .valueOutOfRange
            }
        }
    }
}

extension DHTAddress: CustomStringConvertible {
    /// `a.b.c.d:port` or `[hex]:port`.
    public var description: String {
        switch self {
        case .ipv4(let a, let port):
            return "\(a >> 24).\((a >> 16) & 0xff).\((a >> 8) & 0xff).\(a & 0xff):\(port)"
        case .ipv6(let hi, let lo, let port):
            return "[\(String(hi, radix: 16)):\(String(lo, radix: 16))]:\(port)"
        }
    }
}
