import KoriumQUIC

extension PathAddress {
    /// The sans-IO form of a socket address (IPv4-mapped IPv6 addresses become IPv4; the IPv6
    /// scope ID is not carried, so link-local peers need a scoped socket).
    public init(_ address: SocketAddress) {
        switch address.ip.unmapped {
        case .v4(let v4): self.init(ipv4: v4.rawValue, port: address.port)
        case .v6(let v6): self.init(ipv6: v6.high, low: v6.low, port: address.port)
        }
    }
}

extension SocketAddress {
    /// The socket address of a sans-IO path address.
    public init(_ address: PathAddress) {
        if let v4 = address.ipv4Address {
            self.init(ip: .v4(IPv4Address(rawValue: v4)), port: address.port)
        } else {
            let v6 = address.ipv6Address ?? (0, 0)
            self.init(ip: .v6(IPv6Address(high: v6.high, low: v6.low)), port: address.port)
        }
    }
}
