import CSodium

/// AES-256-GCM AEAD (NIST SP 800-38D; 256-bit key, 96-bit nonce, 128-bit tag) via libsodium's
/// AES-NI implementation, for TLS_AES_256_GCM_SHA384.
///
/// libsodium only provides it on CPUs with AES-NI and PCLMULQDQ: check ``isAvailable``; the
/// initialiser throws ``CryptoError/unavailable(_:)`` otherwise. The key is expanded once
/// (`crypto_aead_aes256gcm_beforenm`) into a precomputed state, so per-packet calls neither
/// re-expand the key nor allocate.
public struct AES256GCM: AEADCipher {
    /// 32.
    public static let keyByteCount = Int(crypto_aead_aes256gcm_KEYBYTES)
    /// 12.
    public static let nonceByteCount = Int(crypto_aead_aes256gcm_NPUBBYTES)
    /// 16.
    public static let tagByteCount = Int(crypto_aead_aes256gcm_ABYTES)
    /// Largest message libsodium accepts (SP 800-38D: 2^39 - 256 bits, less on 32-bit size_t).
    public static let maximumMessageByteCount: Int = {
        Sodium.ensureInitialized()
        return Int(clamping: crypto_aead_aes256gcm_messagebytes_max())
    }()

    /// Whether this CPU supports libsodium's AES-256-GCM (AES-NI + PCLMULQDQ).
    public static var isAvailable: Bool {
        Sodium.ensureInitialized()
        return crypto_aead_aes256gcm_is_available() == 1
    }

    private let state: PrecomputedState

    /// Expands `key` (32 bytes). Throws ``CryptoError/unavailable(_:)`` without AES-NI and
    /// ``CryptoError/invalidKeySize(expected:actual:)`` for a wrong length.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        guard Self.isAvailable else {
            throw .unavailable("AES-256-GCM needs AES-NI and PCLMULQDQ, which this CPU lacks")
        }
        guard key.count == Self.keyByteCount else {
            throw .invalidKeySize(expected: Self.keyByteCount, actual: key.count)
        }
        state = PrecomputedState(key: key)
    }

    /// Encrypts `message` in place and writes the 16-byte tag.
    public func sealInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try Self.validateArguments(message: UnsafeRawBufferPointer(message), maximumMessageCount: Self.maximumMessageByteCount,
                                   tag: UnsafeRawBufferPointer(tag), nonce: nonce)
        withNonNullMutableBase(message) { m in
            withNonNullBase(aad) { ad in
                _ = crypto_aead_aes256gcm_encrypt_detached_afternm(
                    m, tag.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                    m, UInt64(message.count), ad, UInt64(aad.count), nil,
                    nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), state.pointer)
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
        let result = withNonNullMutableBase(message) { m in
            withNonNullBase(aad) { ad in
                crypto_aead_aes256gcm_decrypt_detached_afternm(
                    m, nil, m, UInt64(message.count),
                    tag.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    ad, UInt64(aad.count),
                    nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), state.pointer)
            }
        }
        guard result == 0 else { throw .authenticationFailed }
    }
}

extension AES256GCM {
    /// The expanded key schedule and GHASH key, 16-byte aligned as libsodium requires, wiped
    /// on release. `@unchecked Sendable` is sound because the state is written only by
    /// `crypto_aead_aes256gcm_beforenm` inside `init`, before the object is shared; libsodium's
    /// `*_afternm` functions take it as `const` and never write it, so concurrent use from
    /// several threads only reads.
    fileprivate final class PrecomputedState: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<crypto_aead_aes256gcm_state>
        private let byteCount: Int

        init(key: some Collection<UInt8>) {
            byteCount = Swift.max(crypto_aead_aes256gcm_statebytes(), MemoryLayout<crypto_aead_aes256gcm_state>.size)
            let alignment = Swift.max(16, MemoryLayout<crypto_aead_aes256gcm_state>.alignment)
            let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            pointer = raw.bindMemory(to: crypto_aead_aes256gcm_state.self, capacity: 1)
            withContiguousBytes(key) { keyBytes in
                _ = crypto_aead_aes256gcm_beforenm(pointer, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }

        deinit {
            sodium_memzero(pointer, byteCount)
            pointer.deallocate()
        }
    }
}
