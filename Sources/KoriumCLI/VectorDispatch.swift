import KoriumCrypto

/// Algorithm name → the check that runs it with KoriumCrypto / KoriumWire. Adding a primitive
/// is one line here. Names are compared after ``normalize(_:)``, so the project's
/// "HMAC-SHA-256" and Wycheproof's "HMACSHA256" meet. An algorithm with no entry is skipped
/// (and counted) by the runner.
enum VectorDispatch {
    static let table: [String: VectorCheck] = [
        "SHA256": VectorChecks.hash(SHA256.self),
        "SHA384": VectorChecks.hash(SHA384.self),
        "SHA512": VectorChecks.hash(SHA512.self),
        "HMACSHA256": VectorChecks.hmac(SHA256.self),
        "HMACSHA384": VectorChecks.hmac(SHA384.self),
        "HMACSHA512": VectorChecks.hmac(SHA512.self),
        "HKDFSHA256": VectorChecks.hkdf(SHA256.self),
        "HKDFSHA384": VectorChecks.hkdf(SHA384.self),
        "TLS13HKDFEXPANDLABELSHA256": VectorChecks.expandLabel(SHA256.self),
        "ED25519GROUP": VectorChecks.ed25519Group,
        "QUICVARINT": VectorChecks.varint,
        "QUICINITIALKEYS": VectorChecks.quicInitialKeys,
        "QUICHEADERPROTECTION": VectorChecks.headerProtection([:]),
        "QUICPACKETPROTECTION": VectorChecks.pending("needs the QUIC packet layer"),
    ]

    /// Upper-case letters and digits only: "AES-128-GCM" → "AES128GCM".
    static func normalize(_ name: String) -> String {
        String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            .map(Character.init))
    }

    static func check(for algorithm: String) -> VectorCheck? { table[normalize(algorithm)] }
}
