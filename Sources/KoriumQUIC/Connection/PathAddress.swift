/// A remote UDP address as the sans-IO core sees it: stored inline (no allocation), hashable,
/// so connections and the endpoint can compare and route by it without touching sockets.
public struct PathAddress: Hashable, Sendable, CustomStringConvertible {
    /// IPv6 high half, or 0 for IPv4.
    @usableFromInline let high: UInt64
    /// IPv6 low half, or the IPv4 address in the low 32 bits.
    @usableFromInline let low: UInt64
    /// The UDP port.
    public let port: UInt16
    /// Whether the address is IPv6.
    public let isIPv6: Bool

    /// An IPv4 address: `address` is the host-order numeric value (127.0.0.1 = 0x7f00_0001).
    @inlinable
    public init(ipv4 address: UInt32, port: UInt16) {
        high = 0
        low = UInt64(address)
        self.port = port
        isIPv6 = false
    }

    /// An IPv6 address from its host-order numeric halves (::1 = high 0, low 1).
    @inlinable
    public init(ipv6 high: UInt64, low: UInt64, port: UInt16) {
        self.high = high
        self.low = low
        self.port = port
        isIPv6 = true
    }

    /// The IPv4 address (host order), nil for IPv6.
    @inlinable
    public var ipv4Address: UInt32? { isIPv6 ? nil : UInt32(truncatingIfNeeded: low) }

    /// The IPv6 address halves (host order), nil for IPv4.
    @inlinable
    public var ipv6Address: (high: UInt64, low: UInt64)? { isIPv6 ? (high, low) : nil }

    /// The address bytes in network order (4 or 16), e.g. to bind address-validation tokens.
    public var addressBytes: [UInt8] {
        var out: [UInt8] = []
        if isIPv6 {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        } else {
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        }
        return out
    }

    /// `1.2.3.4:443` or `[2001:db8::1]:443` (groups in hex, zero runs not compressed beyond `0`).
    public var description: String {
        if !isIPv6 {
            let a = UInt32(truncatingIfNeeded: low)
            return "\(a >> 24).\(a >> 16 & 0xff).\(a >> 8 & 0xff).\(a & 0xff):\(port)"
        }
        var groups: [String] = []
        for word in [high, low] {
            for shift in stride(from: 48, through: 0, by: -16) {
                groups.append(String(UInt16(truncatingIfNeeded: word >> UInt64(shift)), radix: 16))
            }
        }
        return "[\(groups.joined(separator: ":"))]:\(port)"
    }
}
