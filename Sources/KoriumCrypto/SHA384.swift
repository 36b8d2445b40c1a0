/// SHA-384 (FIPS 180-4 §6.5): SHA-512 with its own initial hash value, truncated to 48 bytes.
///
/// libsodium 1.0.18 has no SHA-384, so this runs libsodium's SHA-512 compression on a state
/// whose `H(0)` is replaced by the SHA-384 initial values; padding and length encoding are the
/// same as SHA-512's.
public struct SHA384: HashFunction {
    /// 48.
    public static let digestByteCount = 48
    /// 128.
    public static let blockByteCount = 128

    /// FIPS 180-4 §5.3.4: SHA-384 initial hash value H(0).
    private static let initialHashValue: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0xcbbb_9d5d_c105_9ed8, 0x629a_292a_367c_d507, 0x9159_015a_3070_dd17, 0x152f_ecd8_f70e_5939,
        0x6733_2667_ffc0_0b31, 0x8eb4_4a87_6858_1511, 0xdb0c_2e0d_64f9_8fa7, 0x47b5_481d_befa_4fa4
    )

    private var inner: SHA512

    /// A fresh state.
    public init() {
        inner = SHA512(initialHashValue: Self.initialHashValue)
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        inner.update(bytes)
    }

    /// Writes the digest (exactly 48 bytes) into `output`; `self` keeps running.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == Self.digestByteCount, "SHA384 output must be 48 bytes")
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { full in
            inner.finalize(into: full)
            // FIPS 180-4 §6.5: the digest is the left-most 384 bits.
            output.copyMemory(from: UnsafeRawBufferPointer(rebasing: full[..<48]))
        }
    }
}
