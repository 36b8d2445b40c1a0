/// An authenticated cipher with associated data (AEAD) keyed once and used for many packets.
///
/// All implementations share this shape so QUIC and TLS can hold any of them generically:
/// encryption and decryption work in place on caller buffers with a detached tag and perform
/// no heap allocation. Conformers: ``ChaCha20Poly1305``, ``AES256GCM`` (libsodium),
/// `AES128GCM` (pure Swift).
public protocol AEADCipher: Sendable {
    /// Key length in bytes.
    static var keyByteCount: Int { get }
    /// Nonce length in bytes.
    static var nonceByteCount: Int { get }
    /// Authentication tag length in bytes.
    static var tagByteCount: Int { get }

    /// Expands `key`; throws ``CryptoError/invalidKeySize(expected:actual:)`` for a wrong length.
    init(key: some Collection<UInt8>) throws(CryptoError)

    /// Encrypts `message` in place and writes the tag into `tag`
    /// (exactly ``tagByteCount`` bytes). `nonce` must be ``nonceByteCount`` bytes and must never
    /// repeat under one key.
    func sealInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError)

    /// Verifies `tag` over `message` and `aad`, then decrypts `message` in place. Throws
    /// ``CryptoError/authenticationFailed`` if the tag does not match; the contents of `message`
    /// are then unspecified (libsodium wipes them) and must be discarded.
    func openInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError)
}

extension AEADCipher {
    /// Allocating convenience: returns `ciphertext || tag`.
    public func seal(
        _ plaintext: some Collection<UInt8>, nonce: some Collection<UInt8>,
        aad: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        var output = Array(plaintext)
        output.append(contentsOf: repeatElement(0, count: Self.tagByteCount))
        try withMessageAndTag(&output, nonce: nonce, aad: aad) { (message, tag, n, ad) throws(CryptoError) in
            try sealInPlace(message, tag: tag, nonce: n, aad: ad)
        }
        return output
    }

    /// Allocating convenience: verifies and decrypts `ciphertext || tag`, returning the plaintext.
    /// Input shorter than a tag throws ``CryptoError/bufferSize(needed:available:)``.
    public func open(
        _ ciphertextAndTag: some Collection<UInt8>, nonce: some Collection<UInt8>,
        aad: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        var buffer = Array(ciphertextAndTag)
        guard buffer.count >= Self.tagByteCount else {
            throw .bufferSize(needed: Self.tagByteCount, available: buffer.count)
        }
        try withMessageAndTag(&buffer, nonce: nonce, aad: aad) { (message, tag, n, ad) throws(CryptoError) in
            try openInPlace(message, tag: UnsafeRawBufferPointer(tag), nonce: n, aad: ad)
        }
        buffer.removeLast(Self.tagByteCount)
        return buffer
    }

    /// Splits `buffer` (`message || tag`, at least a tag long) and lends both parts with the
    /// bytes of `nonce` and `aad` to `body`, the in-place call of ``seal`` or ``open``.
    private func withMessageAndTag(
        _ buffer: inout [UInt8], nonce: some Collection<UInt8>, aad: some Collection<UInt8>,
        _ body: (
            UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer,
            UnsafeRawBufferPointer, UnsafeRawBufferPointer
        ) throws(CryptoError) -> Void
    ) throws(CryptoError) {
        let messageCount = buffer.count - Self.tagByteCount
        // `withContiguousBytes` takes a non-throwing body, so the error is carried out as a value.
        let failure: CryptoError? = buffer.withUnsafeMutableBytes { bytes in
            withContiguousBytes(nonce) { nonceBytes in
                withContiguousBytes(aad) { (aadBytes) -> CryptoError? in
                    do throws(CryptoError) {
                        try body(
                            UnsafeMutableRawBufferPointer(rebasing: bytes[..<messageCount]),
                            UnsafeMutableRawBufferPointer(rebasing: bytes[messageCount...]),
                            nonceBytes, aadBytes)
                        return nil
                    } catch { return error }
                }
            }
        }
        if let failure { throw failure }
    }
}
