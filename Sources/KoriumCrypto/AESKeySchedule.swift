/// Secret 64-bit words in their own heap block, wiped when the last reference goes away.
///
/// `@unchecked Sendable` is sound: the words are written only inside `init` (before the object
/// is shared) and are read-only afterwards; `deinit` runs when no other reference exists.
final class AESSecretWords: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt64>
    let count: Int

    init(count: Int, fill: (UnsafeMutablePointer<UInt64>) -> Void) {
        base = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
        self.count = count
        fill(base)
    }

    deinit {
        wipe(UnsafeMutableRawBufferPointer(start: base, count: count * MemoryLayout<UInt64>.size))
        base.deallocate()
    }
}

/// An AES key expanded for the bitsliced encryptor: `rounds + 1` round keys, each as eight
/// bitsliced words with the round key replicated in all four lanes and its rows pre-rotated
/// into the frame of its round (lazy ShiftRows, see `AESBitsliceState.mixColumns(frame:)`).
///
/// The expansion (FIPS 197 §5.2) runs SubWord through the same boolean S-box circuit as the
/// rounds, so the key schedule is as constant-time as encryption. Only encryption is provided:
/// CTR, GCM and QUIC header protection never run the inverse cipher.
struct AESExpandedKey: Sendable {
    /// 10 for AES-128, 14 for AES-256 (FIPS 197 Table 4: Nr = Nk + 6).
    let rounds: Int
    let roundKeys: AESSecretWords

    /// Expands a 16- or 32-byte key; other lengths are a caller bug (the public types check).
    init(key: UnsafeRawBufferPointer) {
        precondition(key.count == 16 || key.count == 32, "AES key must be 16 or 32 bytes")
        let nk = key.count / 4
        let rounds = nk + 6
        let wordCount = 4 * (rounds + 1)
        self.rounds = rounds
        roundKeys = AESSecretWords(count: 8 * (rounds + 1)) { out in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: wordCount) { w in
                // FIPS 197 §5.2 KeyExpansion. Words are little-endian, so the first key byte
                // of a word is its low byte: RotWord is a right rotation by 8 bits and Rcon
                // goes into the low byte.
                for i in 0..<nk {
                    w[i] = UInt32(littleEndian: key.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                }
                var rcon: UInt32 = 1
                for i in nk..<wordCount {
                    var temp = w[i - 1]
                    if i % nk == 0 {
                        temp = Self.subWord((temp >> 8) | (temp << 24)) ^ rcon
                        // xtime on the public round constant.
                        rcon = (rcon << 1) ^ (0x11B & (0 &- (rcon >> 7)))
                    } else if nk > 6 && i % nk == 4 {
                        temp = Self.subWord(temp)
                    }
                    w[i] = w[i - nk] ^ temp
                }
                for r in 0...rounds {
                    let even = AESBitsliceState.interleave(w[4 * r], w[4 * r + 2])
                    let odd = AESBitsliceState.interleave(w[4 * r + 1], w[4 * r + 3])
                    var s = AESBitsliceState(even, even, even, even, odd, odd, odd, odd)
                    s.transpose()
                    // Round r's key is added to a state in frame r (lazy ShiftRows).
                    let k = out + 8 * r
                    k[0] = AESBitsliceState.reframe(s.q0, from: 0, to: r)
                    k[1] = AESBitsliceState.reframe(s.q1, from: 0, to: r)
                    k[2] = AESBitsliceState.reframe(s.q2, from: 0, to: r)
                    k[3] = AESBitsliceState.reframe(s.q3, from: 0, to: r)
                    k[4] = AESBitsliceState.reframe(s.q4, from: 0, to: r)
                    k[5] = AESBitsliceState.reframe(s.q5, from: 0, to: r)
                    k[6] = AESBitsliceState.reframe(s.q6, from: 0, to: r)
                    k[7] = AESBitsliceState.reframe(s.q7, from: 0, to: r)
                }
                wipe(UnsafeMutableRawBufferPointer(w))
            }
        }
    }

    /// SubWord through the bitsliced S-box: the word's bytes go to four byte positions of one
    /// word, the transposition spreads them over the bit planes, and the circuit substitutes.
    static func subWord(_ x: UInt32) -> UInt32 {
        var s = AESBitsliceState(UInt64(x), 0, 0, 0, 0, 0, 0, 0)
        s.transpose()
        s.subBytes()
        s.transpose()
        return UInt32(truncatingIfNeeded: s.q0)
    }

    /// Encrypts the four bitsliced blocks in `s` (FIPS 197 §5.1 Cipher). ShiftRows is
    /// absorbed into the state's frame: after round `r` the state is in frame `r`
    /// (see `AESBitsliceState.mixColumns(frame:)`), and one fix-up restores frame 0.
    @inline(__always)
    func encrypt(_ s: inout AESBitsliceState) {
        let k = UnsafePointer(roundKeys.base)
        s.addRoundKey(k)
        var r = 1
        // Four rounds per iteration so every frame number is a constant after inlining.
        while r + 4 <= rounds {
            s.subBytes()
            s.mixColumns(frame: 1)
            s.addRoundKey(k + 8 * r)
            s.subBytes()
            s.mixColumns(frame: 2)
            s.addRoundKey(k + 8 * (r + 1))
            s.subBytes()
            s.mixColumns(frame: 3)
            s.addRoundKey(k + 8 * (r + 2))
            s.subBytes()
            s.mixColumns(frame: 0)
            s.addRoundKey(k + 8 * (r + 3))
            r += 4
        }
        // rounds ≡ 2 (mod 4): one more full round (frame 1), then the final round (frame 2).
        s.subBytes()
        s.mixColumns(frame: 1)
        s.addRoundKey(k + 8 * r)
        s.subBytes()
        s.addRoundKey(k + 8 * rounds)
        s.leaveFrameAfterLastRound()
    }

    /// Encrypts `count` consecutive 16-byte blocks from `input` to `output` (which may be the
    /// same memory), four blocks per bitsliced pass; a final group of fewer than four blocks
    /// goes through a zero-padded stack buffer.
    func encryptBlocks(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int) {
        var offset = 0
        let full = count & ~3
        while offset < 16 * full {
            var s = AESBitsliceState(loading: input + offset)
            encrypt(&s)
            s.store(to: output + offset)
            offset += 64
        }
        let rest = 16 * (count - full)
        if rest > 0 {
            var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
                (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &buffer) { tmp in
                tmp.baseAddress!.copyMemory(from: input + offset, byteCount: rest)
                var s = AESBitsliceState(loading: tmp.baseAddress!)
                encrypt(&s)
                s.store(to: tmp.baseAddress!)
                (output + offset).copyMemory(from: tmp.baseAddress!, byteCount: rest)
                wipe(tmp)
            }
        }
    }
}
