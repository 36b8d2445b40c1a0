import KoriumCrypto

/// Why PEM text or the key inside it was rejected. Every case names what to fix in the file.
public enum PEMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is larger than ``PEM/maxInputSize``.
    case inputTooLarge(Int)
    /// More than ``PEM/maxBlocks`` blocks.
    case tooManyBlocks
    /// A `-----BEGIN …-----` line without its matching `-----END …-----` line.
    case unterminatedBlock(label: String)
    /// An encapsulation boundary that is not `-----BEGIN LABEL-----` / `-----END LABEL-----`
    /// with a valid label (RFC 7468 §3).
    case malformedBoundary
    /// RFC 1421 headers (`Proc-Type:`, `DEK-Info:`): a legacy encrypted key, which is not supported.
    case encapsulatedHeaders
    /// The text between the boundaries is not base64 (RFC 4648 §4); `offset` counts from the
    /// start of the block's body.
    case invalidBase64(offset: Int)
    /// No block with one of the expected labels.
    case missingBlock(expected: [String])
    /// The block's DER is malformed.
    case der(DERError)
    /// A certificate block that is not a valid Ed25519 certificate.
    case certificate(X509Error)
    /// A key for another algorithm than Ed25519 (RFC 8410 §3: OID 1.3.101.112, no parameters).
    case unsupportedAlgorithm(String)
    /// A PKCS#8 structure that RFC 5958 / RFC 8410 §7 does not allow (version, key length, ...).
    case malformedKey(String)
    /// A PKCS#8 v2 key whose embedded public key does not belong to the private key.
    case publicKeyMismatch

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .inputTooLarge(let n): return "PEM input of \(n) bytes exceeds \(PEM.maxInputSize)"
        case .tooManyBlocks: return "more than \(PEM.maxBlocks) PEM blocks"
        case .unterminatedBlock(let label): return "BEGIN \(label) without a matching END line"
        case .malformedBoundary: return "malformed -----BEGIN/END----- line"
        case .encapsulatedHeaders: return "encrypted (Proc-Type/DEK-Info) PEM is not supported; decrypt the key first"
        case .invalidBase64(let offset): return "invalid base64 at body byte \(offset)"
        case .missingBlock(let labels): return "no PEM block labelled \(labels.joined(separator: " or "))"
        case .der(let e): return "malformed DER: \(e)"
        case .certificate(let e): return "certificate rejected: \(e)"
        case .unsupportedAlgorithm(let oid): return "key algorithm \(oid) is not Ed25519"
        case .malformedKey(let why): return "malformed private key: \(why)"
        case .publicKeyMismatch: return "the key's public key does not match its private key"
        }
    }
}
