/// The TLS 1.3 cipher suites this stack negotiates (RFC 8446 §B.4, DESIGN.md decisions).
/// TLS_AES_128_CCM* are not offered: RFC 9001 §5.3 forbids CCM_8 and nothing here needs CCM.
public enum CipherSuite: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AES-128-GCM with SHA-256; mandatory to implement (RFC 8446 §9.1).
    case aes128GCMSHA256 = 0x1301
    /// AES-256-GCM with SHA-384 (libsodium, AES-NI only).
    case aes256GCMSHA384 = 0x1302
    /// ChaCha20-Poly1305 with SHA-256; preferred by default (libsodium, constant-time everywhere).
    case chacha20Poly1305SHA256 = 0x1303

    /// The default server preference order: ChaCha20 first (DESIGN.md).
    public static let defaultPreference: [CipherSuite] = [
        .chacha20Poly1305SHA256, .aes128GCMSHA256, .aes256GCMSHA384,
    ]

    /// The suite's transcript and HKDF hash.
    public var hash: TLSHashAlgorithm {
        switch self {
        case .aes128GCMSHA256, .chacha20Poly1305SHA256: return .sha256
        case .aes256GCMSHA384: return .sha384
        }
    }

    /// AEAD key length in bytes (RFC 8446 §5.3 / RFC 5116).
    public var keyByteCount: Int {
        switch self {
        case .aes128GCMSHA256: return 16
        case .aes256GCMSHA384, .chacha20Poly1305SHA256: return 32
        }
    }

    /// AEAD nonce (IV) length in bytes; 12 for every TLS 1.3 suite.
    public var ivByteCount: Int { 12 }

    /// QUIC header-protection key length (RFC 9001 §5.4: the AEAD key length).
    public var headerProtectionKeyByteCount: Int { keyByteCount }

    /// The IANA name, e.g. `TLS_CHACHA20_POLY1305_SHA256`.
    public var description: String {
        switch self {
        case .aes128GCMSHA256: return "TLS_AES_128_GCM_SHA256"
        case .aes256GCMSHA384: return "TLS_AES_256_GCM_SHA384"
        case .chacha20Poly1305SHA256: return "TLS_CHACHA20_POLY1305_SHA256"
        }
    }
}
