/// QUIC header protection with ChaCha20 (RFC 9001 §5.4.4), for packets protected with
/// ChaCha20-Poly1305.
public struct ChaCha20HeaderProtection: HeaderProtectionMask {
    /// 32.
    public static let keyByteCount = ChaCha20.keyByteCount

    private let key: SecureBytes

    /// Keys the mask function with the `quic hp` secret; throws
    /// ``CryptoError/invalidKeySize(expected:actual:)`` unless 32 bytes.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        self.key = try SecureBytes(sodiumKey: key, byteCount: Self.keyByteCount)
    }

    /// RFC 9001 §5.4.4: `counter = sample[0..3]` (little-endian), `nonce = sample[4..15]`,
    /// `mask = ChaCha20(hp_key, counter, nonce, {0,0,0,0,0})`. `sample` must be 16 bytes.
    /// Any 32-bit counter is valid here: 5 bytes never cross the counter's end.
    public func mask(sample: UnsafeRawBufferPointer) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        precondition(sample.count == headerProtectionSampleByteCount, "header protection sample must be 16 bytes")
        let counter = UInt32(sample[0]) | UInt32(sample[1]) << 8 | UInt32(sample[2]) << 16 | UInt32(sample[3]) << 24
        var mask: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &mask) { buffer in
            ChaCha20.xor(
                buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 5,
                nonce: (sample.baseAddress! + 4).assumingMemoryBound(to: UInt8.self), counter: counter, key: key)
        }
        return mask
    }
}
