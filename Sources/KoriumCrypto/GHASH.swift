/// GHASH (NIST SP 800-38D §6.4), constant-time, for AES-GCM.
///
/// GF(2^128) multiplication needs carry-less products. Table methods (Shoup's 4-bit tables)
/// index memory with secret bits; instead each 64×64-bit carry-less product is computed with
/// ordinary integer multiplications on operands masked to every fourth bit ("holes"): the
/// carries of one integer product then collect in the three zero bits between two meaningful
/// ones and are masked away. Integer multiplication runs in constant time on the CPUs we
/// target (x86-64 `mul`/`imul`, ARMv8 `mul`/`umulh`), so nothing depends on secret values.
///
/// Representation: a block is read as a big-endian 128-bit integer `hi:lo`. SP 800-38D puts
/// the coefficient of x^0 in the most significant bit, so this integer is the bit reversal of
/// the polynomial; multiplying by x is a right shift.
struct GHASH {
    /// H split as big-endian halves, their XOR (for Karatsuba) and the bit-reversed forms
    /// (for the upper halves of products).
    private let h0: UInt64, h1: UInt64, h2: UInt64
    private let h0r: UInt64, h1r: UInt64, h2r: UInt64
    /// The running hash `Y`, big-endian halves.
    private var y0: UInt64 = 0
    private var y1: UInt64 = 0

    /// Starts a hash under the subkey `H = hi:lo` (big-endian halves of E(K, 0^128)).
    @inline(__always)
    init(hashSubkeyHigh hi: UInt64, low lo: UInt64) {
        h1 = hi
        h0 = lo
        h2 = hi ^ lo
        h1r = Self.reverse(hi)
        h0r = Self.reverse(lo)
        h2r = h1r ^ h0r
    }

    /// Bit reversal of a 64-bit word.
    @inline(__always)
    static func reverse(_ x: UInt64) -> UInt64 {
        var v = x
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }

    /// The low 64 bits of the carry-less product of `x` and `y`.
    ///
    /// Each operand is split into four parts keeping bits `i mod 4` (masks 0x1…, 0x2…, 0x4…,
    /// 0x8…). In the integer product of two parts every 4-bit group receives at most 15 partial
    /// products below bit 64 (16 pairs can only meet in the top group, whose carry leaves the
    /// word), so no carry crosses into the next meaningful bit and the product's bit at
    /// position `p` (class `p mod 4`) is the parity of the pairs, i.e. the carry-less result.
    @inline(__always)
    static func clmulLow(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let m0: UInt64 = 0x1111_1111_1111_1111
        let m1: UInt64 = 0x2222_2222_2222_2222
        let m2: UInt64 = 0x4444_4444_4444_4444
        let m3: UInt64 = 0x8888_8888_8888_8888
        let x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3
        let y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3
        let z0 = (x0 &* y0) ^ (x1 &* y3) ^ (x2 &* y2) ^ (x3 &* y1)
        let z1 = (x0 &* y1) ^ (x1 &* y0) ^ (x2 &* y3) ^ (x3 &* y2)
        let z2 = (x0 &* y2) ^ (x1 &* y1) ^ (x2 &* y0) ^ (x3 &* y3)
        let z3 = (x0 &* y3) ^ (x1 &* y2) ^ (x2 &* y1) ^ (x3 &* y0)
        return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3)
    }

    /// Absorbs one 16-byte block given as big-endian halves: `Y = (Y ⊕ X) · H`.
    @inline(__always)
    mutating func absorb(high: UInt64, low: UInt64) {
        let a1 = y1 ^ high
        let a0 = y0 ^ low
        let a2 = a0 ^ a1
        let a1r = Self.reverse(a1)
        let a0r = Self.reverse(a0)
        let a2r = a0r ^ a1r

        // Three 64×64 carry-less products (Karatsuba). The upper half of a product comes
        // from the lower half of the product of the reversed operands: reversing both inputs
        // reverses the 127-bit product, so its low word reversed and shifted right once is
        // the original's high word.
        let z0 = Self.clmulLow(a0, h0)
        let z1 = Self.clmulLow(a1, h1)
        var z2 = Self.clmulLow(a2, h2)
        let z0h = Self.reverse(Self.clmulLow(a0r, h0r)) >> 1
        let z1h = Self.reverse(Self.clmulLow(a1r, h1r)) >> 1
        var z2h = Self.reverse(Self.clmulLow(a2r, h2r)) >> 1
        z2 ^= z0 ^ z1
        z2h ^= z0h ^ z1h

        // 256-bit product w3:w2:w1:w0 of the two bit-reversed 128-bit values.
        var w0 = z0
        var w1 = z0h ^ z2
        var w2 = z1 ^ z2h
        var w3 = z1h

        // The reversed 255-bit product sits one bit low: shift the whole value left by one so
        // bit 255 - i holds the coefficient of x^i.
        w3 = (w3 << 1) | (w2 >> 63)
        w2 = (w2 << 1) | (w1 >> 63)
        w1 = (w1 << 1) | (w0 >> 63)
        w0 <<= 1

        // Reduce modulo x^128 + x^7 + x^2 + x + 1: the coefficients of x^128…x^255 (low words
        // w0, w1) fold back as x^0 + x^1 + x^2 + x^7, i.e. right shifts by 0, 1, 2, 7 into
        // the upper words. w0 spills into w1 first, so fold w0 before w1.
        w2 ^= w0 ^ (w0 >> 1) ^ (w0 >> 2) ^ (w0 >> 7)
        w1 ^= (w0 << 63) ^ (w0 << 62) ^ (w0 << 57)
        w3 ^= w1 ^ (w1 >> 1) ^ (w1 >> 2) ^ (w1 >> 7)
        w2 ^= (w1 << 63) ^ (w1 << 62) ^ (w1 << 57)

        y1 = w3
        y0 = w2
    }

    /// Absorbs `count` bytes at `p`; a final partial block is zero-padded (SP 800-38D §7.1:
    /// A and C are each padded to a multiple of 128 bits).
    @inline(__always)
    mutating func absorb(_ p: UnsafeRawPointer, count: Int) {
        var offset = 0
        while offset + 16 <= count {
            absorb(
                high: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                low: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            offset += 16
        }
        let rest = count - offset
        if rest > 0 {
            var block: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &block) { b in
                b.baseAddress!.copyMemory(from: p + offset, byteCount: rest)
            }
            absorb(high: UInt64(bigEndian: block.0), low: UInt64(bigEndian: block.1))
        }
    }

    /// Absorbs `bytes` (zero-padding a final partial block).
    @inline(__always)
    mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        absorb(base, count: bytes.count)
    }

    /// Absorbs the length block `[len(A)]64 || [len(C)]64` (lengths in bits) and returns the
    /// hash as big-endian halves.
    @inline(__always)
    mutating func finalize(aadByteCount: Int, textByteCount: Int) -> (high: UInt64, low: UInt64) {
        absorb(high: UInt64(aadByteCount) &<< 3, low: UInt64(textByteCount) &<< 3)
        return (y1, y0)
    }
}
