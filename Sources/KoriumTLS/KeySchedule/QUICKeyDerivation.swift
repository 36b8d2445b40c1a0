import KoriumCrypto

/// Packet protection material derived from one TLS traffic secret (RFC 9001 §5.1): AEAD key,
/// IV and header-protection key. QUIC builds its AEAD and header-protection ciphers from these.
public struct QUICPacketKeyMaterial: Sendable {
    /// The cipher suite the material is for.
    public let cipherSuite: CipherSuite
    /// `HKDF-Expand-Label(secret, "quic key", "", key length)`.
    public let key: SecureBytes
    /// `HKDF-Expand-Label(secret, "quic iv", "", 12)`.
    public let iv: SecureBytes
    /// `HKDF-Expand-Label(secret, "quic hp", "", key length)`.
    public let headerProtectionKey: SecureBytes

    /// Derives key, IV and header-protection key from `secret` for `cipherSuite`.
    public init(secret: SecureBytes, cipherSuite: CipherSuite) {
        let s = secret.withUnsafeBytes { [UInt8]($0) }
        let hash = cipherSuite.hash
        self.cipherSuite = cipherSuite
        key = SecureBytes(hash.expandLabel(secret: s, label: "quic key", context: [], length: cipherSuite.keyByteCount))
        iv = SecureBytes(hash.expandLabel(secret: s, label: "quic iv", context: [], length: cipherSuite.ivByteCount))
        headerProtectionKey = SecureBytes(
            hash.expandLabel(secret: s, label: "quic hp", context: [], length: cipherSuite.headerProtectionKeyByteCount))
    }
}

/// QUIC secret derivations that do not belong to one handshake: Initial secrets from the
/// client's Destination Connection ID (RFC 9001 §5.2) and the key-update chain (RFC 9001 §6.1).
public enum QUICKeyDerivation {
    /// The QUIC v1 Initial salt (RFC 9001 §5.2).
    public static let initialSaltV1: [UInt8] = [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ]

    /// `client_initial_secret` and `server_initial_secret` for the client's first Destination
    /// Connection ID (RFC 9001 §5.2). Initial packets always use TLS_AES_128_GCM_SHA256.
    public static func initialSecrets(
        destinationConnectionID: some Collection<UInt8>
    ) -> (client: SecureBytes, server: SecureBytes) {
        let hash = TLSHashAlgorithm.sha256
        let initial = hash.extract(salt: initialSaltV1, ikm: Array(destinationConnectionID))
        return (
            SecureBytes(hash.expandLabel(secret: initial, label: "client in", context: [], length: 32)),
            SecureBytes(hash.expandLabel(secret: initial, label: "server in", context: [], length: 32))
        )
    }

    /// The next generation of an application traffic secret for a QUIC key update
    /// (RFC 9001 §6.1: `HKDF-Expand-Label(secret, "quic ku", "", Hash.length)`).
    public static func nextGenerationSecret(_ secret: SecureBytes, cipherSuite: CipherSuite) -> SecureBytes {
        let hash = cipherSuite.hash
        let s = secret.withUnsafeBytes { [UInt8]($0) }
        return SecureBytes(hash.expandLabel(secret: s, label: "quic ku", context: [], length: hash.length))
    }
}
