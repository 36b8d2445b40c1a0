import KoriumCrypto
import KoriumWire

/// A 256-bit Kademlia identifier: node IDs and value keys live in the same space.
///
/// A node's ID is BLAKE2b-256 of its Ed25519 public key (DESIGN.md: Korium uses BLAKE3, libb2
/// gives BLAKE2, so IDs are not wire-compatible with Korium on that point).
@frozen
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the identifier.
    public var raw: Bytes32

    /// The identifier with these bytes.
    @inlinable
    public init(raw: Bytes32) { self.raw = raw }

    /// The node ID of an Ed25519 public key: BLAKE2b-256 of its 32 bytes.
    public init(publicKey: IdentityKey) {
        raw = DHTHash.blake2b256(publicKey.raw.bytes)
    }

    /// The XOR distance to `other` (Kademlia §2.1), itself a 256-bit number.
    @inlinable
    public func distance(to other: NodeID) -> Bytes32 { raw ^ other.raw }

    /// The k-bucket `other` falls in seen from `self`: 255 − (leading zeros of the distance),
    /// so bucket i holds IDs at distance [2^i, 2^(i+1)); nil for `other == self`.
    @inlinable
    public func bucketIndex(of other: NodeID) -> Int? {
        let lz = distance(to: other).leadingZeroBitCount
        return lz == 256 ? nil : 255 - lz
    }

    /// A uniformly random ID in bucket `index` seen from `self` (for bucket refresh).
    public func randomID(inBucket index: Int, using rng: inout some RandomNumberGenerator) -> NodeID {
        precondition((0..<DHTLimits.bucketCount).contains(index), "bucket index out of range")
        // Distance with highest set bit `index`: bits above are 0, bit `index` is 1, bits below random.
        let random = Bytes32.random(using: &rng)
        let bitFromTop = 255 - index
        var mask = Bytes32.zero // ones below the chosen bit
        var top = Bytes32.zero // the chosen bit
        for word in 0..<4 {
            let lo = word * 64, hi = lo + 64
            var m: UInt64 = 0, t: UInt64 = 0
            if bitFromTop < lo { m = .max } else if bitFromTop < hi {
                let p = UInt64(63 - (bitFromTop - lo))
                t = 1 << p
                m = p == 0 ? 0 : (1 << p) - 1
            }
            switch word {
            case 0: mask.w0 = m; top.w0 = t
            case 1: mask.w1 = m; top.w1 = t
            case 2: mask.w2 = m; top.w2 = t
            default: mask.w3 = m; top.w3 = t
            }
        }
        let dist = Bytes32(random.w0 & mask.w0 | top.w0, random.w1 & mask.w1 | top.w1,
                           random.w2 & mask.w2 | top.w2, random.w3 & mask.w3 | top.w3)
        return NodeID(raw: raw ^ dist)
    }

    /// A random ID.
    public static func random(using rng: inout some RandomNumberGenerator) -> NodeID {
        NodeID(raw: .random(using: &rng))
    }

    /// Orders IDs as 256-bit big-endian numbers.
    @inlinable
    public static func < (a: NodeID, b: NodeID) -> Bool { a.raw < b.raw }

    /// The first bytes in hex.
    public var description: String { raw.description }
}

/// An Ed25519 public key as raw bytes (validated as a key only where a signature is checked).
@frozen
public struct IdentityKey: Hashable, Sendable {
    /// The 32-byte encoding (RFC 8032 §5.1.5).
    public var raw: Bytes32

    /// The key with these bytes.
    @inlinable
    public init(raw: Bytes32) { self.raw = raw }

    /// The raw bytes of a libsodium public key.
    public init(_ key: Ed25519.PublicKey) {
        // An Ed25519.PublicKey always holds exactly 32 bytes.
        raw = Bytes32(key.rawRepresentation) ?? .zero
    }
}

/// The hash the DHT uses for IDs, keys and proofs of work.
public enum DHTHash {
    /// BLAKE2b with a 32-byte digest (RFC 7693).
    public static func blake2b256(_ bytes: some Collection<UInt8>) -> Bytes32 {
        do {
            let digest = try BLAKE2b.hash(bytes, outputByteCount: 32)
            guard let value = Bytes32(digest) else { preconditionFailure("BLAKE2b-256 returned a wrong length") }
            return value
        } catch {
            preconditionFailure("BLAKE2b-256 rejected a valid output length: \(error)")
        }
    }
}
