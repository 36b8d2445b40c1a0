import KoriumCrypto

/// The FROST(Ed25519, SHA-512) ciphersuite (RFC 9591 §6.1): edwards25519, SHA-512 and the
/// domain-separated hashes H1–H5 under the context string "FROST-ED25519-SHA512-v1".
public enum FROSTCiphersuite {
    /// RFC 9591 §6.1: contextString.
    public static let contextString: [UInt8] = Array("FROST-ED25519-SHA512-v1".utf8)

    /// H1(m) = SHA-512(contextString || "rho" || m) mod L: binding factors.
    static func h1(_ parts: [UInt8]...) -> Ed25519Scalar {
        Ed25519Scalar(reducingDigestOf: state(tag: "rho", parts))
    }

    /// H2(m) = SHA-512(m) mod L: the challenge; no domain separator, for RFC 8032 compatibility.
    static func h2(_ parts: [UInt8]...) -> Ed25519Scalar {
        Ed25519Scalar(reducingDigestOf: state(tag: nil, parts))
    }

    /// H3(m) = SHA-512(contextString || "nonce" || m) mod L with m = random || SerializeScalar(secret)
    /// (RFC 9591 §4.1); the secret goes into the hash straight from zeroizing storage.
    static func h3(randomness: [UInt8], secret: Ed25519SecretScalar) -> Ed25519Scalar {
        var h = state(tag: "nonce", [randomness])
        secret.withUnsafeBytes { h.update($0) }
        return Ed25519Scalar(reducingDigestOf: h)
    }

    /// H4(m) = SHA-512(contextString || "msg" || m): message digest for binding factors.
    static func h4(_ message: [UInt8]) -> [UInt8] { state(tag: "msg", [message]).finalize() }

    /// H5(m) = SHA-512(contextString || "com" || m): commitment-list digest.
    static func h5(_ encodedCommitments: [UInt8]) -> [UInt8] { state(tag: "com", [encodedCommitments]).finalize() }

    /// HDKG(m) = SHA-512(contextString || "dkg" || m) mod L: the challenge of the key-generation
    /// proof of knowledge (the "context string plus a dkg tag", shaped like H1/H3).
    static func hdkg(_ parts: [UInt8]...) -> Ed25519Scalar {
        Ed25519Scalar(reducingDigestOf: state(tag: "dkg", parts))
    }

    private static func state(tag: String?, _ parts: [[UInt8]]) -> SHA512 {
        var h = SHA512()
        if let tag {
            h.update(contextString)
            h.update(Array(tag.utf8))
        }
        for part in parts { h.update(part) }
        return h
    }
}
