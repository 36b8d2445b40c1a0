import KoriumCrypto
import KoriumWire

// Fixed-width codec fields for group elements and scalars: 32 bytes each, exactly the RFC 9591
// SerializeElement / SerializeScalar encodings, validated on the way in (DeserializeElement /
// DeserializeScalar) so no unchecked element ever reaches the protocol code.

extension ByteReader {
    /// RFC 9591 DeserializeElement: a canonical, non-identity prime-order-subgroup point.
    mutating func readElement() throws(WireError) -> Ed25519Point {
        try atomically { (r: inout ByteReader) throws(WireError) in
            let raw = try r.readBytes(Ed25519Point.byteCount)
            do throws(CryptoError) {
                return try Ed25519Point(validating: raw)
            } catch {
                throw .invalid("invalid group element")
            }
        }
    }

    /// RFC 9591 DeserializeScalar: 32 little-endian bytes < L.
    mutating func readScalar() throws(WireError) -> Ed25519Scalar {
        try atomically { (r: inout ByteReader) throws(WireError) in
            let raw = try r.readBytes(Ed25519Scalar.byteCount)
            do throws(CryptoError) {
                return try Ed25519Scalar(canonicalBytes: raw)
            } catch {
                throw .invalid("non-canonical scalar")
            }
        }
    }

    /// A secret scalar, copied straight into zeroizing storage.
    mutating func readSecretScalar() throws(WireError) -> Ed25519SecretScalar {
        try atomically { (r: inout ByteReader) throws(WireError) in
            let raw = try r.readBytes(Ed25519Scalar.byteCount)
            do throws(CryptoError) {
                return try Ed25519SecretScalar(canonicalBytes: raw)
            } catch {
                throw .invalid("non-canonical scalar")
            }
        }
    }

    /// A participant count or threshold: two bytes, 1...maxParticipants.
    mutating func readParticipantCount() throws(WireError) -> Int {
        try atomically { (r: inout ByteReader) throws(WireError) in
            let n = Int(try r.readUInt16())
            guard n >= 1, n <= FROSTLimits.maxParticipants else { throw .valueOutOfRange }
            return n
        }
    }

    /// A one-byte format version that must equal `expected`.
    mutating func expectVersion(_ expected: UInt8) throws(WireError) {
        try atomically { (r: inout ByteReader) throws(WireError) in
            guard try r.readUInt8() == expected else { throw .invalid("unknown format version") }
        }
    }
}

extension ByteWriter {
    /// RFC 9591 SerializeElement.
    mutating func writeElement(_ point: Ed25519Point) throws(WireError) {
        guard !point.isIdentity else { throw .invalid("identity element") }
        try point.withUnsafeBytes { (raw) throws(WireError) in try writeBytes(raw) }
    }

    /// RFC 9591 SerializeScalar.
    mutating func writeScalar(_ scalar: Ed25519Scalar) throws(WireError) {
        try scalar.withUnsafeBytes { (raw) throws(WireError) in try writeBytes(raw) }
    }

    /// A secret scalar, without an intermediate heap copy.
    mutating func writeSecretScalar(_ scalar: Ed25519SecretScalar) throws(WireError) {
        try scalar.withUnsafeBytes { (raw) throws(WireError) in try writeBytes(raw) }
    }

    /// A participant count or threshold (two bytes).
    mutating func writeParticipantCount(_ n: Int) throws(WireError) {
        guard n >= 1, n <= FROSTLimits.maxParticipants else { throw .valueOutOfRange }
        try writeUInt16(UInt16(n))
    }
}
