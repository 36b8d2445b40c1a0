/// An ASN.1 OBJECT IDENTIFIER held as its DER content bytes (compared byte-wise).
public struct ObjectIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The DER content octets.
    public let bytes: [UInt8]

    /// Wraps already-encoded content octets.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Encodes dotted arcs (first two arcs combined as 40·a + b, X.690 §8.19.4).
    public init(arcs: [UInt64]) {
        precondition(arcs.count >= 2 && arcs[0] <= 2, "invalid OID")
        var out: [UInt8] = []
        func push(_ v: UInt64) {
            var stack: [UInt8] = [UInt8(v & 0x7f)]
            var x = v >> 7
            while x > 0 { stack.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
            out.append(contentsOf: stack.reversed())
        }
        push(arcs[0] * 40 + arcs[1])
        for a in arcs.dropFirst(2) { push(a) }
        bytes = out
    }

    /// Dotted notation, e.g. `1.3.101.112`.
    public var description: String {
        var arcs: [UInt64] = []
        var v: UInt64 = 0
        for b in bytes {
            if v > (UInt64.max >> 8) { return "oid(overflow)" }
            v = (v << 7) | UInt64(b & 0x7f)
            if b & 0x80 == 0 {
                if arcs.isEmpty {
                    let first: UInt64 = v < 40 ? 0 : (v < 80 ? 1 : 2)
                    arcs.append(first)
                    arcs.append(v - first * 40)
                } else {
                    arcs.append(v)
                }
                v = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    /// id-Ed25519 (RFC 8410 §3).
    public static let ed25519 = ObjectIdentifier(arcs: [1, 3, 101, 112])
    /// id-at-commonName.
    public static let commonName = ObjectIdentifier(arcs: [2, 5, 4, 3])
    /// id-ce-subjectKeyIdentifier.
    public static let subjectKeyIdentifier = ObjectIdentifier(arcs: [2, 5, 29, 14])
    /// id-ce-keyUsage.
    public static let keyUsage = ObjectIdentifier(arcs: [2, 5, 29, 15])
    /// id-ce-subjectAltName.
    public static let subjectAltName = ObjectIdentifier(arcs: [2, 5, 29, 17])
    /// id-ce-basicConstraints.
    public static let basicConstraints = ObjectIdentifier(arcs: [2, 5, 29, 19])
    /// id-ce-nameConstraints.
    public static let nameConstraints = ObjectIdentifier(arcs: [2, 5, 29, 30])
    /// id-ce-authorityKeyIdentifier.
    public static let authorityKeyIdentifier = ObjectIdentifier(arcs: [2, 5, 29, 35])
    /// id-ce-extKeyUsage.
    public static let extendedKeyUsage = ObjectIdentifier(arcs: [2, 5, 29, 37])
    /// id-kp-serverAuth.
    public static let serverAuth = ObjectIdentifier(arcs: [1, 3, 6, 1, 5, 5, 7, 3, 1])
    /// id-kp-clientAuth.
    public static let clientAuth = ObjectIdentifier(arcs: [1, 3, 6, 1, 5, 5, 7, 3, 2])
}
