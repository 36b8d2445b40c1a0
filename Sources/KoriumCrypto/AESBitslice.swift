/// Bitsliced AES round functions over four blocks at once (constant-time).
///
/// FIPS 197 defines AES on bytes; a table implementation indexes memory with secret bytes and
/// leaks them through the cache. Here the 64 bytes of four blocks are transposed into eight
/// 64-bit words: word `b` holds bit `b` (0 = least significant) of every byte, so one boolean
/// operation on a word acts on the same bit of all 64 bytes. SubBytes becomes a fixed boolean
/// circuit, ShiftRows a relabelling of positions (see "Lazy ShiftRows"), MixColumns rotations
/// and XORs: the instruction and memory-access sequence never depends on key or data.
///
/// Bit layout inside each word: the byte in row `r`, column `c` of lane (block) `l` sits at bit
/// `16·r + 4·c + l`. A row is thus a 16-bit field, so MixColumns reaches the next row of the
/// same column by rotating a word by 16 bits, and columns are 4-bit groups inside a row.
struct AESBitsliceState {
    var q0: UInt64
    var q1: UInt64
    var q2: UInt64
    var q3: UInt64
    var q4: UInt64
    var q5: UInt64
    var q6: UInt64
    var q7: UInt64

    @inline(__always)
    init(
        _ q0: UInt64, _ q1: UInt64, _ q2: UInt64, _ q3: UInt64,
        _ q4: UInt64, _ q5: UInt64, _ q6: UInt64, _ q7: UInt64
    ) {
        self.q0 = q0
        self.q1 = q1
        self.q2 = q2
        self.q3 = q3
        self.q4 = q4
        self.q5 = q5
        self.q6 = q6
        self.q7 = q7
    }

    /// XORs eight consecutive words starting at `words` (one bitsliced round key).
    @inline(__always)
    mutating func addRoundKey(_ words: UnsafePointer<UInt64>) {
        q0 ^= words[0]
        q1 ^= words[1]
        q2 ^= words[2]
        q3 ^= words[3]
        q4 ^= words[4]
        q5 ^= words[5]
        q6 ^= words[6]
        q7 ^= words[7]
    }

    // MARK: Transposition between byte order and bitsliced order

    /// Transposes, for each of the eight byte positions of a word, the 8×8 bit matrix formed by
    /// (word index, bit within byte): afterwards word `b` bit `8k + j` is what was word `j` bit
    /// `8k + b`. Three butterfly stages each exchange one bit of the word index with one bit of
    /// the bit-within-byte index, so the map is its own inverse.
    @inline(__always)
    mutating func transpose() {
        @inline(__always)
        func swap(_ a: inout UInt64, _ b: inout UInt64, _ mask: UInt64, _ shift: UInt64) {
            let x = a
            let y = b
            a = (x & mask) | ((y & mask) << shift)
            b = ((x >> shift) & mask) | (y & ~mask)
        }
        let m1: UInt64 = 0x5555_5555_5555_5555
        swap(&q0, &q1, m1, 1)
        swap(&q2, &q3, m1, 1)
        swap(&q4, &q5, m1, 1)
        swap(&q6, &q7, m1, 1)
        let m2: UInt64 = 0x3333_3333_3333_3333
        swap(&q0, &q2, m2, 2)
        swap(&q1, &q3, m2, 2)
        swap(&q4, &q6, m2, 2)
        swap(&q5, &q7, m2, 2)
        let m4: UInt64 = 0x0F0F_0F0F_0F0F_0F0F
        swap(&q0, &q4, m4, 4)
        swap(&q1, &q5, m4, 4)
        swap(&q2, &q6, m4, 4)
        swap(&q3, &q7, m4, 4)
    }

    /// Spreads the four bytes of `x` to the even byte positions of a 64-bit word.
    @inline(__always)
    static func spread(_ x: UInt32) -> UInt64 {
        var v = UInt64(x)
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF
        return v
    }

    /// Inverse of ``spread(_:)``: gathers the even byte positions of `x` into 32 bits.
    @inline(__always)
    static func gather(_ x: UInt64) -> UInt32 {
        var v = x & 0x00FF_00FF_00FF_00FF
        v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF
        v = v | (v >> 16)
        return UInt32(truncatingIfNeeded: v)
    }

    /// The pre-transposition word for one lane's columns `c` and `c + 2` (each a little-endian
    /// column: row 0 in the low byte). Row `r` of column `c` goes to byte `2r`, of column
    /// `c + 2` to byte `2r + 1`; after ``transpose()`` that byte lands at bit `16r + 4c + lane`
    /// when this word is placed at index `lane + 4·c`.
    @inline(__always)
    static func interleave(_ low: UInt32, _ high: UInt32) -> UInt64 {
        spread(low) | (spread(high) << 8)
    }

    /// Loads four consecutive 16-byte blocks from `p` (64 bytes, any alignment) and bitslices them.
    @inline(__always)
    init(loading p: UnsafeRawPointer) {
        @inline(__always)
        func column(_ lane: Int, _ c: Int) -> UInt32 {
            UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 16 * lane + 4 * c, as: UInt32.self))
        }
        self.init(
            Self.interleave(column(0, 0), column(0, 2)),
            Self.interleave(column(1, 0), column(1, 2)),
            Self.interleave(column(2, 0), column(2, 2)),
            Self.interleave(column(3, 0), column(3, 2)),
            Self.interleave(column(0, 1), column(0, 3)),
            Self.interleave(column(1, 1), column(1, 3)),
            Self.interleave(column(2, 1), column(2, 3)),
            Self.interleave(column(3, 1), column(3, 3)))
        transpose()
    }

    /// Un-bitslices and returns the 16 bytes of `lane` as two little-endian words (bytes 0–7,
    /// bytes 8–15). Call ``transpose()`` first; this only gathers bytes.
    @inline(__always)
    func lanePair(_ even: UInt64, _ odd: UInt64) -> (UInt64, UInt64) {
        let c0 = UInt64(Self.gather(even))
        let c2 = UInt64(Self.gather(even >> 8))
        let c1 = UInt64(Self.gather(odd))
        let c3 = UInt64(Self.gather(odd >> 8))
        return (c0 | (c1 << 32), c2 | (c3 << 32))
    }

    /// Transposes back and stores the four blocks to `p` (64 bytes, any alignment).
    @inline(__always)
    mutating func store(to p: UnsafeMutableRawPointer) {
        transpose()
        write(to: p)
    }

    /// Stores the (already transposed back) four blocks to `p` (64 bytes, any alignment).
    @inline(__always)
    func write(to p: UnsafeMutableRawPointer) {
        let (a0, a1) = lanePair(q0, q4)
        let (b0, b1) = lanePair(q1, q5)
        let (c0, c1) = lanePair(q2, q6)
        let (d0, d1) = lanePair(q3, q7)
        p.storeBytes(of: a0.littleEndian, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: a1.littleEndian, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: b0.littleEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: b1.littleEndian, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: c0.littleEndian, toByteOffset: 32, as: UInt64.self)
        p.storeBytes(of: c1.littleEndian, toByteOffset: 40, as: UInt64.self)
        p.storeBytes(of: d0.littleEndian, toByteOffset: 48, as: UInt64.self)
        p.storeBytes(of: d1.littleEndian, toByteOffset: 56, as: UInt64.self)
    }

    /// XORs the (already transposed back) four blocks into the 64 bytes at `p`.
    @inline(__always)
    func xor(into p: UnsafeMutableRawPointer) {
        @inline(__always)
        func apply(_ offset: Int, _ k: UInt64) {
            let m = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            p.storeBytes(of: (m ^ k).littleEndian, toByteOffset: offset, as: UInt64.self)
        }
        let (a0, a1) = lanePair(q0, q4)
        let (b0, b1) = lanePair(q1, q5)
        let (c0, c1) = lanePair(q2, q6)
        let (d0, d1) = lanePair(q3, q7)
        apply(0, a0)
        apply(8, a1)
        apply(16, b0)
        apply(24, b1)
        apply(32, c0)
        apply(40, c1)
        apply(48, d0)
        apply(56, d1)
    }

    // MARK: Round functions

    /// SubBytes on all 64 bytes: the Boyar–Peralta depth-16 circuit for the AES S-box
    /// (J. Boyar, R. Peralta, "A depth-16 circuit for the AES S-box", 2011; also in
    /// "A small depth-16 circuit for the AES S-box", SEC 2012): 128 gates (34 AND, 94 XOR/XNOR)
    /// computing GF(2^8) inversion and the affine map with no data-dependent operation.
    /// Inputs U0…U7 and outputs S0…S7 are most-significant bit first.
    @inline(__always)
    mutating func subBytes() {
        let u0 = q7, u1 = q6, u2 = q5, u3 = q4
        let u4 = q3, u5 = q2, u6 = q1, u7 = q0

        // Top linear layer.
        let t1 = u0 ^ u3
        let t2 = u0 ^ u5
        let t3 = u0 ^ u6
        let t4 = u3 ^ u5
        let t5 = u4 ^ u6
        let t6 = t1 ^ t5
        let t7 = u1 ^ u2
        let t8 = u7 ^ t6
        let t9 = u7 ^ t7
        let t10 = t6 ^ t7
        let t11 = u1 ^ u5
        let t12 = u2 ^ u5
        let t13 = t3 ^ t4
        let t14 = t6 ^ t11
        let t15 = t5 ^ t11
        let t16 = t5 ^ t12
        let t17 = t9 ^ t16
        let t18 = u3 ^ u7
        let t19 = t7 ^ t18
        let t20 = t1 ^ t19
        let t21 = u6 ^ u7
        let t22 = t7 ^ t21
        let t23 = t2 ^ t22
        let t24 = t2 ^ t10
        let t25 = t20 ^ t17
        let t26 = t3 ^ t16
        let t27 = t1 ^ t12

        // Middle non-linear layer (inversion in GF(2^4)^2 towers).
        let m1 = t13 & t6
        let m2 = t23 & t8
        let m3 = t14 ^ m1
        let m4 = t19 & u7
        let m5 = m4 ^ m1
        let m6 = t3 & t16
        let m7 = t22 & t9
        let m8 = t26 ^ m6
        let m9 = t20 & t17
        let m10 = m9 ^ m6
        let m11 = t1 & t15
        let m12 = t4 & t27
        let m13 = m12 ^ m11
        let m14 = t2 & t10
        let m15 = m14 ^ m11
        let m16 = m3 ^ m2
        let m17 = m5 ^ t24
        let m18 = m8 ^ m7
        let m19 = m10 ^ m15
        let m20 = m16 ^ m13
        let m21 = m17 ^ m15
        let m22 = m18 ^ m13
        let m23 = m19 ^ t25
        let m24 = m22 ^ m23
        let m25 = m22 & m20
        let m26 = m21 ^ m25
        let m27 = m20 ^ m21
        let m28 = m23 ^ m25
        let m29 = m28 & m27
        let m30 = m26 & m24
        let m31 = m20 & m23
        let m32 = m27 & m31
        let m33 = m27 ^ m25
        let m34 = m21 & m22
        let m35 = m24 & m34
        let m36 = m24 ^ m25
        let m37 = m21 ^ m29
        let m38 = m32 ^ m33
        let m39 = m23 ^ m30
        let m40 = m35 ^ m36
        let m41 = m38 ^ m40
        let m42 = m37 ^ m39
        let m43 = m37 ^ m38
        let m44 = m39 ^ m40
        let m45 = m42 ^ m41
        let m46 = m44 & t6
        let m47 = m40 & t8
        let m48 = m39 & u7
        let m49 = m43 & t16
        let m50 = m38 & t9
        let m51 = m37 & t17
        let m52 = m42 & t15
        let m53 = m45 & t27
        let m54 = m41 & t10
        let m55 = m44 & t13
        let m56 = m40 & t23
        let m57 = m39 & t19
        let m58 = m43 & t3
        let m59 = m38 & t22
        let m60 = m37 & t20
        let m61 = m42 & t1
        let m62 = m45 & t4
        let m63 = m41 & t2

        // Bottom linear layer (includes the affine constant 0x63 as the XNORs).
        let l0 = m61 ^ m62
        let l1 = m50 ^ m56
        let l2 = m46 ^ m48
        let l3 = m47 ^ m55
        let l4 = m54 ^ m58
        let l5 = m49 ^ m61
        let l6 = m62 ^ l5
        let l7 = m46 ^ l3
        let l8 = m51 ^ m59
        let l9 = m52 ^ m53
        let l10 = m53 ^ l4
        let l11 = m60 ^ l2
        let l12 = m48 ^ m51
        let l13 = m50 ^ l0
        let l14 = m52 ^ m61
        let l15 = m55 ^ l1
        let l16 = m56 ^ l0
        let l17 = m57 ^ l1
        let l18 = m58 ^ l8
        let l19 = m63 ^ l4
        let l20 = l0 ^ l1
        let l21 = l1 ^ l7
        let l22 = l3 ^ l12
        let l23 = l18 ^ l2
        let l24 = l15 ^ l9
        let l25 = l6 ^ l10
        let l26 = l7 ^ l9
        let l27 = l8 ^ l10
        let l28 = l11 ^ l14
        let l29 = l11 ^ l17

        q7 = l6 ^ l24
        q6 = ~(l16 ^ l26)
        q5 = ~(l19 ^ l28)
        q4 = l6 ^ l21
        q3 = l20 ^ l22
        q2 = l25 ^ l29
        q1 = ~(l13 ^ l27)
        q0 = ~(l6 ^ l23)
    }

    // MARK: Lazy ShiftRows

    // ShiftRows is a fixed permutation of byte positions and SubBytes does not care where a
    // byte sits, so the rounds never move bytes for ShiftRows. Instead the state is kept in
    // a *frame* `u`: logical column `c` of row `r` is stored in physical column
    // `(c + r·u) mod 4`. Skipping ShiftRows turns frame `u` into frame `u + 1` at no cost;
    // MixColumns and AddRoundKey then work in that frame (the round keys are pre-rotated into
    // the frame of their round), and one fix-up at the end returns to frame 0. Only the frame
    // number modulo 4 matters; it depends on the round index, never on data.

    /// Rotates every 16-bit row field right by `m` nibbles (physical column `p` → `p − m`).
    @inline(__always)
    static func rotateColumns(_ x: UInt64, _ m: Int) -> UInt64 {
        switch m & 3 {
        case 1: ((x >> 4) & 0x0FFF_0FFF_0FFF_0FFF) | ((x << 12) & 0xF000_F000_F000_F000)
        case 2: ((x >> 8) & 0x00FF_00FF_00FF_00FF) | ((x << 8) & 0xFF00_FF00_FF00_FF00)
        case 3: ((x >> 12) & 0x000F_000F_000F_000F) | ((x << 4) & 0xFFF0_FFF0_FFF0_FFF0)
        default: x
        }
    }

    /// Moves every row `r` of `x` from frame `from` to frame `to` (row `r` rotates by
    /// `r·(to − from)` columns). Used for round keys and the final fix-up, not per round.
    @inline(__always)
    static func reframe(_ x: UInt64, from: Int, to: Int) -> UInt64 {
        var out: UInt64 = 0
        for r in 0..<4 {
            let shift = UInt64(16 * r)
            let field = (x >> shift) & 0xFFFF
            // Right rotation by r·(from − to) nibbles = left rotation by r·(to − from).
            let m = (r * (from - to)) & 3
            out |= (rotateColumns(field, m) & 0xFFFF) << shift
        }
        return out
    }

    /// Returns the state from frame `rounds` to frame 0 after the last round. AES-128 and
    /// AES-256 have 10 and 14 rounds, both ≡ 2 (mod 4): rows 1 and 3 rotate by two columns.
    @inline(__always)
    mutating func leaveFrameAfterLastRound() {
        @inline(__always)
        func fix(_ x: UInt64) -> UInt64 {
            (x & 0x0000_FFFF_0000_FFFF)
                | ((x >> 8) & 0x00FF_0000_00FF_0000) | ((x << 8) & 0xFF00_0000_FF00_0000)
        }
        q0 = fix(q0)
        q1 = fix(q1)
        q2 = fix(q2)
        q3 = fix(q3)
        q4 = fix(q4)
        q5 = fix(q5)
        q6 = fix(q6)
        q7 = fix(q7)
    }

    /// MixColumns on a state in frame `u` (ShiftRows already absorbed into the frame):
    /// `b_r = 2·a_r ⊕ 3·a_{r+1} ⊕ a_{r+2} ⊕ a_{r+3}` per logical column, written as
    /// `2·t ⊕ a_{r+1} ⊕ a_{r+2..3}` with `t = a_r ⊕ a_{r+1}`. Logical row `r + k` of the same
    /// column sits `16k` bits higher and `k·u` physical columns further, so it is brought into
    /// place by a 64-bit right rotation by `16k` and a column rotation by `k·u`. Doubling in
    /// GF(2^8) (modulus x^8 + x^4 + x^3 + x + 1) moves bit `b` to `b + 1` and folds bit 7
    /// into bits 0, 1, 3 and 4.
    @inline(__always)
    mutating func mixColumns(frame u: Int) {
        @inline(__always)
        func next(_ x: UInt64) -> UInt64 { Self.rotateColumns((x >> 16) | (x << 48), u) }
        @inline(__always)
        func nextTwo(_ x: UInt64) -> UInt64 { Self.rotateColumns((x >> 32) | (x << 32), 2 * u) }
        let r0 = next(q0), r1 = next(q1), r2 = next(q2), r3 = next(q3)
        let r4 = next(q4), r5 = next(q5), r6 = next(q6), r7 = next(q7)
        let t0 = q0 ^ r0, t1 = q1 ^ r1, t2 = q2 ^ r2, t3 = q3 ^ r3
        let t4 = q4 ^ r4, t5 = q5 ^ r5, t6 = q6 ^ r6, t7 = q7 ^ r7
        q0 = t7 ^ r0 ^ nextTwo(t0)
        q1 = t0 ^ t7 ^ r1 ^ nextTwo(t1)
        q2 = t1 ^ r2 ^ nextTwo(t2)
        q3 = t2 ^ t7 ^ r3 ^ nextTwo(t3)
        q4 = t3 ^ t7 ^ r4 ^ nextTwo(t4)
        q5 = t4 ^ r5 ^ nextTwo(t5)
        q6 = t5 ^ r6 ^ nextTwo(t6)
        q7 = t6 ^ r7 ^ nextTwo(t7)
    }
}
