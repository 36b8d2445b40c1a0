import CSodium

/// The raw ChaCha20 stream cipher, IETF variant (RFC 8439 §2.4: 256-bit key, 32-bit block
/// counter, 96-bit nonce), via libsodium's `crypto_stream_chacha20_ietf_xor_ic`.
///
/// Unauthenticated: use it only as a building block (QUIC header protection, RFC 9001 §5.4.4).
/// For data use ``ChaCha20Poly1305``.
public struct ChaCha20: Sendable {
    /// 32.
    public static let keyByteCount = Int(crypto_stream_chacha20_ietf_KEYBYTES)
    /// 12.
    public static let nonceByteCount = Int(crypto_stream_chacha20_ietf_NONCEBYTES)
    /// ChaCha20 block length: each counter value covers 64 keystream bytes.
    public static let blockByteCount = 64

    private let key: SecureBytes

    /// Keys the cipher; throws ``CryptoError/invalidKeySize(expected:actual:)`` unless 32 bytes.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        self.key = try SecureBytes(sodiumKey: key, byteCount: Self.keyByteCount)
    }

    /// XORs `buffer` in place with the keystream starting at block `counter`.
    ///
    /// RFC 8439 §2.4: the 32-bit counter must not wrap, so `buffer` may span at most
    /// `2^32 - counter` blocks; more throws ``CryptoError/messageTooLong(maximum:actual:)``
    /// (libsodium would abort the process). A nonce other than 12 bytes throws
    /// ``CryptoError/invalidNonceSize(expected:actual:)``.
    public func xorKeystream(
        _ buffer: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer, counter: UInt32
    ) throws(CryptoError) {
        guard nonce.count == Self.nonceByteCount else {
            throw .invalidNonceSize(expected: Self.nonceByteCount, actual: nonce.count)
        }
        let blocksLeft = (UInt64(1) << 32) - UInt64(counter)
        let maximum = Int(clamping: blocksLeft * UInt64(Self.blockByteCount))
        guard buffer.count <= maximum else { throw .messageTooLong(maximum: maximum, actual: buffer.count) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        Self.xor(base.assumingMemoryBound(to: UInt8.self), count: buffer.count,
                 nonce: nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), counter: counter, key: key)
    }

    /// Writes raw keystream (the keystream XOR zeros) into `output`, starting at block `counter`.
    /// Same limits and errors as ``xorKeystream(_:nonce:counter:)``.
    public func keystream(
        into output: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer, counter: UInt32
    ) throws(CryptoError) {
        if output.count > 0 { output.initializeMemory(as: UInt8.self, repeating: 0) }
        try xorKeystream(output, nonce: nonce, counter: counter)
    }

    /// Allocating convenience: `bytes` XOR keystream(nonce, counter).
    public func xor(
        _ bytes: some Collection<UInt8>, nonce: some Collection<UInt8>, counter: UInt32
    ) throws(CryptoError) -> [UInt8] {
        var output = Array(bytes)
        let failure: CryptoError? = output.withUnsafeMutableBytes { buffer in
            withContiguousBytes(nonce) { (nonceBytes) -> CryptoError? in
                do throws(CryptoError) {
                    try xorKeystream(buffer, nonce: nonceBytes, counter: counter)
                    return nil
                } catch { return error }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// The libsodium call; arguments already validated (no counter overflow, 12-byte nonce).
    @inline(__always)
    static func xor(
        _ buffer: UnsafeMutablePointer<UInt8>, count: Int, nonce: UnsafePointer<UInt8>, counter: UInt32,
        key: SecureBytes
    ) {
        key.withUnsafeBytes { keyBytes in
            _ = crypto_stream_chacha20_ietf_xor_ic(
                buffer, buffer, UInt64(count), nonce, counter,
                keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }
}
