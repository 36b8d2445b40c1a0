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
        case .sha256: return HKDF<SHA256>.extract(salt: salt, ikm: ikm)
        case .sha384: return HKDF<SHA384>.extract(salt: salt, ikm: ikm)
        }
    }

    /// `HKDF-Expand-Label(secret, label, context, length)` (RFC 8446 §7.1), the "tls13 " prefix
    /// is added here. `length` is at most 255·Hash.length; every caller passes a small constant.
    public func expandLabel(secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
        var info: [UInt8] = []
        let fullLabel = Array("tls13 \(label)".utf8)
        precondition(length <= 0xffff && fullLabel.count <= 255 && context.count <= 255, "HKDF label too long")
        info.reserveCapacity(4 + fullLabel.count + context.count)
        info.append(UInt8(length >> 8))
        info.append(UInt8(length & 0xff))
        info.append(UInt8(fullLabel.count))
        info.append(contentsOf: fullLabel)
        info.append(UInt8(context.count))
        info.append(contentsOf: context)
        return expand(prk: secret, info: info, length: length)
    }

    /// `Derive-Secret(secret, label, messages)` given `Transcript-Hash(messages)`.
    public func deriveSecret(_ secret: [UInt8], label: String, transcriptHash: [UInt8]) -> [UInt8] {
        expandLabel(secret: secret, label: label, context: transcriptHash, length: length)
    }

    /// `HKDF-Expand(PRK, info, L)` (RFC 5869 §2.3).
    func expand(prk: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        do {
            switch self {
            case .sha256: return try HKDF<SHA256>.expand(prk: prk, info: info, outputByteCount: length)
            case .sha384: return try HKDF<SHA384>.expand(prk: prk, info: info, outputByteCount: length)
            }
        } catch {
            // Only reachable with length > 255·HashLen, which no caller passes.
            preconditionFailure("HKDF-Expand output too long: \(length)")
        }
    }
}
