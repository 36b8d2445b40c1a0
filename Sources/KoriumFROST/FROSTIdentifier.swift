import KoriumCrypto
import KoriumWire

/// A participant identifier: a non-zero scalar (RFC 9591 §5, "NonZeroScalar"), usually the
/// small integer 1...n assigned at key generation. Ordered by numeric value, which is the order
/// commitment lists are sorted in. Encoded as its 32-byte scalar (RFC 9591 SerializeScalar).
public struct FROSTIdentifier: Sendable, Hashable, Comparable, CustomStringConvertible, WireCodable {
    /// The identifier as a scalar.
    public let scalar: Ed25519Scalar

    /// The identifier `value`, which must be in 1...``FROSTLimits/maxParticipants``.
    ///
    /// - Throws: `FROSTError.invalidIdentifier` outside that range.
    public init(_ value: Int) throws(FROSTError) {
        guard value >= 1, value <= FROSTLimits.maxParticipants else { throw .invalidIdentifier }
        scalar = Ed25519Scalar(UInt64(value))
    }

    /// Any non-zero scalar as an identifier (RFC 9591 allows arbitrary NonZeroScalars).
    ///
    /// - Throws: `FROSTError.invalidIdentifier` for zero.
    public init(scalar: Ed25519Scalar) throws(FROSTError) {
        guard !scalar.isZero else { throw .invalidIdentifier }
        self.scalar = scalar
    }

    /// The small-integer value, when the identifier is one (< 2^64); `nil` otherwise.
    public var integerValue: UInt64? {
        let b = scalar.bytes
        guard b[8...].allSatisfy({ $0 == 0 }) else { return nil }
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    /// The integer for small identifiers, else the scalar's hex.
    public var description: String {
        if let v = integerValue { return String(v) }
        return scalar.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Numeric order.
    public static func < (lhs: FROSTIdentifier, rhs: FROSTIdentifier) -> Bool { lhs.scalar < rhs.scalar }

    /// 32 bytes: the scalar.
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeScalar(scalar) }

    /// 32 bytes: a canonical, non-zero scalar.
    public init(from reader: inout ByteReader) throws(WireError) {
        let s = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let s = try r.readScalar()
            guard !s.isZero else { throw .invalid("zero identifier") }
            return s
        }
        scalar = s
    }
}
