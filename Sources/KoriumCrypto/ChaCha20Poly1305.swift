import CSodium

/// ChaCha20-Poly1305 AEAD, IETF variant (RFC 8439 §2.8: 256-bit key, 96-bit nonce, 128-bit
/// tag), via libsodium's `crypto_aead_chacha20poly1305_ietf_*_detached`.
///
/// Used by TLS_CHACHA20_POLY1305_SHA256 and QUIC packet protection (RFC 9001 §5.3). Works in
/// place on caller buffers and allocates nothing per call; the key sits in ``SecureBytes``.
public struct ChaCha20Poly1305: AEADCipher {
    /// 32.
    public static let keyByteCount = Int(crypto_aead_chacha20poly1305_ietf_KEYBYTES)
    /// 12.
    public static let nonceByteCount = Int(crypto_aead_chacha20poly1305_ietf_NPUBBYTES)
    /// 16.
    public static let tagByteCount = Int(crypto_aead_chacha20poly1305_ietf_ABYTES)
    /// Largest message libsodium accepts (RFC 8439 §2.8: about 256 GiB, the 32-bit block counter).
    public static let maximumMessageByteCount: Int = {
        Sodium.ensureInitialized()
        return Int(clamping: crypto_aead_chacha20poly1305_ietf_messagebytes_max())
    }()

    private let key: SecureBytes

    /// Keys the cipher; throws ``CryptoError/invalidKeySize(expected:actual:)`` unless `key`
    /// is 32 bytes.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        self.key = try SecureBytes(sodiumKey: key, byteCount: Self.keyByteCount)
    }

    /// Encrypts `message` in place and writes the 16-byte tag (RFC 8439 §2.8).
    public func sealInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try Self.validateArguments(message: UnsafeRawBufferPointer(message), maximumMessageCount: Self.maximumMessageByteCount,
                                   tag: UnsafeRawBufferPointer(tag), nonce: nonce)
        key.withUnsafeBytes { keyBytes in
            withNonNullMutableBase(message) { m in
                withNonNullBase(aad) { ad in
                    _ = crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                        m, tag.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                        m, UInt64(message.count), ad, UInt64(aad.count), nil,
                        nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
    }

    /// Verifies the tag, then decrypts `message` in place. On
    /// ``CryptoError/authenticationFailed`` libsodium has zeroed `message`.
    public func openInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try Self.validateArguments(message: UnsafeRawBufferPointer(message), maximumMessageCount: Self.maximumMessageByteCount,
                                   tag: UnsafeRawBufferPointer(tag), nonce: nonce)
        let result = key.withUnsafeBytes { keyBytes in
            withNonNullMutableBase(message) { m in
                withNonNullBase(aad) { ad in
                    crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                        m, nil, m, UInt64(message.count),
                        tag.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        ad, UInt64(aad.count),
                        nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        guard result == 0 else { throw .authenticationFailed }
    }
}
