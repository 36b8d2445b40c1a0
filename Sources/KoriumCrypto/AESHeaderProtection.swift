/// QUIC header protection for the AES-based cipher suites (RFC 9001 §5.4.3):
/// `mask = AES-ECB(hp_key, sample)`, of which the first five bytes are used.
///
/// A 16-byte `hp_key` selects AES-128 (TLS_AES_128_GCM_SHA256, every Initial packet), a 32-byte
/// key AES-256 (TLS_AES_256_GCM_SHA384). Constant-time like ``AES128``; computing a mask
/// allocates nothing.
public struct AESHeaderProtection: HeaderProtectionMask {
    let expanded: AESExpandedKey

    /// Expands `key` (16 or 32 bytes); throws ``CryptoError/invalidKeySize(expected:actual:)``
    /// for any other length (`expected` names 16).
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        guard key.count == 16 || key.count == 32 else {
            throw .invalidKeySize(expected: 16, actual: key.count)
        }
        expanded = withContiguousBytes(key) { AESExpandedKey(key: $0) }
    }

    /// RFC 9001 §5.4.3: encrypts the 16-byte `sample` and returns its first five bytes.
    /// A sample of any other size is a caller bug and traps (see ``HeaderProtectionMask``).
    public func mask(sample: UnsafeRawBufferPointer) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        precondition(sample.count == 16, "QUIC header protection sample must be 16 bytes")
        let p = sample.baseAddress!
        @inline(__always)
        func column(_ c: Int) -> UInt32 {
            UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * c, as: UInt32.self))
        }
        // The sample fills lane 0; the other three lanes encrypt zeros and are discarded.
        var s = AESBitsliceState(
            AESBitsliceState.interleave(column(0), column(2)), 0, 0, 0,
            AESBitsliceState.interleave(column(1), column(3)), 0, 0, 0)
        s.transpose()
        expanded.encrypt(&s)
        s.transpose()
        let (low, _) = s.lanePair(s.q0, s.q4)
        return (
            UInt8(truncatingIfNeeded: low), UInt8(truncatingIfNeeded: low >> 8),
            UInt8(truncatingIfNeeded: low >> 16), UInt8(truncatingIfNeeded: low >> 24),
            UInt8(truncatingIfNeeded: low >> 32)
        )
    }
}
