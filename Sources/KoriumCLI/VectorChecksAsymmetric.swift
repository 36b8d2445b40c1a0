import KoriumCrypto

extension VectorChecks {
    // MARK: X25519

    /// X25519 (RFC 7748 §5): `shared` = X25519(`private`, `public`); with `iterations` (the §5.2
    /// iterated test) k, u = X25519(k, u), k that many times. Wycheproof `XdhComp` groups name
    /// the curve. Our API rejects an all-zero result (`weakSharedSecret`), which is the
    /// rejection reported for low-order public keys.
    static let x25519: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        if test.has("curve"), try test.string("curve") != "curve25519" {
            throw .skipped("curve \(try test.string("curve"))")
        }
        var k = try test.hex("private"), u = try test.hex("public")
        let shared = try test.hex("shared")
        let iterations = try test.optionalInt("iterations") ?? 1
        guard (1...10_000).contains(iterations) else { throw .malformed("iterations out of range") }
        do {
            for _ in 0..<iterations {
                let out = try X25519.PrivateKey(rawRepresentation: k)
                    .sharedSecret(with: try X25519.PublicKey(rawRepresentation: u))
                (k, u) = (Array(out), k)
            }
        } catch {
            return .rejected("\(error)")
        }
        return k == shared ? .accepted : .rejected("shared \(Hex.encode(k))")
    }

    // MARK: Ed25519

    /// Ed25519 (RFC 8032 §5.1): with a `seed`, the derived public key and the (deterministic)
    /// signature must reproduce `publicKey` and `sig`; the signature must verify under the
    /// public key — from `publicKey`, or a Wycheproof group's `publicKey.pk`.
    static let ed25519: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let publicKeyBytes: [UInt8]
        if let key = test.dictionary("publicKey") {
            guard let text = key["pk"] as? String, let bytes = Hex.decode(text) else {
                throw .malformed("publicKey.pk missing or not hex")
            }
            if let curve = key["curve"] as? String, curve != "edwards25519" { throw .skipped("curve \(curve)") }
            publicKeyBytes = bytes
        } else {
            publicKeyBytes = try test.hex("publicKey")
        }
        let msg = try test.hex("msg"), sig = try test.hex("sig")
        if let seed = try test.optionalHex("seed") {
            let key: Ed25519.PrivateKey
            do { key = try Ed25519.PrivateKey(seed: seed) } catch { return .rejected("seed refused: \(error)") }
            guard key.publicKey.rawRepresentation == publicKeyBytes else {
                return .rejected("derived public key \(Hex.encode(key.publicKey.rawRepresentation))")
            }
            let ours = key.signature(for: msg)
            guard ours == sig else { return .rejected("signature \(Hex.encode(ours))") }
        }
        let publicKey: Ed25519.PublicKey
        do { publicKey = try Ed25519.PublicKey(rawRepresentation: publicKeyBytes) } catch {
            return .rejected("public key refused: \(error)")
        }
        return publicKey.isValidSignature(sig, for: msg) ? .accepted : .rejected("signature does not verify")
    }
}
