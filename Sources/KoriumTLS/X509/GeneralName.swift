/// A subjectAltName entry (RFC 5280 §4.2.1.6). Only the forms we use are decoded; others are
/// kept as their tag so they can be ignored.
public enum GeneralName: Sendable, Hashable {
    /// dNSName `[2] IA5String`.
    case dns(String)
    /// uniformResourceIdentifier `[6] IA5String` (SPIFFE IDs).
    case uri(String)
    /// iPAddress `[7] OCTET STRING`: 4 or 16 bytes.
    case ipAddress([UInt8])
    /// Any other form, by context tag number.
    case other(tag: UInt8)

    func encoded() -> [UInt8] {
        switch self {
        case .dns(let s): return DER.encode(tag: DER.Tag.contextPrimitive(2), content: Array(s.utf8))
        case .uri(let s): return DER.encode(tag: DER.Tag.contextPrimitive(6), content: Array(s.utf8))
        case .ipAddress(let b): return DER.encode(tag: DER.Tag.contextPrimitive(7), content: b)
        case .other(let tag): return DER.encode(tag: DER.Tag.contextPrimitive(tag), content: [])
        }
    }

    static func decode(_ e: DERElement) throws(X509Error) -> GeneralName {
        func ia5(_ bytes: [UInt8]) throws(X509Error) -> String {
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }),
                  let s = String(validating: bytes, as: UTF8.self) else {
                throw .malformed("IA5String in subjectAltName")
            }
            return s
        }
        switch e.tag {
        case DER.Tag.contextPrimitive(2): return .dns(try ia5(e.content))
        case DER.Tag.contextPrimitive(6): return .uri(try ia5(e.content))
        case DER.Tag.contextPrimitive(7):
            let c = e.content
            guard c.count == 4 || c.count == 16 else { throw .malformed("iPAddress length \(c.count)") }
            return .ipAddress(c)
        default:
            return .other(tag: e.tag & 0x1f)
        }
    }
}

/// keyUsage bits (RFC 5280 §4.2.1.3), bit 0 = digitalSignature.
public struct KeyUsage: OptionSet, Sendable, Hashable {
    /// The bits, bit n of the BIT STRING as `1 << n`.
    public let rawValue: UInt16
    /// Creates a set from raw bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// digitalSignature (0).
    public static let digitalSignature = KeyUsage(rawValue: 1 << 0)
    /// nonRepudiation / contentCommitment (1).
    public static let contentCommitment = KeyUsage(rawValue: 1 << 1)
    /// keyEncipherment (2).
    public static let keyEncipherment = KeyUsage(rawValue: 1 << 2)
    /// dataEncipherment (3).
    public static let dataEncipherment = KeyUsage(rawValue: 1 << 3)
    /// keyAgreement (4).
    public static let keyAgreement = KeyUsage(rawValue: 1 << 4)
    /// keyCertSign (5).
    public static let keyCertSign = KeyUsage(rawValue: 1 << 5)
    /// cRLSign (6).
    public static let cRLSign = KeyUsage(rawValue: 1 << 6)

    /// DER BIT STRING with named-bit trailing zeros removed (X.690 §11.2.2).
    func encoded() -> [UInt8] {
        var highest = -1
        for bit in 0..<9 where rawValue & (1 << bit) != 0 { highest = bit }
        guard highest >= 0 else { return DER.encode(tag: DER.Tag.bitString, content: [0]) }
        let byteCount = highest / 8 + 1
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for bit in 0...highest where rawValue & (1 << bit) != 0 {
            bytes[bit / 8] |= 0x80 >> UInt8(bit % 8)
        }
        let unused = UInt8(byteCount * 8 - 1 - highest)
        return DER.encode(tag: DER.Tag.bitString, content: [unused] + bytes)
    }

    static func decode(_ e: DERElement) throws(X509Error) -> KeyUsage {
        let bits: (bytes: [UInt8], unusedBits: Int)
        do { bits = try e.bitString() } catch { throw .der(error) }
        guard bits.bytes.count <= 2 else { throw .malformed("keyUsage too long") }
        var raw: UInt16 = 0
        for (i, byte) in bits.bytes.enumerated() {
            for j in 0..<8 where byte & (0x80 >> UInt8(j)) != 0 { raw |= 1 << UInt16(i * 8 + j) }
        }
        return KeyUsage(rawValue: raw)
    }
}
