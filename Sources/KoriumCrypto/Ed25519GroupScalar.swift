import CSodium

/// An integer modulo the order L = 2^252 + 27742317777372353535851937790883648493 of the
/// edwards25519 prime-order subgroup (RFC 8032 §5.1, RFC 9591 §6.1 "Order()").
///
/// A value of this type is always canonical (in [0, L)): initializers either validate
/// (`init(canonicalBytes:)`) or reduce (`init(reducingWide:)`, integer literals), and every
/// operation is libsodium's `crypto_core_ed25519_scalar_*`, which returns reduced results.
/// The encoding is 32 bytes little-endian (RFC 9591 SerializeScalar).
///
/// `==` is constant-time; `<` (for ordering public values such as participant identifiers)
/// is not. Long-lived secret scalars belong in ``Ed25519SecretScalar``, which wipes its storage.
public struct Ed25519Scalar: Sendable, Hashable, Comparable {
    /// Bytes in an encoded scalar.
    public static let byteCount = 32
    /// Bytes taken by ``init(reducingWide:)`` (a SHA-512 digest).
    public static let wideByteCount = 64

    /// Little-endian encoding, always < L.
    @usableFromInline var storage: InlineArray<32, UInt8>

    @inlinable init(storage: InlineArray<32, UInt8>) { self.storage = storage }

    /// The scalar 0.
    public static let zero = Ed25519Scalar(storage: InlineArray(repeating: 0))
    /// The scalar 1.
    public static let one = Ed25519Scalar(1)

    /// The group order L, little-endian (RFC 8032 §5.1: L = 2^252 + 27742317777372353535851937790883648493).
    static let orderBytes: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// The scalar with the value `value` (always < L).
    public init(_ value: UInt64) {
        var s = InlineArray<32, UInt8>(repeating: 0)
        for i in 0..<8 { s[i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        storage = s
    }

    /// RFC 9591 DeserializeScalar: 32 little-endian bytes that must already be < L.
    ///
    /// - Throws: `CryptoError.invalidScalar` for a wrong length or a value ≥ L (which includes
    ///   any input with one of the top three bits set).
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == Self.byteCount else { throw .invalidScalar }
        let s = InlineArray<32, UInt8>(copying: bytes)
        guard Self.isCanonical(s) else { throw .invalidScalar }
        storage = s
    }

    /// Reduces a 64-byte little-endian integer modulo L (`crypto_core_ed25519_scalar_reduce`);
    /// used for hash-to-scalar (RFC 9591 H1–H3, RFC 8032 §5.1.6/§5.1.7) and wide random sampling.
    ///
    /// - Throws: `CryptoError.invalidScalar` when `bytes` is not exactly 64 bytes long.
    public init(reducingWide bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == Self.wideByteCount else { throw .invalidScalar }
        var wide = InlineArray<64, UInt8>(copying: bytes)
        self = Self.reduce(&wide)
    }

    /// Finalizes a SHA-512 state and reduces the 64-byte digest modulo L: the hash-to-scalar of
    /// RFC 8032 §5.1.6–§5.1.7 and RFC 9591 H1–H3. Total, since a SHA-512 digest is always
    /// exactly the 64 bytes the reduction takes.
    public init(reducingDigestOf hash: SHA512) {
        var wide = InlineArray<64, UInt8>(repeating: 0)
        withUnsafeMutableBytes(of: &wide) { hash.finalize(into: $0) }
        self = Self.reduce(&wide)
    }

    /// Reduces `wide` modulo L and wipes it.
    static func reduce(_ wide: inout InlineArray<64, UInt8>) -> Ed25519Scalar {
        var s = InlineArray<32, UInt8>(repeating: 0)
        withUnsafeMutableBytes(of: &s) { out in
            withUnsafeMutableBytes(of: &wide) { input in
                crypto_core_ed25519_scalar_reduce(Self.u8(out), Self.u8(input))
                sodium_memzero(input.baseAddress, input.count)
            }
        }
        return Ed25519Scalar(storage: s)
    }

    /// A uniformly random non-zero scalar from libsodium's CSPRNG (`crypto_core_ed25519_scalar_random`).
    public static func random() -> Ed25519Scalar {
        Sodium.ensureInitialized()
        return Self.make { crypto_core_ed25519_scalar_random($0) }
    }

    /// A uniformly random scalar drawn from `generator` by wide reduction of 64 bytes
    /// (RFC 9591 Appendix "Random Scalar Generation", wide reduction). Tests pass a seeded
    /// generator; production code uses ``random()``.
    public static func random(using generator: inout some RandomNumberGenerator) -> Ed25519Scalar {
        var wide = InlineArray<64, UInt8>(repeating: 0)
        for i in stride(from: 0, to: wideByteCount, by: 8) {
            let word = generator.next()
            for j in 0..<8 { wide[i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
        }
        return reduce(&wide)
    }

    /// The 32-byte little-endian encoding (RFC 9591 SerializeScalar).
    public var bytes: [UInt8] {
        var s = storage
        return Swift.withUnsafeBytes(of: &s) { Array($0) }
    }

    /// Lends the 32-byte encoding without copying it to the heap.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var s = storage
        defer { Swift.withUnsafeMutableBytes(of: &s) { sodium_memzero($0.baseAddress, $0.count) } }
        return try Swift.withUnsafeBytes(of: &s) { (raw) throws(E) -> R in try body(raw) }
    }

    /// Whether this is the scalar 0 (constant-time).
    public var isZero: Bool {
        var acc: UInt8 = 0
        for i in 0..<32 { acc |= storage[i] }
        return acc == 0
    }

    /// `-self mod L`.
    public var negated: Ed25519Scalar { unary(crypto_core_ed25519_scalar_negate) }

    /// `1 - self mod L` (libsodium's "complement").
    public var complement: Ed25519Scalar { unary(crypto_core_ed25519_scalar_complement) }

    /// The multiplicative inverse `self^-1 mod L`.
    ///
    /// - Throws: `CryptoError.invalidScalar` for zero, which has no inverse.
    public func inverted() throws(CryptoError) -> Ed25519Scalar {
        guard !isZero else { throw .invalidScalar }
        var rc: Int32 = 0
        let r = unary { out, input in rc = crypto_core_ed25519_scalar_invert(out, input) }
        guard rc == 0 else { throw .invalidScalar }
        return r
    }

    /// `lhs + rhs mod L`.
    public static func + (lhs: Ed25519Scalar, rhs: Ed25519Scalar) -> Ed25519Scalar {
        binary(lhs, rhs, crypto_core_ed25519_scalar_add)
    }

    /// `lhs - rhs mod L`.
    public static func - (lhs: Ed25519Scalar, rhs: Ed25519Scalar) -> Ed25519Scalar {
        binary(lhs, rhs, crypto_core_ed25519_scalar_sub)
    }

    /// `lhs * rhs mod L`.
    public static func * (lhs: Ed25519Scalar, rhs: Ed25519Scalar) -> Ed25519Scalar {
        binary(lhs, rhs, crypto_core_ed25519_scalar_mul)
    }

    /// `lhs = lhs + rhs mod L`.
    public static func += (lhs: inout Ed25519Scalar, rhs: Ed25519Scalar) { lhs = lhs + rhs }
    /// `lhs = lhs - rhs mod L`.
    public static func -= (lhs: inout Ed25519Scalar, rhs: Ed25519Scalar) { lhs = lhs - rhs }
    /// `lhs = lhs * rhs mod L`.
    public static func *= (lhs: inout Ed25519Scalar, rhs: Ed25519Scalar) { lhs = lhs * rhs }

    /// Constant-time equality of the canonical encodings.
    public static func == (lhs: Ed25519Scalar, rhs: Ed25519Scalar) -> Bool {
        var acc: UInt8 = 0
        for i in 0..<32 { acc |= lhs.storage[i] ^ rhs.storage[i] }
        return acc == 0
    }

    /// Numeric order of the least non-negative representatives (RFC 9591 §3.1, used to sort
    /// identifiers). Not constant-time: use only on public values.
    public static func < (lhs: Ed25519Scalar, rhs: Ed25519Scalar) -> Bool {
        var i = 31
        while i >= 0 {
            if lhs.storage[i] != rhs.storage[i] { return lhs.storage[i] < rhs.storage[i] }
            i -= 1
        }
        return false
    }

    /// Hashes the encoding.
    public func hash(into hasher: inout Hasher) {
        for i in 0..<32 { hasher.combine(storage[i]) }
    }

    /// Constant-time `s < L` on a little-endian encoding: the borrow out of `s - L`.
    static func isCanonical(_ s: InlineArray<32, UInt8>) -> Bool {
        var borrow: Int = 0
        for i in 0..<32 {
            let d = Int(s[i]) - Int(orderBytes[i]) - borrow
            borrow = (d >> 8) & 1
        }
        return borrow == 1
    }

    // MARK: libsodium plumbing

    @inline(__always)
    static func u8(_ raw: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8> {
        // InlineArray<N, UInt8> memory is bound to UInt8.
        raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
    }

    @inline(__always)
    static func make(_ body: (UnsafeMutablePointer<UInt8>) -> Void) -> Ed25519Scalar {
        var s = InlineArray<32, UInt8>(repeating: 0)
        withUnsafeMutableBytes(of: &s) { body(u8($0)) }
        return Ed25519Scalar(storage: s)
    }

    @inline(__always)
    func unary(_ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>) -> Void) -> Ed25519Scalar {
        var input = storage
        return Self.make { out in
            withUnsafeMutableBytes(of: &input) { op(out, Self.u8($0)) }
        }
    }

    @inline(__always)
    static func binary(
        _ lhs: Ed25519Scalar, _ rhs: Ed25519Scalar,
        _ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void
    ) -> Ed25519Scalar {
        var a = lhs.storage
        var b = rhs.storage
        return make { out in
            withUnsafeMutableBytes(of: &a) { pa in
                withUnsafeMutableBytes(of: &b) { pb in op(out, u8(pa), u8(pb)) }
            }
        }
    }
}
