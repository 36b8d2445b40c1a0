import KoriumCrypto

/// The hash of a cipher suite, dispatching to KoriumCrypto's SHA-2, HMAC and HKDF.
/// A two-case enum instead of generics keeps the state machines non-generic; the switch is the
/// only place the choice is made.
public enum TLSHashAlgorithm: Sendable, Hashable {
    /// SHA-256 (32-byte output).
    case sha256
    /// SHA-384 (48-byte output).
    case sha384

    /// Digest length in bytes (`Hash.length` in RFC 8446 §7.1).
    public var length: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        }
    }

    /// `Hash(bytes)`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: return SHA256.hash(bytes)
        case .sha384: return SHA384.hash(bytes)
        }
    }

    /// `HMAC(key, message)`.
    public func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: return HMAC<SHA256>.authenticate(key: key, message: message)
        case .sha384: return HMAC<SHA384>.authenticate(key: key, message: message)
        }
    }

    /// `HKDF-Extract(salt, IKM)` (RFC 5869 §2.2).
    public func extract(salt: [UInt8], ikm: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: return Array(HKDF<SHA256>.extract(salt: salt, ikm: ikm))
        case .sha384: return Array(HKDF<SHA384>.extract(salt: salt, ikm: ikm))
        }
    }

    /// `HKDF-Expand-Label(secret, label, context, length)` (RFC 8446 §7.1; KoriumCrypto adds
    /// the "tls13 " prefix). Every caller passes a constant label, a context of at most a hash
    /// and a small length, so the only failure modes of the primitive cannot occur.
    public func expandLabel(secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
        do {
            switch self {
            case .sha256:
                return Array(try HKDF<SHA256>.expandLabel(secret: secret, label: label, context: context, outputByteCount: length))
            case .sha384:
                return Array(try HKDF<SHA384>.expandLabel(secret: secret, label: label, context: context, outputByteCount: length))
            }
        } catch {
            preconditionFailure("HKDF-Expand-Label(\(label), \(length)) failed: \(error)")
        }
    }

    /// `Derive-Secret(secret, label, messages)` given `Transcript-Hash(messages)`.
    public func deriveSecret(_ secret: [UInt8], label: String, transcriptHash: [UInt8]) -> [UInt8] {
        expandLabel(secret: secret, label: label, context: transcriptHash, length: length)
    }
}
