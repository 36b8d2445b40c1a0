import CSodium

/// An element of the prime-order subgroup of edwards25519 (RFC 8032 §5.1), held as its
/// canonical 32-byte encoding (RFC 8032 §5.1.2).
///
/// Every value is a valid subgroup element: bytes from outside enter only through
/// ``init(validating:)`` (RFC 9591 DeserializeElement: canonical, on the curve, in the
/// prime-order subgroup, not the identity), and every operation maps valid elements to valid
/// elements. The identity ``identity`` is representable because sums and products can reach it;
/// ``isIdentity`` tells, and protocols that must not serialize it (RFC 9591 SerializeElement)
/// check it.
///
/// Arithmetic is libsodium's `crypto_core_ed25519_add/sub` and `crypto_scalarmult_ed25519*`.
/// libsodium refuses to multiply by zero, to output the identity and to take small-order
/// inputs; the typed API avoids those cases explicitly (0·P = s·I = I) so that it is total, and
/// the byte-level clamped multiplications report them as `CryptoError`s.
public struct Ed25519Point: Sendable, Hashable {
    /// Bytes in an encoded point.
    public static let byteCount = 32

    @usableFromInline var storage: InlineArray<32, UInt8>

    @inlinable init(storage: InlineArray<32, UInt8>) { self.storage = storage }

    /// The neutral element (x, y) = (0, 1), encoded `01 00 … 00`.
    public static let identity: Ed25519Point = {
        var s = InlineArray<32, UInt8>(repeating: 0)
        s[0] = 1
        return Ed25519Point(storage: s)
    }()

    /// The base point B of RFC 8032 §5.1 (y = 4/5, x positive), encoded `58 66 … 66`.
    public static let generator: Ed25519Point = {
        var s = InlineArray<32, UInt8>(repeating: 0x66)
        s[0] = 0x58
        return Ed25519Point(storage: s)
    }()

    /// RFC 9591 DeserializeElement for edwards25519: decodes and validates a point.
    ///
    /// Rejects (with `CryptoError.invalidPoint`): a length other than 32; a non-canonical
    /// encoding (y ≥ p = 2^255 − 19, RFC 8032 §5.1.3 step 1); a y with no matching x; a point
    /// outside the prime-order subgroup (small order or with a torsion component); the identity.
    public init(validating bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == Self.byteCount else { throw .invalidPoint }
        var s = InlineArray<32, UInt8>(copying: bytes)
        // RFC 8032 §5.1.3 step 1: the y-coordinate must be < p (checked here rather than relying
        // on libsodium's internal canonicity test alone).
        guard Self.isCanonicalY(s) else { throw .invalidPoint }
        // RFC 9591 §6.1: DeserializeElement fails on the identity.
        let candidate = Ed25519Point(storage: s)
        guard !candidate.isIdentity else { throw .invalidPoint }
        // On the curve, in the prime-order subgroup (L·P = I), not of small order.
        let valid = withUnsafeMutableBytes(of: &s) { crypto_core_ed25519_is_valid_point(Ed25519Scalar.u8($0)) }
        guard valid == 1 else { throw .invalidPoint }
        self = candidate
    }

    /// The 32-byte encoding (RFC 8032 §5.1.2). The identity encodes as `01 00 … 00`; RFC 9591's
    /// SerializeElement additionally rejects it, which callers do with ``isIdentity``.
    public var bytes: [UInt8] {
        var s = storage
        return Swift.withUnsafeBytes(of: &s) { Array($0) }
    }

    /// Lends the 32-byte encoding without copying it to the heap.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var s = storage
        return try Swift.withUnsafeBytes(of: &s) { (raw) throws(E) -> R in try body(raw) }
    }

    /// Whether this is the neutral element.
    public var isIdentity: Bool { self == .identity }

    /// `lhs + rhs`.
    public static func + (lhs: Ed25519Point, rhs: Ed25519Point) -> Ed25519Point {
        combine(lhs, rhs, crypto_core_ed25519_add)
    }

    /// `lhs - rhs`.
    public static func - (lhs: Ed25519Point, rhs: Ed25519Point) -> Ed25519Point {
        combine(lhs, rhs, crypto_core_ed25519_sub)
    }

    /// `lhs = lhs + rhs`.
    public static func += (lhs: inout Ed25519Point, rhs: Ed25519Point) { lhs = lhs + rhs }
    /// `lhs = lhs - rhs`.
    public static func -= (lhs: inout Ed25519Point, rhs: Ed25519Point) { lhs = lhs - rhs }

    /// `-self`.
    public var negated: Ed25519Point { .identity - self }

    /// `scalar · self` without clamping (`crypto_scalarmult_ed25519_noclamp`). The scalar is
    /// canonical (< L) and the point in the prime-order subgroup, so the product is exactly
    /// (scalar mod L)·P; the zero scalar and the identity give the identity.
    public func multiplied(by scalar: Ed25519Scalar) -> Ed25519Point {
        // libsodium returns -1 for a zero scalar or an identity input/result. For P ≠ I of prime
        // order L and 0 < s < L, s·P ≠ I, so these two checks cover every refusal.
        if scalar.isZero || isIdentity { return .identity }
        var p = storage
        var n = scalar.storage
        var q = InlineArray<32, UInt8>(repeating: 0)
        let rc = withUnsafeMutableBytes(of: &q) { out in
            withUnsafeMutableBytes(of: &n) { pn in
                withUnsafeMutableBytes(of: &p) { pp in
                    crypto_scalarmult_ed25519_noclamp(Ed25519Scalar.u8(out), Ed25519Scalar.u8(pn), Ed25519Scalar.u8(pp))
                }
            }
        }
        Swift.withUnsafeMutableBytes(of: &n) { sodium_memzero($0.baseAddress, $0.count) }
        precondition(rc == 0, "libsodium refused a validated non-identity point and non-zero scalar")
        return Ed25519Point(storage: q)
    }

    /// `scalar · B` for the base point B (`crypto_scalarmult_ed25519_base_noclamp`); 0·B = I.
    public static func baseMultiplied(by scalar: Ed25519Scalar) -> Ed25519Point {
        if scalar.isZero { return .identity }
        var n = scalar.storage
        var q = InlineArray<32, UInt8>(repeating: 0)
        let rc = withUnsafeMutableBytes(of: &q) { out in
            withUnsafeMutableBytes(of: &n) { pn in
                crypto_scalarmult_ed25519_base_noclamp(Ed25519Scalar.u8(out), Ed25519Scalar.u8(pn))
            }
        }
        withUnsafeMutableBytes(of: &n) { sodium_memzero($0.baseAddress, $0.count) }
        // 0 < s < L and B has order L, so s·B ≠ I and libsodium cannot refuse.
        precondition(rc == 0, "libsodium refused a non-zero canonical scalar times the base point")
        return Ed25519Point(storage: q)
    }

    /// `clamp(scalarBytes) · self` (`crypto_scalarmult_ed25519`), with the RFC 8032 §5.1.5 /
    /// RFC 7748 §5 clamping of a 32-byte string (clear bits 0–2 and 255, set bit 254).
    ///
    /// - Throws: `CryptoError.invalidScalar` if `scalarBytes` is not 32 bytes;
    ///   `CryptoError.invalidPoint` if libsodium refuses (an identity result or input).
    public func multipliedClamped(by scalarBytes: some Collection<UInt8>) throws(CryptoError) -> Ed25519Point {
        guard scalarBytes.count == Ed25519Scalar.byteCount else { throw .invalidScalar }
        var n = InlineArray<32, UInt8>(copying: scalarBytes)
        defer { Swift.withUnsafeMutableBytes(of: &n) { sodium_memzero($0.baseAddress, $0.count) } }
        var p = storage
        var q = InlineArray<32, UInt8>(repeating: 0)
        let rc = withUnsafeMutableBytes(of: &q) { out in
            withUnsafeMutableBytes(of: &n) { pn in
                withUnsafeMutableBytes(of: &p) { pp in
                    crypto_scalarmult_ed25519(Ed25519Scalar.u8(out), Ed25519Scalar.u8(pn), Ed25519Scalar.u8(pp))
                }
            }
        }
        guard rc == 0 else { throw .invalidPoint }
        return Ed25519Point(storage: q)
    }

    /// `clamp(scalarBytes) · B` (`crypto_scalarmult_ed25519_base`): the RFC 8032 §5.1.5 public
    /// key when `scalarBytes` is the first half of SHA-512(seed).
    ///
    /// - Throws: `CryptoError.invalidScalar` if `scalarBytes` is not 32 bytes;
    ///   `CryptoError.invalidPoint` if libsodium refuses the result.
    public static func baseMultipliedClamped(by scalarBytes: some Collection<UInt8>) throws(CryptoError) -> Ed25519Point {
        guard scalarBytes.count == Ed25519Scalar.byteCount else { throw .invalidScalar }
        var n = InlineArray<32, UInt8>(copying: scalarBytes)
        defer { withUnsafeMutableBytes(of: &n) { sodium_memzero($0.baseAddress, $0.count) } }
        var q = InlineArray<32, UInt8>(repeating: 0)
        let rc = withUnsafeMutableBytes(of: &q) { out in
            withUnsafeMutableBytes(of: &n) { pn in
                crypto_scalarmult_ed25519_base(Ed25519Scalar.u8(out), Ed25519Scalar.u8(pn))
            }
        }
        guard rc == 0 else { throw .invalidPoint }
        return Ed25519Point(storage: q)
    }

    /// Equality of canonical encodings (unique per element).
    public static func == (lhs: Ed25519Point, rhs: Ed25519Point) -> Bool {
        var acc: UInt8 = 0
        for i in 0..<32 { acc |= lhs.storage[i] ^ rhs.storage[i] }
        return acc == 0
    }

    /// Hashes the encoding.
    public func hash(into hasher: inout Hasher) {
        for i in 0..<32 { hasher.combine(storage[i]) }
    }

    // MARK: helpers

    /// RFC 8032 §5.1.3 step 1: the low 255 bits, read as y, must be < p = 2^255 − 19
    /// (little-endian `ed ff … ff 7f` after masking the sign bit).
    static func isCanonicalY(_ s: InlineArray<32, UInt8>) -> Bool {
        // y ≥ p exactly when bytes 1…30 are 0xff, byte 31 (masked) is 0x7f and byte 0 ≥ 0xed.
        var allOnes: UInt8 = 0xff
        for i in 1..<31 { allOnes &= s[i] }
        let top = s[31] & 0x7f
        let tooLarge = allOnes == 0xff && top == 0x7f && s[0] >= 0xed
        return !tooLarge
    }

    @inline(__always)
    static func combine(
        _ lhs: Ed25519Point, _ rhs: Ed25519Point,
        _ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Int32
    ) -> Ed25519Point {
        var a = lhs.storage
        var b = rhs.storage
        var r = InlineArray<32, UInt8>(repeating: 0)
        let rc = withUnsafeMutableBytes(of: &r) { out in
            withUnsafeMutableBytes(of: &a) { pa in
                withUnsafeMutableBytes(of: &b) { pb in op(Ed25519Scalar.u8(out), Ed25519Scalar.u8(pa), Ed25519Scalar.u8(pb)) }
            }
        }
        // libsodium fails only for encodings that do not decode to curve points; every value of
        // this type is a valid subgroup element (or the identity), so this cannot happen.
        precondition(rc == 0, "libsodium rejected a validated edwards25519 point")
        return Ed25519Point(storage: r)
    }
}
