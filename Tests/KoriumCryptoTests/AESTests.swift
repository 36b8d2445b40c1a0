import Testing

@testable import KoriumCrypto

/// AES block cipher: FIPS 197 known answers, the S-box circuit against the algebraic
/// definition, the 4-lane batch path, and RFC 9001 header-protection masks.
@Suite struct AESTests {
    // FIPS 197 Appendix B (cipher example) and Appendix C.1 / C.3 (example vectors).
    // FIPS 197 is not in /work/shared/specs; the values were transcribed from the standard and
    // cross-checked against OpenSSL (Python cryptography 48.0.0) before being committed.
    @Test("FIPS 197 App. B and C.1: AES-128", arguments: [
        ("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
         "3925841d02dc09fbdc118597196a0b32"),
        ("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
         "69c4e0d86a7b0430d8cdb78070b4c55a"),
    ] as [(String, String, String)])
    func aes128KnownAnswer(key: String, plaintext: String, ciphertext: String) throws {
        let aes = try AES128(key: hexBytes(key))
        #expect(hexString(try aes.encryptBlock(hexBytes(plaintext))) == ciphertext)
    }

    @Test("FIPS 197 App. C.3: AES-256")
    func aes256KnownAnswer() throws {
        let aes = try AES256(
            key: hexBytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
        let out = try aes.encryptBlock(hexBytes("00112233445566778899aabbccddeeff"))
        #expect(hexString(out) == "8ea2b7ca516745bfeafc49904b496089")
    }

    /// The S-box from its definition (FIPS 197 §5.1.1): multiplicative inverse in GF(2^8)
    /// followed by the affine map b ⊕ rotl(b,1) ⊕ rotl(b,2) ⊕ rotl(b,3) ⊕ rotl(b,4) ⊕ 0x63.
    static func referenceSBox(_ x: UInt8) -> UInt8 {
        func mul(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var a = a, b = b, p: UInt8 = 0
            for _ in 0..<8 {
                if b & 1 != 0 { p ^= a }
                let carry = a & 0x80
                a <<= 1
                if carry != 0 { a ^= 0x1B }
                b >>= 1
            }
            return p
        }
        var inverse: UInt8 = 1  // x^254 = x^-1 (and 0 ↦ 0)
        for _ in 0..<254 { inverse = mul(inverse, x) }
        if x == 0 { inverse = 0 }
        func rotl(_ v: UInt8, _ n: UInt8) -> UInt8 { (v << n) | (v >> (8 - n)) }
        return inverse ^ rotl(inverse, 1) ^ rotl(inverse, 2) ^ rotl(inverse, 3) ^ rotl(inverse, 4)
            ^ 0x63
    }

    @Test("Boyar–Peralta circuit equals the algebraic S-box on all 256 inputs")
    func sboxCircuitExhaustive() {
        for chunk in 0..<4 {
            var bytes = (0..<64).map { UInt8(chunk * 64 + $0) }
            bytes.withUnsafeMutableBytes { raw in
                var s = AESBitsliceState(loading: raw.baseAddress!)
                s.subBytes()
                s.store(to: raw.baseAddress!)
            }
            for i in 0..<64 {
                #expect(bytes[i] == Self.referenceSBox(UInt8(chunk * 64 + i)), "S(\(chunk * 64 + i))")
            }
        }
    }

    @Test("bitslice load/store round-trips 64 bytes")
    func transposeRoundTrip() {
        let input = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var output = [UInt8](repeating: 0, count: 64)
        input.withUnsafeBytes { i in
            output.withUnsafeMutableBytes { o in
                var s = AESBitsliceState(loading: i.baseAddress!)
                s.store(to: o.baseAddress!)
            }
        }
        #expect(output == input)
    }

    @Test("multi-block ECB equals block-by-block, in place, for 1–9 blocks")
    func multiBlockMatchesSingle() throws {
        let aes = try AES128(key: hexBytes("000102030405060708090a0b0c0d0e0f"))
        for blocks in 1...9 {
            var data = (0..<(16 * blocks)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ blocks) }
            var expected: [UInt8] = []
            for b in 0..<blocks {
                expected += try aes.encryptBlock(data[(16 * b)..<(16 * b + 16)])
            }
            try encryptInPlace(&data) { b throws(CryptoError) in
                try aes.encryptBlocks(UnsafeRawBufferPointer(b), into: b)
            }
            #expect(data == expected)
        }
    }

    @Test("wrong key and buffer sizes throw typed errors")
    func sizeErrors() throws {
        #expect(throws: CryptoError.invalidKeySize(expected: 16, actual: 15)) {
            try AES128(key: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 16)) {
            try AES256(key: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CryptoError.invalidKeySize(expected: 16, actual: 24)) {
            try AESHeaderProtection(key: [UInt8](repeating: 0, count: 24))
        }
        let aes = try AES128(key: [UInt8](repeating: 0, count: 16))
        #expect(throws: CryptoError.bufferSize(needed: 16, available: 15)) {
            try aes.encryptBlock([UInt8](repeating: 0, count: 15))
        }
        func encrypt(_ inputCount: Int, _ outputCount: Int) throws(CryptoError) {
            let input = [UInt8](repeating: 0, count: inputCount)
            let output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputCount, alignment: 1)
            defer { output.deallocate() }
            let result: CryptoError? = input.withUnsafeBytes { i in
                do throws(CryptoError) {
                    try aes.encryptBlocks(i, into: output)
                    return nil
                } catch { return error }
            }
            if let result { throw result }
        }
        #expect(throws: CryptoError.bufferSize(needed: 32, available: 20)) { try encrypt(20, 32) }
        #expect(throws: CryptoError.bufferSize(needed: 32, available: 16)) { try encrypt(32, 16) }
        try encrypt(0, 0)
    }

    // RFC 9001 App. A.2 (client Initial) and A.3 (server Initial): hp key, sample, mask.
    @Test("RFC 9001 App. A.2/A.3 header-protection masks", arguments: [
        ("9f50449e04a0e810283a1e9933adedd2", "d1b1c98dd7689fb8ec11d242b123dc9b", "437b9aec36"),
        ("c206b8d9b9f0f37644430b490eeaa314", "2cd0991cd25b0aac406a5816b6394100", "2ec0d8356a"),
    ] as [(String, String, String)])
    func headerProtectionMask(hp: String, sample: String, mask: String) throws {
        let protection = try AESHeaderProtection(key: hexBytes(hp))
        let m = hexBytes(sample).withUnsafeBytes { protection.mask(sample: $0) }
        #expect(hexString([m.0, m.1, m.2, m.3, m.4]) == mask)
    }

    @Test("AES-256 header protection is the first five bytes of AES-256-ECB")
    func headerProtection256() throws {
        let key = hexBytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        let protection = try AESHeaderProtection(key: key)
        let m = hexBytes("00112233445566778899aabbccddeeff").withUnsafeBytes {
            protection.mask(sample: $0)
        }
        // FIPS 197 App. C.3 ciphertext, first five bytes.
        #expect(hexString([m.0, m.1, m.2, m.3, m.4]) == "8ea2b7ca51")
    }
}

/// Runs `body` on the bytes of `data` (typed-throws closures passed straight to
/// `withUnsafeMutableBytes` crash the 6.3.1 compiler, so the error is carried out by value).
func encryptInPlace(
    _ data: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> Void
) throws(CryptoError) {
    let result: CryptoError? = data.withUnsafeMutableBytes { buffer in
        do throws(CryptoError) {
            try body(buffer)
            return nil
        } catch { return error }
    }
    if let result { throw result }
}
