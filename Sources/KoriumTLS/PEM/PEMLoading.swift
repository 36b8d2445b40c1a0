import KoriumCrypto

extension PEM {
    /// Every `CERTIFICATE` block of `text`, parsed, in file order (a chain file lists the leaf
    /// first). At least one must be present.
    public static func certificates(in text: String) throws(PEMError) -> [Certificate] {
        let blocks = try decode(text).filter { $0.label == certificateLabel }
        guard !blocks.isEmpty else { throw .missingBlock(expected: [certificateLabel]) }
        var certificates: [Certificate] = []
        for block in blocks {
            do { certificates.append(try Certificate(der: block.der)) } catch { throw .certificate(error) }
        }
        return certificates
    }

    /// The Ed25519 private key of the first `PRIVATE KEY` block of `text` (PKCS#8, RFC 8410 §7).
    public static func ed25519PrivateKey(in text: String) throws(PEMError) -> Ed25519.PrivateKey {
        guard let block = try decode(text).first(where: { $0.label == privateKeyLabel }) else {
            throw .missingBlock(expected: [privateKeyLabel])
        }
        return try PKCS8.ed25519PrivateKey(der: block.der)
    }

    /// The 32-byte Ed25519 public key of the first `PUBLIC KEY` (SubjectPublicKeyInfo) or
    /// `CERTIFICATE` block of `text`, for pinning a peer.
    public static func ed25519PublicKey(in text: String) throws(PEMError) -> [UInt8] {
        for block in try decode(text) {
            if block.label == publicKeyLabel { return try PKCS8.ed25519PublicKey(subjectPublicKeyInfo: block.der) }
            if block.label == certificateLabel {
                do { return try Certificate(der: block.der).publicKey } catch { throw .certificate(error) }
            }
        }
        throw .missingBlock(expected: [publicKeyLabel, certificateLabel])
    }

    /// `key` as a PKCS#8 `PRIVATE KEY` block, as `openssl genpkey -algorithm ed25519` writes it.
    public static func encode(privateKey key: Ed25519.PrivateKey) -> String {
        encode(label: privateKeyLabel, der: PKCS8.encode(privateKey: key))
    }

    /// `key` (32 bytes) as a SubjectPublicKeyInfo `PUBLIC KEY` block.
    public static func encode(publicKey key: [UInt8]) -> String {
        encode(label: publicKeyLabel, der: PKCS8.encodeSubjectPublicKeyInfo(publicKey: key))
    }
}
