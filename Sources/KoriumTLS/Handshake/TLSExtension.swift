import KoriumWire

/// A TLS extension type code point (RFC 8446 §4.2, RFC 9001 §8.2).
public struct ExtensionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit code point.
    public let rawValue: UInt16
    /// Creates a type from its code point.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// server_name (RFC 6066).
    public static let serverName = ExtensionType(rawValue: 0)
    /// supported_groups (RFC 8446 §4.2.7).
    public static let supportedGroups = ExtensionType(rawValue: 10)
    /// signature_algorithms (RFC 8446 §4.2.3).
    public static let signatureAlgorithms = ExtensionType(rawValue: 13)
    /// application_layer_protocol_negotiation (RFC 7301).
    public static let alpn = ExtensionType(rawValue: 16)
    /// pre_shared_key (RFC 8446 §4.2.11).
    public static let preSharedKey = ExtensionType(rawValue: 41)
    /// early_data (RFC 8446 §4.2.10).
    public static let earlyData = ExtensionType(rawValue: 42)
    /// supported_versions (RFC 8446 §4.2.1).
    public static let supportedVersions = ExtensionType(rawValue: 43)
    /// cookie (RFC 8446 §4.2.2).
    public static let cookie = ExtensionType(rawValue: 44)
    /// psk_key_exchange_modes (RFC 8446 §4.2.9).
    public static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    /// certificate_authorities (RFC 8446 §4.2.4).
    public static let certificateAuthorities = ExtensionType(rawValue: 47)
    /// oid_filters (RFC 8446 §4.2.5).
    public static let oidFilters = ExtensionType(rawValue: 48)
    /// post_handshake_auth (RFC 8446 §4.2.6).
    public static let postHandshakeAuth = ExtensionType(rawValue: 49)
    /// signature_algorithms_cert (RFC 8446 §4.2.3).
    public static let signatureAlgorithmsCert = ExtensionType(rawValue: 50)
    /// key_share (RFC 8446 §4.2.8).
    public static let keyShare = ExtensionType(rawValue: 51)
    /// quic_transport_parameters (RFC 9001 §8.2).
    public static let quicTransportParameters = ExtensionType(rawValue: 0x39)

    /// The extensions RFC 8446 §4.2 defines plus QUIC's, i.e. those we *recognise*: receiving
    /// one in a message where it is not allowed is `illegal_parameter`; others are ignored
    /// in a ClientHello.
    static let recognised: Set<ExtensionType> = [
        .serverName, .supportedGroups, .signatureAlgorithms, .alpn, .preSharedKey, .earlyData,
        .supportedVersions, .cookie, .pskKeyExchangeModes, .certificateAuthorities, .oidFilters,
        .postHandshakeAuth, .signatureAlgorithmsCert, .keyShare, .quicTransportParameters,
    ]

    /// `0x` + four hex digits.
    public var description: String {
        let h = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - h.count) + h
    }
}

/// One extension: type and undecoded `extension_data`.
public struct TLSExtension: Sendable, Hashable {
    /// The extension type.
    public var type: ExtensionType
    /// The raw `extension_data`.
    public var data: [UInt8]

    /// Creates an extension.
    public init(type: ExtensionType, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}

/// Named groups (RFC 8446 §4.2.7). Only X25519 is implemented (DESIGN.md).
public enum NamedGroup {
    /// secp256r1.
    public static let secp256r1: UInt16 = 0x0017
    /// x25519.
    public static let x25519: UInt16 = 0x001d
}

/// Signature schemes (RFC 8446 §4.2.3). Only Ed25519 is implemented (DESIGN.md).
public enum SignatureScheme {
    /// ed25519.
    public static let ed25519: UInt16 = 0x0807
}

/// TLS protocol versions (RFC 8446 §4.1.2, §4.2.1).
enum ProtocolVersion {
    static let tls12: UInt16 = 0x0303
    static let tls13: UInt16 = 0x0304
}

/// Extension list encoding and the typed bodies of the extensions we use.
enum Extensions {
    /// Caps the extension count: a ClientHello has ~15; anything near this is hostile.
    static let maxCount = 128

    /// `Extension extensions<min..2^16-1>` (RFC 8446 §4.2). RFC 8446 §4.2: "There MUST NOT be
    /// more than one extension of the same type in a given extension block" → illegal_parameter.
    static func read(_ reader: inout ByteReader, min: Int = 0) throws(TLSError) -> [TLSExtension] {
        var list = try reader.tlsVector(prefixBytes: 2, min: min, max: 0xffff)
        var result: [TLSExtension] = []
        var seen = Set<UInt16>()
        while !list.isAtEnd {
            let type = try list.tlsUInt16()
            let data = try list.tlsOpaque(prefixBytes: 2, max: 0xffff)
            guard seen.insert(type).inserted else {
                throw TLSError(.illegalParameter, "duplicate extension \(ExtensionType(rawValue: type))")
            }
            guard result.count < maxCount else { throw TLSError(.decodeError, "too many extensions") }
            result.append(TLSExtension(type: ExtensionType(rawValue: type), data: data))
        }
        return result
    }

    static func write(_ extensions: [TLSExtension], into w: inout TLSWriter) {
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in
            for e in extensions {
                l.u16(e.type.rawValue)
                l.opaque(prefixBytes: 2, e.data)
            }
        }
    }

    // MARK: typed bodies

    /// `NamedGroup named_group_list<2..2^16-1>` or `SignatureScheme supported_signature_algorithms<2..2^16-2>`.
    static func decodeUInt16List(_ data: [UInt8]) throws(TLSError) -> [UInt16] {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [UInt16] in
            var list = try r.tlsVector(prefixBytes: 2, min: 2, max: 0xffff)
            guard list.remaining % 2 == 0 else { throw TLSError(.decodeError, "odd list length") }
            var out: [UInt16] = []
            while !list.isAtEnd { out.append(try list.tlsUInt16()) }
            return out
        }
    }

    static func encodeUInt16List(_ values: [UInt16]) -> [UInt8] {
        var w = TLSWriter()
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in for v in values { l.u16(v) } }
        return w.bytes
    }

    /// ClientHello `supported_versions`: `ProtocolVersion versions<2..254>`.
    static func decodeClientVersions(_ data: [UInt8]) throws(TLSError) -> [UInt16] {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [UInt16] in
            var list = try r.tlsVector(prefixBytes: 1, min: 2, max: 254)
            guard list.remaining % 2 == 0 else { throw TLSError(.decodeError, "odd versions length") }
            var out: [UInt16] = []
            while !list.isAtEnd { out.append(try list.tlsUInt16()) }
            return out
        }
    }

    static func encodeClientVersions(_ versions: [UInt16]) -> [UInt8] {
        var w = TLSWriter()
        w.vector(prefixBytes: 1) { (l: inout TLSWriter) in for v in versions { l.u16(v) } }
        return w.bytes
    }

    /// A single `uint16` body (ServerHello `supported_versions`, HRR `key_share`).
    static func decodeUInt16(_ data: [UInt8]) throws(TLSError) -> UInt16 {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> UInt16 in try r.tlsUInt16() }
    }

    static func encodeUInt16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }

    /// One `KeyShareEntry { NamedGroup group; opaque key_exchange<1..2^16-1>; }`.
    static func readKeyShareEntry(_ r: inout ByteReader) throws(TLSError) -> (group: UInt16, key: [UInt8]) {
        let group = try r.tlsUInt16()
        let key = try r.tlsOpaque(prefixBytes: 2, min: 1, max: 0xffff)
        return (group, key)
    }

    /// ClientHello `key_share`: `KeyShareEntry client_shares<0..2^16-1>`.
    static func decodeClientKeyShares(_ data: [UInt8]) throws(TLSError) -> [(group: UInt16, key: [UInt8])] {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [(group: UInt16, key: [UInt8])] in
            var list = try r.tlsVector(prefixBytes: 2, max: 0xffff)
            var out: [(group: UInt16, key: [UInt8])] = []
            while !list.isAtEnd { out.append(try readKeyShareEntry(&list)) }
            return out
        }
    }

    static func encodeClientKeyShares(_ shares: [(group: UInt16, key: [UInt8])]) -> [UInt8] {
        var w = TLSWriter()
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in
            for s in shares {
                l.u16(s.group)
                l.opaque(prefixBytes: 2, s.key)
            }
        }
        return w.bytes
    }

    /// ServerHello `key_share`: one `KeyShareEntry`.
    static func decodeServerKeyShare(_ data: [UInt8]) throws(TLSError) -> (group: UInt16, key: [UInt8]) {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> (group: UInt16, key: [UInt8]) in
            try readKeyShareEntry(&r)
        }
    }

    static func encodeServerKeyShare(group: UInt16, key: [UInt8]) -> [UInt8] {
        var w = TLSWriter()
        w.u16(group)
        w.opaque(prefixBytes: 2, key)
        return w.bytes
    }

    /// `ProtocolName protocol_name_list<2..2^16-1>`, `opaque ProtocolName<1..2^8-1>` (RFC 7301 §3.1).
    static func decodeALPN(_ data: [UInt8]) throws(TLSError) -> [[UInt8]] {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [[UInt8]] in
            var list = try r.tlsVector(prefixBytes: 2, min: 2, max: 0xffff)
            var out: [[UInt8]] = []
            while !list.isAtEnd { out.append(try list.tlsOpaque(prefixBytes: 1, min: 1, max: 0xff)) }
            return out
        }
    }

    static func encodeALPN(_ protocols: [[UInt8]]) -> [UInt8] {
        var w = TLSWriter()
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in for p in protocols { l.opaque(prefixBytes: 1, p) } }
        return w.bytes
    }

    /// `ServerNameList server_name_list<1..2^16-1>`; returns the first host_name (RFC 6066 §3).
    static func decodeServerName(_ data: [UInt8]) throws(TLSError) -> [UInt8]? {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [UInt8]? in
            var list = try r.tlsVector(prefixBytes: 2, min: 1, max: 0xffff)
            var host: [UInt8]? = nil
            var seenTypes = Set<UInt8>()
            while !list.isAtEnd {
                let type = try list.tlsUInt8()
                let name = try list.tlsOpaque(prefixBytes: 2, min: 1, max: 0xffff)
                // RFC 6066 §3: the list MUST NOT contain more than one name of the same type.
                guard seenTypes.insert(type).inserted else { throw TLSError(.illegalParameter, "duplicate server name type") }
                if type == 0 { host = name }
            }
            return host
        }
    }

    static func encodeServerName(_ host: [UInt8]) -> [UInt8] {
        var w = TLSWriter()
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in
            l.u8(0)
            l.opaque(prefixBytes: 2, host)
        }
        return w.bytes
    }

    /// `opaque cookie<1..2^16-1>`.
    static func decodeCookie(_ data: [UInt8]) throws(TLSError) -> [UInt8] {
        try data.parseTLS { (r: inout ByteReader) throws(TLSError) -> [UInt8] in
            try r.tlsOpaque(prefixBytes: 2, min: 1, max: 0xffff)
        }
    }

    static func encodeCookie(_ cookie: [UInt8]) -> [UInt8] {
        var w = TLSWriter()
        w.opaque(prefixBytes: 2, cookie)
        return w.bytes
    }
}

extension Array where Element == TLSExtension {
    /// The data of the extension of `type`, if present.
    func data(_ type: ExtensionType) -> [UInt8]? {
        for e in self where e.type == type { return e.data }
        return nil
    }
}
