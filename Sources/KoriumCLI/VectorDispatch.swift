import KoriumCrypto

/// Algorithm name → the check that runs it with KoriumCrypto / KoriumWire. Adding a primitive
/// is one line here. Names are compared after ``normalize(_:)``, so the project's
/// "HMAC-SHA-256" and Wycheproof's "HMACSHA256" meet. An algorithm with no entry is skipped
/// (and counted) by the runner.
enum VectorDispatch {
    static let table: [String: VectorCheck] = [
        "CHACHA20POLY1305": VectorChecks.aead(ChaCha20Poly1305.self),
        "AES256GCM": VectorChecks.aes256GCM,
        "AES128GCM": VectorChecks.aead(AES128GCM.self),
        "AESGCM": VectorChecks.aesGCM(byKeyLength: [
            16: VectorChecks.aead(AES128GCM.self), 32: VectorChecks.aes256GCM,
        ]),
        "AES128": VectorChecks.aesECB,
        "AES256": VectorChecks.aesECB,
        "AESECB": VectorChecks.aesECB,
        "CHACHA20": VectorChecks.chacha20,
        "SHA256": VectorChecks.hash(SHA256.self),
        "SHA384": VectorChecks.hash(SHA384.self),
        "SHA512": VectorChecks.hash(SHA512.self),
        "BLAKE2B": VectorChecks.blake2b,
        "BLAKE2S": VectorChecks.blake2s,
        "HMACSHA256": VectorChecks.hmac(SHA256.self),
        "HMACSHA384": VectorChecks.hmac(SHA384.self),
        "HMACSHA512": VectorChecks.hmac(SHA512.self),
        "HKDFSHA256": VectorChecks.hkdf(SHA256.self),
        "HKDFSHA384": VectorChecks.hkdf(SHA384.self),
        "TLS13HKDFEXPANDLABELSHA256": VectorChecks.expandLabel(SHA256.self),
        "X25519": VectorChecks.x25519,
        "XDH": VectorChecks.x25519,
        "ED25519": VectorChecks.ed25519,
        "EDDSA": VectorChecks.ed25519,
        "ED25519GROUP": VectorChecks.ed25519Group,
        "FROSTED25519SHA512": VectorChecks.frostEd25519,
        "KORIUMDHTIDENTITY": VectorChecks.dhtIdentity,
        "QUICVARINT": VectorChecks.varint,
        "QUICINITIALKEYS": VectorChecks.quicInitialKeys,
        "QUICHEADERPROTECTION": VectorChecks.headerProtection([
            "ChaCha20": { (key: [UInt8]) throws(CryptoError) in try ChaCha20HeaderProtection(key: key) },
            "AES-128": { (key: [UInt8]) throws(CryptoError) in try AESHeaderProtection(key: key) },
            "AES-256": { (key: [UInt8]) throws(CryptoError) in try AESHeaderProtection(key: key) },
        ]),
        "QUICPACKETPROTECTION": VectorChecks.quicPacketProtection,
        "QPACKFIELDSECTION": VectorChecks.qpackFieldSection,
        "HPACKHUFFMAN": VectorChecks.hpackHuffman,
    ]

    /// Upper-case letters and digits only: "AES-128-GCM" → "AES128GCM".
    static func normalize(_ name: String) -> String {
        String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            .map(Character.init))
    }

    static func check(for algorithm: String) -> VectorCheck? { table[normalize(algorithm)] }
}
