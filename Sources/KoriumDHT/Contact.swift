import KoriumWire

/// A reachable peer as the routing table and NODES replies carry it: its public key, the
/// proof-of-work nonce for that key, and one address. The node ID is derived from the key
/// (never trusted from the wire). Signed multi-address records are `EndpointRecord`s.
@frozen
public struct Contact: Hashable, Sendable {
    /// The peer's Ed25519 public key.
    public var publicKey: IdentityKey
    /// BLAKE2b-256 of `publicKey`.
    public var nodeID: NodeID
    /// The S/Kademlia nonce, checked on insertion into a routing table.
    public var powNonce: UInt64
    /// Where to reach the peer.
    public var address: DHTAddress

    /// A contact; `nodeID` must be the hash of `publicKey` (the decoder derives it).
    @inlinable
    public init(publicKey: IdentityKey, nodeID: NodeID, powNonce: UInt64, address: DHTAddress) {
        self.publicKey = publicKey
        self.nodeID = nodeID
        self.powNonce = powNonce
        self.address = address
    }

    /// Whether the nonce solves the identity puzzle at `difficulty` bits.
    public func hasValidProofOfWork(difficulty: Int) -> Bool {
        ProofOfWork.isValid(publicKey: publicKey, nonce: powNonce, difficulty: difficulty)
    }

    /// Encoded length: key, nonce, address.
    @inlinable
    public var encodedSize: Int { 32 + 8 + address.encodedSize }
}

extension Contact: WireEncodable, WireDecodable {
    /// Public key (32), nonce (8, big-endian), address.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try publicKey.raw.encode(to: &w)
            try w.writeUInt64(powNonce)
            try address.encode(to: &w)
        }
    }

    /// Derives the node ID from the decoded key.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let key = IdentityKey(raw: try Bytes32(from: &r))
            let nonce = try r.readUInt64()
            let address = try DHTAddress(from: &r)
            return Contact(publicKey: key, nodeID: NodeID(publicKey: key), powNonce: nonce, address: address)
        }
    }
}
