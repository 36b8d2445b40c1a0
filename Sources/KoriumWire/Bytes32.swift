/// 32 bytes held inline as four big-endian 64-bit words (no heap allocation, cheap hashing):
/// the one storage type for 32-byte identities above the Wire layer — DHT node IDs and keys,
/// gossip peer IDs, Ed25519 public keys.
@frozen
public struct Bytes32: Hashable, Comparable, Sendable {
    /// Bytes 0..<8 as a big-endian word (byte 0 is the most significant).
    public var w0: UInt64
    /// Bytes 8..<16.
    public var w1: UInt64
    /// Bytes 16..<24.
    public var w2: UInt64
    /// Bytes 24..<32.
    public var w3: UInt64

    /// The value with the given words.
    @inlinable
    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// All zero bytes.
    public static let zero = Bytes32(0, 0, 0, 0)

    /// The value of exactly 32 bytes; nil for any other count.
    @inlinable
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        for b in bytes {
            let shifted = UInt64(b) << UInt64(56 - 8 * (i & 7))
            switch i >> 3 {
            case 0: words.0 |= shifted
            case 1: words.1 |= shifted
            case 2: words.2 |= shifted
            default: words.3 |= shifted
            }
            i += 1
        }
        self.init(words.0, words.1, words.2, words.3)
    }

    /// The value of exactly 32 bytes; nil for any other count (labelled spelling of `init?(_:)`).
    @inlinable
    public init?(bytes: some Collection<UInt8>) { self.init(bytes) }

    /// The 32 bytes, most significant first.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }

    /// Bitwise exclusive or.
    @inlinable
    public static func ^ (a: Bytes32, b: Bytes32) -> Bytes32 {
        Bytes32(a.w0 ^ b.w0, a.w1 ^ b.w1, a.w2 ^ b.w2, a.w3 ^ b.w3)
    }

    /// Big-endian (byte-wise lexicographic) order.
    @inlinable
    public static func < (a: Bytes32, b: Bytes32) -> Bool {
        if a.w0 != b.w0 { return a.w0 < b.w0 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        return a.w3 < b.w3
    }

    /// Leading zero bits counted from the first byte's most significant bit (256 for zero).
    @inlinable
    public var leadingZeroBitCount: Int {
        if w0 != 0 { return w0.leadingZeroBitCount }
        if w1 != 0 { return 64 + w1.leadingZeroBitCount }
        if w2 != 0 { return 128 + w2.leadingZeroBitCount }
        return 192 + w3.leadingZeroBitCount
    }

    /// Bit `index` counted from the most significant bit of byte 0 (0...255).
    @inlinable
    public func bit(_ index: Int) -> Bool {
        let word: UInt64
        switch index >> 6 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return (word >> UInt64(63 - (index & 63))) & 1 == 1
    }

    /// 32 random bytes.
    @inlinable
    public static func random(using rng: inout some RandomNumberGenerator) -> Bytes32 {
        Bytes32(rng.next(), rng.next(), rng.next(), rng.next())
    }
}

extension Bytes32: WireEncodable, WireDecodable {
    /// The 32 bytes, no prefix.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt64(w0); try w.writeUInt64(w1); try w.writeUInt64(w2); try w.writeUInt64(w3)
        }
    }

    /// Exactly 32 bytes.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            Bytes32(try r.readUInt64(), try r.readUInt64(), try r.readUInt64(), try r.readUInt64())
        }
    }
}

extension Bytes32: CustomStringConvertible {
    /// The first 8 bytes in hex, enough to tell IDs apart in logs.
    public var description: String {
        let hex = String(w0, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "…"
    }
}
