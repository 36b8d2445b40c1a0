import Glibc

/// A UDP endpoint: an IPv4 or IPv6 address and a port (plus the IPv6 scope for link-local
/// addresses). A plain value: hashable, no heap storage, cheap to convert to and from
/// `sockaddr` on the datagram path.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host address.
    public var ip: IPAddress
    /// The port, host byte order.
    public var port: UInt16
    /// The IPv6 scope (interface index) of a link-local address; 0 otherwise and for IPv4.
    public var scopeID: UInt32

    /// An endpoint at `ip`, `port` (and `scopeID` for link-local IPv6).
    public init(ip: IPAddress, port: UInt16, scopeID: UInt32 = 0) {
        self.ip = ip
        self.port = port
        if case .v6 = ip { self.scopeID = scopeID } else { self.scopeID = 0 }
    }

    /// `127.0.0.1:port`.
    public static func loopbackV4(port: UInt16 = 0) -> SocketAddress { .init(ip: .v4(.loopback), port: port) }
    /// `[::1]:port`.
    public static func loopbackV6(port: UInt16 = 0) -> SocketAddress { .init(ip: .v6(.loopback), port: port) }
    /// `0.0.0.0:port`.
    public static func anyV4(port: UInt16 = 0) -> SocketAddress { .init(ip: .v4(.any), port: port) }
    /// `[::]:port`.
    public static func anyV6(port: UInt16 = 0) -> SocketAddress { .init(ip: .v6(.any), port: port) }

    /// Whether this is an IPv6 address (including IPv4-mapped ones).
    public var isIPv6: Bool {
        if case .v6 = ip { return true }
        return false
    }

    /// The same endpoint with an IPv4-mapped IPv6 address (as a dual-stack socket reports IPv4
    /// peers) turned into plain IPv4, so one peer has one address.
    public var unmapped: SocketAddress {
        guard case .v6(let a) = ip, let v4 = a.mappedIPv4 else { return self }
        return SocketAddress(ip: .v4(v4), port: port)
    }

    /// `192.0.2.1:443`, `[2001:db8::1]:443`, `[fe80::1%2]:443`; the format `init(parsing:)` reads.
    public var description: String {
        switch ip {
        case .v4(let a): return "\(a):\(port)"
        case .v6(let a): return scopeID == 0 ? "[\(a)]:\(port)" : "[\(a)%\(scopeID)]:\(port)"
        }
    }

    /// Writes this address as a `sockaddr` for a socket of `family` into `storage` (room for a
    /// `sockaddr_storage`) and returns its length. An IPv4 address on an `AF_INET6` socket is
    /// written IPv4-mapped.
    func write(to storage: UnsafeMutableRawPointer, family: Int32) -> socklen_t {
        switch ip {
        case .v4(let a) where family != AF_INET6:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr = a.inAddr
            storage.storeBytes(of: sin, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v4(let a):
            return Self.writeV6(IPv6Address(mapping: a), port: port, scopeID: 0, to: storage)
        case .v6(let a):
            return Self.writeV6(a, port: port, scopeID: scopeID, to: storage)
        }
    }

    private static func writeV6(_ a: IPv6Address, port: UInt16, scopeID: UInt32,
                                to storage: UnsafeMutableRawPointer) -> socklen_t {
        var sin6 = sockaddr_in6()
        sin6.sin6_family = sa_family_t(AF_INET6)
        sin6.sin6_port = port.bigEndian
        sin6.sin6_addr = a.in6Addr
        sin6.sin6_scope_id = scopeID
        storage.storeBytes(of: sin6, as: sockaddr_in6.self)
        return socklen_t(MemoryLayout<sockaddr_in6>.size)
    }

    /// Reads a `sockaddr_in`/`sockaddr_in6` of `length` bytes; nil for other families or short lengths.
    init?(sockaddr storage: UnsafeRawPointer, length: socklen_t) {
        guard Int(length) >= MemoryLayout<sa_family_t>.size else { return nil }
        let family = Int32(storage.loadUnaligned(as: sa_family_t.self))
        if family == AF_INET, Int(length) >= MemoryLayout<sockaddr_in>.size {
            let sin = storage.loadUnaligned(as: sockaddr_in.self)
            self.init(ip: .v4(IPv4Address(sin.sin_addr)), port: UInt16(bigEndian: sin.sin_port))
        } else if family == AF_INET6, Int(length) >= MemoryLayout<sockaddr_in6>.size {
            let sin6 = storage.loadUnaligned(as: sockaddr_in6.self)
            self.init(ip: .v6(IPv6Address(sin6.sin6_addr)), port: UInt16(bigEndian: sin6.sin6_port),
                      scopeID: sin6.sin6_scope_id)
        } else {
            return nil
        }
    }

    var family: Int32 {
        switch ip {
        case .v4: return AF_INET
        case .v6: return AF_INET6
        }
    }
}
