/// AES-128-GCM (NIST SP 800-38D with a 96-bit IV and a 128-bit tag; RFC 5116
/// AEAD_AES_128_GCM), pure Swift: the AEAD of QUIC Initial packets (RFC 9001 §5.2) and of
/// TLS_AES_128_GCM_SHA256, the cipher suite every TLS 1.3 peer must support (RFC 8446 §9.1).
///
/// ## How it stays constant-time
/// Nothing that depends on the key, the hash subkey H or the data decides a branch or a
/// memory address:
/// - **AES** is bitsliced: four counter blocks are transposed into eight 64-bit words (one per
///   bit position), SubBytes is the Boyar–Peralta boolean circuit (ANDs and XORs, no S-box
///   table), ShiftRows and MixColumns are fixed shifts, rotations and XORs. The key schedule
///   runs SubWord through the same circuit.
/// - **GHASH** multiplies in GF(2^128) with integer multiplications of operands masked to
///   every fourth bit, so carries fall into unused bit positions; there are no tables indexed
///   by H or by data (no Shoup tables). Integer multiply is constant-time on x86-64 and ARMv8.
/// - **Tag check** compares all 16 bytes with `constantTimeEquals` (libsodium
///   `sodium_memcmp`), and only then decrypts.
/// - Branches and loop counts depend only on public lengths (message, AAD).
///
/// `korium ct-check` (release build) checks this empirically, dudect-style: fixed-vs-random
/// inputs for the block cipher, seal and key schedule, and tags wrong in the first vs the last
/// byte, must give indistinguishable timings (Welch |t| < 4.5).
///
/// On ``CryptoError/authenticationFailed`` the message buffer still holds the untouched
/// ciphertext: the tag is verified over the ciphertext before any byte is decrypted, so no
/// unauthenticated plaintext is ever released.
///
/// No heap allocation per call: keystream and GHASH state live on the stack; the expanded key
/// and H are allocated once in `init` and wiped when the last copy of the value goes away.
public struct AES128GCM: AEADCipher {
    /// Key length in bytes.
    public static let keyByteCount = 16
    /// Nonce (IV) length in bytes.
    public static let nonceByteCount = 12
    /// Tag length in bytes.
    public static let tagByteCount = 16

    let engine: AESGCMEngine

    /// Expands `key` (16 bytes); throws ``CryptoError/invalidKeySize(expected:actual:)`` otherwise.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        guard key.count == Self.keyByteCount else {
            throw .invalidKeySize(expected: Self.keyByteCount, actual: key.count)
        }
        engine = withContiguousBytes(key) { AESGCMEngine(key: $0) }
    }

    /// Encrypts `message` in place and writes the 16-byte tag into `tag`.
    public func sealInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try engine.seal(message, tag: tag, nonce: nonce, aad: aad)
    }

    /// Verifies `tag`, then decrypts `message` in place. On
    /// ``CryptoError/authenticationFailed`` `message` is left unchanged (still ciphertext).
    public func openInPlace(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try engine.open(message, tag: tag, nonce: nonce, aad: aad)
    }
}

/// GCM over the bitsliced AES for 16- or 32-byte keys (AES-128 is public as ``AES128GCM``;
/// the AES-256 form serves tests and machines without AES-NI).
struct AESGCMEngine: Sendable {
    /// SP 800-38D §5.2.1.1: len(P) ≤ 2^39 − 256 bits; with a 96-bit IV the 32-bit counter
    /// covers 2^32 − 2 blocks.
    static let maximumMessageByteCount = (1 << 36) - 32
    /// SP 800-38D §5.2.1.1: len(A) ≤ 2^64 − 1 bits.
    static let maximumAADByteCount = (1 << 61) - 1

    let cipher: AESExpandedKey
    /// H = E(K, 0^128) as big-endian halves.
    let hashSubkey: AESSecretWords

    init(key: UnsafeRawBufferPointer) {
        let cipher = AESExpandedKey(key: key)
        self.cipher = cipher
        hashSubkey = AESSecretWords(count: 2) { h in
            var s = AESBitsliceState(0, 0, 0, 0, 0, 0, 0, 0)
            cipher.encrypt(&s)
            s.transpose()
            let (lo, hi) = s.lanePair(s.q0, s.q4)
            // Lane 0's bytes 0–7 / 8–15 were read little-endian; GHASH wants big-endian.
            h[0] = lo.byteSwapped
            h[1] = hi.byteSwapped
        }
    }

    @inline(__always)
    func makeHash() -> GHASH {
        GHASH(hashSubkeyHigh: hashSubkey.base[0], low: hashSubkey.base[1])
    }

    /// The common start of ``seal`` and ``open``: validates the sizes, precomputes the
    /// interleaved nonce words for ``keystream(nonceEven:nonceOddLow:counter:)`` and returns a
    /// GHASH that has absorbed `aad`.
    @inline(__always)
    func begin(
        messageCount: Int, tagCount: Int, nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) -> (nonceEven: UInt64, nonceOddLow: UInt64, hash: GHASH) {
        try validateAEADArguments(
            messageCount: messageCount, maximumMessageCount: Self.maximumMessageByteCount,
            tagCount: tagCount, expectedTagCount: 16, nonceCount: nonce.count, expectedNonceCount: 12)
        guard aad.count <= Self.maximumAADByteCount else {
            throw .messageTooLong(maximum: Self.maximumAADByteCount, actual: aad.count)
        }
        let n = nonce.baseAddress!
        @inline(__always)
        func column(_ c: Int) -> UInt32 {
            UInt32(littleEndian: n.loadUnaligned(fromByteOffset: 4 * c, as: UInt32.self))
        }
        var hash = makeHash()
        hash.absorb(aad)
        return (AESBitsliceState.interleave(column(0), column(2)), AESBitsliceState.spread(column(1)), hash)
    }

    /// Bitsliced counter blocks `nonce || BE32(counter + lane)` for lanes 0–3, encrypted and
    /// transposed back to byte order (read lanes with `lanePair` or `xor(into:)`).
    ///
    /// Columns 0–2 (the nonce) are the same in every lane and every batch; only column 3
    /// changes, so the caller precomputes the interleaved nonce words.
    @inline(__always)
    func keystream(
        nonceEven: UInt64, nonceOddLow: UInt64, counter: UInt32
    ) -> AESBitsliceState {
        @inline(__always)
        func odd(_ c: UInt32) -> UInt64 {
            nonceOddLow | (AESBitsliceState.spread(c.bigEndian) << 8)
        }
        var s = AESBitsliceState(
            nonceEven, nonceEven, nonceEven, nonceEven,
            odd(counter), odd(counter &+ 1), odd(counter &+ 2), odd(counter &+ 3))
        s.transpose()
        cipher.encrypt(&s)
        s.transpose()
        return s
    }

    /// CTR from counter 5 onwards over `message[48...]` (the first batch, counters 1–4, is
    /// handled by the caller together with the tag mask), hashing each 64-byte chunk of
    /// ciphertext right after it is produced when `hashAfter` is set.
    @inline(__always)
    func ctrTail(
        _ p: UnsafeMutableRawPointer, count: Int, nonceEven: UInt64, nonceOddLow: UInt64,
        hash: inout GHASH, hashAfter: Bool
    ) {
        var offset = 48
        var counter: UInt32 = 5
        while offset + 64 <= count {
            let s = keystream(nonceEven: nonceEven, nonceOddLow: nonceOddLow, counter: counter)
            s.xor(into: p + offset)
            if hashAfter { hash.absorb(p + offset, count: 64) }
            offset += 64
            counter &+= 4
        }
        let rest = count - offset
        if rest > 0 {
            let s = keystream(nonceEven: nonceEven, nonceOddLow: nonceOddLow, counter: counter)
            var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
                (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &buffer) { tmp in
                s.write(to: tmp.baseAddress!)
                xorBytes(p + offset, tmp.baseAddress!, count: rest)
                wipe(tmp)
            }
            if hashAfter { hash.absorb(p + offset, count: rest) }
        }
    }

    /// SP 800-38D §7.1 GCM-AE: CTR from inc32(J0), GHASH over AAD and ciphertext (each
    /// 64-byte chunk right after it is encrypted, while it is still in L1), tag = E(K, J0) ⊕ S.
    func seal(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        let (nonceEven, nonceOddLow, aadHash) = try begin(
            messageCount: message.count, tagCount: tag.count, nonce: nonce, aad: aad)
        var hash = aadHash

        let count = message.count
        // First batch: lane 0 is J0 = nonce || 1 (the tag mask), lanes 1–3 encrypt the first
        // 48 bytes with counters 2–4 (SP 800-38D §7.1: GCTR starts at inc32(J0)).
        let first = keystream(nonceEven: nonceEven, nonceOddLow: nonceOddLow, counter: 1)
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0)
        let (t0, t1) = withUnsafeMutableBytes(of: &buffer) { tmp in
            first.write(to: tmp.baseAddress!)
            if let p = message.baseAddress, count > 0 {
                let head = min(count, 48)
                xorBytes(p, tmp.baseAddress! + 16, count: head)
                hash.absorb(p, count: head)
            }
            let mask = (
                tmp.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                tmp.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            )
            wipe(tmp)
            return mask
        }
        if count > 48, let p = message.baseAddress {
            ctrTail(
                p, count: count, nonceEven: nonceEven, nonceOddLow: nonceOddLow,
                hash: &hash, hashAfter: true)
        }
        let s = hash.finalize(aadByteCount: aad.count, textByteCount: count)
        let out = tag.baseAddress!
        out.storeBytes(of: t0 ^ s.high.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: t1 ^ s.low.bigEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// SP 800-38D §7.2 GCM-AD: GHASH over AAD and ciphertext, constant-time tag check, and
    /// only then CTR decryption; on failure `message` is left as it was.
    func open(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        let (nonceEven, nonceOddLow, aadHash) = try begin(
            messageCount: message.count, tagCount: tag.count, nonce: nonce, aad: aad)
        var hash = aadHash
        hash.absorb(UnsafeRawBufferPointer(message))
        let s = hash.finalize(aadByteCount: aad.count, textByteCount: message.count)

        let count = message.count
        let first = keystream(nonceEven: nonceEven, nonceOddLow: nonceOddLow, counter: 1)
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &buffer) { tmp in
            first.write(to: tmp.baseAddress!)
            // Expected tag written over the tag mask (lane 0), compared in constant time.
            let t0 = tmp.loadUnaligned(fromByteOffset: 0, as: UInt64.self) ^ s.high.bigEndian
            let t1 = tmp.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ s.low.bigEndian
            tmp.storeBytes(of: t0, toByteOffset: 0, as: UInt64.self)
            tmp.storeBytes(of: t1, toByteOffset: 8, as: UInt64.self)
            let ok = constantTimeEquals(UnsafeRawBufferPointer(rebasing: tmp[0..<16]), tag)
            // SP 800-38D §7.2 step 8: no plaintext unless the tag matches.
            if ok, let p = message.baseAddress, count > 0 {
                xorBytes(p, tmp.baseAddress! + 16, count: min(count, 48))
            }
            wipe(tmp)
            return ok
        }
        guard valid else { throw .authenticationFailed }
        if count > 48, let p = message.baseAddress {
            ctrTail(
                p, count: count, nonceEven: nonceEven, nonceOddLow: nonceOddLow,
                hash: &hash, hashAfter: false)
        }
    }
}

/// `target[i] ^= source[i]` for `count` bytes, eight at a time.
@inline(__always)
func xorBytes(_ target: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
    var i = 0
    while i + 8 <= count {
        let a = target.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let b = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        target.storeBytes(of: a ^ b, toByteOffset: i, as: UInt64.self)
        i += 8
    }
    while i < count {
        let a = target.load(fromByteOffset: i, as: UInt8.self)
        let b = source.load(fromByteOffset: i, as: UInt8.self)
        target.storeBytes(of: a ^ b, toByteOffset: i, as: UInt8.self)
        i += 1
    }
}
