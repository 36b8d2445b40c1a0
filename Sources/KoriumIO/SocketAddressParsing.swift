import Glibc

/// Why a text could not be read as a `SocketAddress`.
public enum SocketAddressError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// The text is longer than `SocketAddress.maxTextLength`.
    case tooLong(length: Int)
    /// No `:port` at the end.
    case missingPort(String)
    /// The port is not a decimal number in 0...65535.
    case invalidPort(String)
    /// The host is not an IPv4 dotted quad or an IPv6 address.
    case invalidHost(String)
    /// An IPv6 host must be written in brackets, `[::1]:4433`.
    case unbracketedIPv6(String)
    /// A `[` without its `]`, or text between `]` and `:`.
    case malformedBrackets(String)
    /// The `%zone` of a link-local address names no interface of this host.
    case unknownZone(String)

    /// What is wrong and the expected shape.
    public var description: String {
        let shape = "expected host:port such as 127.0.0.1:4433 or [::1]:4433"
        switch self {
        case .empty: return "empty address: \(shape)"
        case .tooLong(let n): return "address text of \(n) bytes is too long (max \(SocketAddress.maxTextLength))"
        case .missingPort(let s): return "'\(s)' has no port: \(shape)"
        case .invalidPort(let s): return "'\(s)' is not a port (0-65535)"
        case .invalidHost(let s): return "'\(s)' is not an IPv4 or IPv6 address (host names are not resolved)"
        case .unbracketedIPv6(let s): return "'\(s)': write IPv6 addresses in brackets, e.g. [::1]:4433"
        case .malformedBrackets(let s): return "'\(s)' has unbalanced or misplaced brackets: \(shape)"
        case .unknownZone(let s): return "'\(s)' is not a network interface of this host"
        }
    }
}

extension SocketAddress {
    /// Longest text `init(parsing:)` accepts (an IPv6 address with zone and port fits easily).
    public static let maxTextLength = 96

    /// Parses `a.b.c.d:port`, `[ipv6]:port` or `[ipv6%zone]:port` (zone: interface name or index).
    /// Host names are not resolved. Total: any text gives an address or a `SocketAddressError`.
    public init(parsing text: String) throws(SocketAddressError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Self.maxTextLength else { throw .tooLong(length: bytes.count) }
        // inet_pton stops at a NUL, so "1.2.3.4\0junk" would otherwise pass.
        guard !bytes.contains(0) else { throw .invalidHost(text) }
        let colon = UInt8(ascii: ":")
        let hostBytes: ArraySlice<UInt8>
        let portBytes: ArraySlice<UInt8>
        var bracketed = false
        if bytes[0] == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { throw .malformedBrackets(text) }
            hostBytes = bytes[1..<close]
            let rest = bytes[(close + 1)...]
            guard let first = rest.first else { throw .missingPort(text) }
            guard first == colon else { throw .malformedBrackets(text) }
            portBytes = rest.dropFirst()
            bracketed = true
        } else {
            guard let last = bytes.lastIndex(of: colon) else { throw .missingPort(text) }
            hostBytes = bytes[..<last]
            portBytes = bytes[(last + 1)...]
            if hostBytes.contains(colon) { throw .unbracketedIPv6(text) }
            if hostBytes.contains(UInt8(ascii: "]")) { throw .malformedBrackets(text) }
        }
        let port = try Self.parsePort(portBytes, text: text)
        if bracketed {
            var addressPart = hostBytes
            var scope: UInt32 = 0
            if let percent = hostBytes.firstIndex(of: UInt8(ascii: "%")) {
                addressPart = hostBytes[..<percent]
                scope = try Self.parseZone(hostBytes[(percent + 1)...], text: text)
            }
            guard let v6 = Self.parseIPv6(addressPart) else { throw .invalidHost(String(decoding: hostBytes, as: UTF8.self)) }
            self.init(ip: .v6(v6), port: port, scopeID: scope)
        } else {
            guard let v4 = Self.parseIPv4(hostBytes) else { throw .invalidHost(String(decoding: hostBytes, as: UTF8.self)) }
            self.init(ip: .v4(v4), port: port)
        }
    }

    private static func parsePort(_ digits: ArraySlice<UInt8>, text: String) throws(SocketAddressError) -> UInt16 {
        guard !digits.isEmpty else { throw .missingPort(text) }
        guard digits.count <= 5 else { throw .invalidPort(String(decoding: digits, as: UTF8.self)) }
        var value = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else {
                throw .invalidPort(String(decoding: digits, as: UTF8.self))
            }
            value = value * 10 + Int(d - UInt8(ascii: "0"))
        }
        guard let port = UInt16(exactly: value) else { throw .invalidPort(String(decoding: digits, as: UTF8.self)) }
        return port
    }

    private static func parseZone(_ zone: ArraySlice<UInt8>, text: String) throws(SocketAddressError) -> UInt32 {
        let name = String(decoding: zone, as: UTF8.self)
        guard !zone.isEmpty, zone.count < Int(IF_NAMESIZE) else { throw .unknownZone(name) }
        if zone.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let index = UInt32(name) {
            return index
        }
        let index = if_nametoindex(name)
        guard index != 0 else { throw .unknownZone(name) }
        return index
    }

    /// `inet_pton` over a NUL-terminated copy: strict dotted quad (no leading zeros, 4 parts).
    private static func parseIPv4(_ host: ArraySlice<UInt8>) -> IPv4Address? {
        var cString = Array(host)
        cString.append(0)
        var addr = in_addr()
        let ok = cString.withUnsafeBufferPointer { inet_pton(AF_INET, $0.baseAddress, &addr) }
        return ok == 1 ? IPv4Address(addr) : nil
    }

    private static func parseIPv6(_ host: ArraySlice<UInt8>) -> IPv6Address? {
        var cString = Array(host)
        cString.append(0)
        var addr = in6_addr()
        let ok = cString.withUnsafeBufferPointer { inet_pton(AF_INET6, $0.baseAddress, &addr) }
        return ok == 1 ? IPv6Address(addr) : nil
    }
}
