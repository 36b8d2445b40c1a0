/// Every failure a KoriumCrypto primitive can report.
///
/// Cases caused by a peer (tampered ciphertext, bad public key or signature, weak shared
/// secret) are expected at run time and must be handled; size errors mean the caller passed
/// a wrong-sized buffer and usually indicate a bug or a malformed field upstream.
public enum CryptoError: Error, Equatable, Sendable {
    /// An AEAD tag, HMAC or signature did not verify: the input was tampered with or the
    /// wrong key was used. Drop the data.
    case authenticationFailed
    /// A key had the wrong length.
    case invalidKeySize(expected: Int, actual: Int)
    /// A nonce had the wrong length.
    case invalidNonceSize(expected: Int, actual: Int)
    /// An AEAD tag buffer was not exactly the cipher's tag length.
    case invalidTagSize
    /// A caller buffer was too small (or, for inputs that must be exact, the wrong size).
    case bufferSize(needed: Int, available: Int)
    /// A message exceeds the primitive's maximum input length.
    case messageTooLong(maximum: Int, actual: Int)
    /// A public key is malformed, non-canonical or of small order.
    case invalidPublicKey
    /// A signature is malformed or does not verify.
    case invalidSignature
    /// A group element encoding is invalid (not canonical, not on the curve, small order).
    case invalidPoint
    /// A scalar encoding is invalid (not reduced, or zero where a non-zero one is needed).
    case invalidScalar
    /// A Diffie-Hellman result was all zero: the peer sent a small-order public key.
    case weakSharedSecret
    /// The primitive is not available on this machine (e.g. AES-256-GCM without AES-NI).
    case unavailable(String)
    /// A KDF was asked for more output than it can produce (HKDF: 255 × hash length).
    case outputTooLong
    /// A TLS 1.3 HKDF label or context longer than RFC 8446 §7.1 allows
    /// (label 1...249 bytes after the "tls13 " prefix, context at most 255 bytes).
    case invalidLabel
    /// An output length outside what the primitive supports (e.g. BLAKE2b: 1...64).
    case invalidOutputSize(allowed: ClosedRange<Int>, actual: Int)
    /// A key longer than the primitive accepts (e.g. a BLAKE2b key above 64 bytes).
    case keyTooLong(maximum: Int, actual: Int)
}
