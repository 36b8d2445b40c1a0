import KoriumWire
/// S/Kademlia crypto puzzle for identities (korium-constants.md, "Proof-of-work identity"):
/// a u64 nonce such that BLAKE2b-256(`korium-pow-v1:` ‖ [namespace hash] ‖ public key ‖
/// nonce as 8 bytes little-endian) has at least `difficulty` leading zero bits, counted from
/// the first byte's most significant bit. The nonce travels in every contact record and is
/// checked before a contact enters a routing table.
public enum ProofOfWork {
    /// The puzzle hash for one nonce.
    public static func hash(publicKey: IdentityKey, nonce: UInt64, namespaceHash: [UInt8] = []) -> Bytes32 {
        var input = DHTLimits.powHashDomain
        input.reserveCapacity(input.count + namespaceHash.count + 40)
        input.append(contentsOf: namespaceHash)
        input.append(contentsOf: publicKey.raw.bytes)
        appendLittleEndian(nonce, to: &input)
        return DHTHash.blake2b256(input)
    }

    /// Whether `nonce` solves the puzzle for `publicKey` at `difficulty` bits.
    public static func isValid(
        publicKey: IdentityKey, nonce: UInt64, difficulty: Int, namespaceHash: [UInt8] = []
    ) -> Bool {
        if difficulty <= 0 { return true }
        return hash(publicKey: publicKey, nonce: nonce, namespaceHash: namespaceHash).leadingZeroBitCount >= difficulty
    }

    /// The smallest nonce below `maxNonce` that solves the puzzle, or nil. Expected work is
    /// 2^difficulty hashes; the input buffer is built once and only the nonce bytes change.
    public static func solve(
        publicKey: IdentityKey, difficulty: Int, maxNonce: UInt64 = DHTLimits.powMaxNonce,
        namespaceHash: [UInt8] = []
    ) -> UInt64? {
        if difficulty <= 0 { return 0 }
        var input = DHTLimits.powHashDomain + namespaceHash + publicKey.raw.bytes
        let nonceOffset = input.count
        input.append(contentsOf: repeatElement(0, count: 8))
        var nonce: UInt64 = 0
        while nonce < maxNonce {
            for i in 0..<8 { input[nonceOffset + i] = UInt8(truncatingIfNeeded: nonce >> UInt64(8 * i)) }
            if DHTHash.blake2b256(input).leadingZeroBitCount >= difficulty { return nonce }
            nonce += 1
        }
        return nil
    }

    @inline(__always)
    static func appendLittleEndian(_ v: UInt64, to bytes: inout [UInt8]) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }
}
