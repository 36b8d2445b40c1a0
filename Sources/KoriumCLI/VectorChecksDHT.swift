import KoriumCrypto
import KoriumDHT

extension VectorChecks {
    /// KoriumDHT identities (Vectors/dht/identity.json, made by OpenSSL Ed25519 and CPython's
    /// BLAKE2b): the seed gives the public key, the node ID is BLAKE2b-256 of that key, and the
    /// S/Kademlia puzzle hash for the given nonce and for nonce 0 match; the nonce solves the
    /// puzzle at the stated difficulty and is the smallest that does.
    static let dhtIdentity: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let difficulty = try test.int("powDifficulty")
        let nonce = try test.int("powNonce")
        guard nonce >= 0 else { throw .malformed("negative powNonce") }
        let publicKey: Ed25519.PublicKey
        do {
            publicKey = try Ed25519.PrivateKey(seed: try test.hex("seed")).publicKey
        } catch let issue as VectorCaseIssue {
            throw issue
        } catch {
            return .rejected("seed: \(error)")
        }
        guard publicKey.rawRepresentation == (try test.hex("publicKey")) else { return .rejected("public key") }
        let identity = IdentityKey(publicKey)
        guard NodeID(publicKey: identity).raw.bytes == (try test.hex("nodeID")) else { return .rejected("node ID") }
        guard ProofOfWork.hash(publicKey: identity, nonce: UInt64(nonce)).bytes == (try test.hex("powHash")),
            ProofOfWork.hash(publicKey: identity, nonce: 0).bytes == (try test.hex("powHashNonce0"))
        else { return .rejected("proof-of-work hash") }
        guard ProofOfWork.solve(publicKey: identity, difficulty: difficulty) == UInt64(nonce) else {
            return .rejected("smallest solving nonce")
        }
        return .accepted
    }
}
