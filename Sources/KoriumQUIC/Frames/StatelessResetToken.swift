import KoriumWire

/// A 16-byte Stateless Reset Token (RFC 9000 §10.3), stored inline; compared in constant time.
public struct StatelessResetToken: Sendable, Hashable {
    /// The token length.
    public static let byteCount = 16
    @usableFromInline let high: UInt64
    @usableFromInline let low: UInt64

    /// Reads 16 bytes.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) {
        let bytes = try reader.readBytes(Self.byteCount)
        high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// From exactly 16 bytes; other lengths are `.lengthExceedsLimit` / `.truncated`.
    public init(_ bytes: [UInt8]) throws(WireError) {
        guard bytes.count <= Self.byteCount else { throw .lengthExceedsLimit(length: bytes.count, limit: Self.byteCount) }
        self = try bytes.withReader { (r: inout ByteReader) throws(WireError) in try StatelessResetToken(from: &r) }
    }

    /// The 16 bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * i))
        }
        return out
    }

    /// Writes the 16 bytes.
    @inlinable
    public func write(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt64(high)
            try w.writeUInt64(low)
        }
    }

    /// Constant-time equality (RFC 9000 §10.3.1 asks that comparisons not leak the token).
    public static func == (lhs: StatelessResetToken, rhs: StatelessResetToken) -> Bool {
        ((lhs.high ^ rhs.high) | (lhs.low ^ rhs.low)) == 0
    }

    /// Hashes both halves.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
    }
}
