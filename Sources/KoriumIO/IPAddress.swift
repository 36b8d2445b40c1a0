import Glibc

/// An IPv4 address; `rawValue` holds the four octets big-endian (`127.0.0.1` is `0x7f00_0001`).
public struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    /// The address as a 32-bit number, first octet most significant.
    public var rawValue: UInt32

    /// The address whose octets, most significant first, are `rawValue`'s.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The address `a.b.c.d`.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// `127.0.0.1`.
    public static let loopback = IPv4Address(127, 0, 0, 1)
    /// `0.0.0.0`: every local address when binding.
    public static let any = IPv4Address(rawValue: 0)

    /// Dotted-quad text, e.g. `192.0.2.1`.
    public var description: String {
        "\(rawValue >> 24).\((rawValue >> 16) & 0xff).\((rawValue >> 8) & 0xff).\(rawValue & 0xff)"
    }

    var inAddr: in_addr { in_addr(s_addr: rawValue.bigEndian) }
    init(_ addr: in_addr) { rawValue = UInt32(bigEndian: addr.s_addr) }
}

/// An IPv6 address as two big-endian 64-bit halves (`::1` is `high == 0, low == 1`).
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    /// The first eight bytes of the address, big-endian.
    public var high: UInt64
    /// The last eight bytes of the address, big-endian.
    public var low: UInt64

    /// The address whose sixteen bytes are `high` then `low`, big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// `::1`.
    public static let loopback = IPv6Address(high: 0, low: 1)
    /// `::`: every local address when binding.
    public static let any = IPv6Address(high: 0, low: 0)

    /// The IPv4-mapped form `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) of an IPv4 address.
    public init(mapping v4: IPv4Address) {
        self.init(high: 0, low: 0xffff_0000_0000 | UInt64(v4.rawValue))
    }

    /// The IPv4 address this one maps (`::ffff:a.b.c.d`), or nil when it is not IPv4-mapped.
    public var mappedIPv4: IPv4Address? {
        guard high == 0, low >> 32 == 0xffff else { return nil }
        return IPv4Address(rawValue: UInt32(truncatingIfNeeded: low))
    }

    /// RFC 5952 text, e.g. `2001:db8::1` (formatted by `inet_ntop`).
    public var description: String {
        var addr = in6Addr
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buf in
            guard let text = inet_ntop(AF_INET6, &addr, buf.baseAddress, socklen_t(INET6_ADDRSTRLEN)) else {
                return "?"
            }
            return String(cString: text)
        }
    }

    var in6Addr: in6_addr {
        var addr = in6_addr()
        withUnsafeMutableBytes(of: &addr) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return addr
    }

    init(_ addr: in6_addr) {
        (high, low) = withUnsafeBytes(of: addr) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}

/// An IPv4 or IPv6 host address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// The address as text (IPv6 without brackets).
    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }

    /// The same address with an IPv4-mapped IPv6 address turned into plain IPv4.
    public var unmapped: IPAddress {
        if case .v6(let a) = self, let v4 = a.mappedIPv4 { return .v4(v4) }
        return self
    }
}
