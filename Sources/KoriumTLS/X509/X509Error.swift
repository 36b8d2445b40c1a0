/// Why a certificate or chain was rejected, and which TLS alert reports it (RFC 8446 §6.2).
public enum X509Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The DER is malformed.
    case der(DERError)
    /// Well-formed DER that is not a valid certificate for us (wrong version, field shape...).
    case malformed(String)
    /// A signature or key algorithm other than Ed25519.
    case unsupportedAlgorithm(String)
    /// A critical extension we do not understand (RFC 5280 §4.2: MUST reject).
    case unhandledCriticalExtension(String)
    /// The same extension twice (RFC 5280 §4.2: MUST NOT).
    case duplicateExtension(String)
    /// `now` is outside notBefore...notAfter.
    case expired
    /// A signature does not verify.
    case badSignature
    /// No path to a trust anchor.
    case unknownIssuer
    /// basicConstraints / keyUsage / path length forbid this use.
    case notAuthorized(String)
    /// The SPIFFE X509-SVID rules are not met.
    case spiffe(String)
    /// The peer's key is not the expected identity.
    case unexpectedKey
    /// A chain longer than the verifier allows.
    case chainTooLong

    /// The TLS alert that reports this failure.
    public var alert: TLSAlert {
        switch self {
        case .expired: return .certificateExpired
        case .unknownIssuer: return .unknownCA
        case .unsupportedAlgorithm: return .unsupportedCertificate
        case .der, .malformed, .unhandledCriticalExtension, .duplicateExtension, .badSignature,
             .notAuthorized, .spiffe, .unexpectedKey, .chainTooLong:
            return .badCertificate
        }
    }

    /// A short explanation.
    public var description: String {
        switch self {
        case .der(let e): return "DER: \(e)"
        case .malformed(let s): return "malformed certificate: \(s)"
        case .unsupportedAlgorithm(let s): return "unsupported algorithm \(s)"
        case .unhandledCriticalExtension(let s): return "unhandled critical extension \(s)"
        case .duplicateExtension(let s): return "duplicate extension \(s)"
        case .expired: return "certificate expired or not yet valid"
        case .badSignature: return "bad certificate signature"
        case .unknownIssuer: return "no path to a trust anchor"
        case .notAuthorized(let s): return "not authorized: \(s)"
        case .spiffe(let s): return "SPIFFE: \(s)"
        case .unexpectedKey: return "peer key is not the expected identity"
        case .chainTooLong: return "certificate chain too long"
        }
    }
}
