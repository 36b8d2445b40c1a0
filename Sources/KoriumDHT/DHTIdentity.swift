import KoriumCrypto
import KoriumWire

/// This node's identity: its Ed25519 key pair, the node ID derived from it and the
/// proof-of-work nonce that lets it into other nodes' routing tables.
public struct DHTIdentity: Sendable {
    /// The signing key.
    public let privateKey: Ed25519.PrivateKey
    /// The public key.
    public let publicKey: IdentityKey
    /// BLAKE2b-256 of the public key.
    public let nodeID: NodeID
    /// The S/Kademlia proof-of-work nonce.
    public let powNonce: UInt64

    /// Wraps an existing key and nonce (the nonce is not checked here; peers check it).
    public init(privateKey: Ed25519.PrivateKey, powNonce: UInt64) {
        self.privateKey = privateKey
        publicKey = IdentityKey(privateKey.publicKey)
        nodeID = NodeID(publicKey: publicKey)
        self.powNonce = powNonce
    }

    /// The reasons identity generation can fail.
    public enum GenerationError: Error, Equatable, Sendable {
        /// No key pair within `POW_MAX_KEYPAIR_ATTEMPTS` had a solution below the nonce cap.
        case noSolution
        /// The random seed was rejected by the Ed25519 wrapper.
        case invalidSeed
    }

    /// Draws key pairs (seeds from `rng`) until one has a proof of work at `difficulty` bits.
    /// Production uses `DHTLimits.powDifficulty` (24 bits, ~16 M hashes); tests and the
    /// simulator use ≤ 8 bits.
    public static func generate(
        difficulty: Int = DHTLimits.powDifficulty, maxNonce: UInt64 = DHTLimits.powMaxNonce,
        using rng: inout some RandomNumberGenerator
    ) throws(GenerationError) -> DHTIdentity {
        for _ in 0..<DHTLimits.powMaxKeypairAttempts {
            let seed = Bytes32.random(using: &rng).bytes
            let key: Ed25519.PrivateKey
            do { key = try Ed25519.PrivateKey(seed: seed) } catch { throw .invalidSeed }
            let publicKey = IdentityKey(key.publicKey)
            if let nonce = ProofOfWork.solve(publicKey: publicKey, difficulty: difficulty, maxNonce: maxNonce) {
                return DHTIdentity(privateKey: key, powNonce: nonce)
            }
        }
        throw .noSolution
    }

    /// This node's contact record at `address`.
    public func contact(address: DHTAddress) -> Contact {
        Contact(publicKey: publicKey, nodeID: nodeID, powNonce: powNonce, address: address)
    }
}
