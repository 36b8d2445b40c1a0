import Testing
@testable import KoriumCrypto

@Suite struct BLAKE2Tests {
    /// RFC 7693 Appendix A: BLAKE2b-512("abc").
    @Test func blake2bAbc() throws {
        #expect(try BLAKE2b.hash(Array("abc".utf8)) == hexBytes("""
            BA80A53F981C4D0D6A2797B69F12F6E9 4C212F14685AC4B74B12BB6FDBFFA2D1
            7D87C5392AAB792DC252D5DE4533CC95 18D38AA8DBF1925AB92386EDD4009923
            """))
    }

    /// RFC 7693 Appendix B: BLAKE2s-256("abc").
    @Test func blake2sAbc() throws {
        #expect(try BLAKE2s.hash(Array("abc".utf8)) == hexBytes("""
            508C5E8C327C14E2E1A72BA34EEB452F 37458B209ED63A294D999B4C86675982
            """))
    }

    /// RFC 7693 Appendix E `selftest_seq`: deterministic Fibonacci byte sequence.
    static func selftestSequence(count: Int, seed: UInt32) -> [UInt8] {
        var a: UInt32 = 0xDEAD_4BAD &* seed
        var b: UInt32 = 1
        var out: [UInt8] = []
        for _ in 0..<count {
            let t = a &+ b
            a = b
            b = t
            out.append(UInt8(t >> 24))
        }
        return out
    }

    /// RFC 7693 Appendix E `blake2b_selftest`: unkeyed and keyed hashes over 4 output and 6
    /// input lengths, all fed into a BLAKE2b-256 "grand hash".
    @Test func rfc7693SelfTestBLAKE2b() throws {
        var grand = try BLAKE2b(outputByteCount: 32)
        for outlen in [20, 32, 48, 64] {
            for inlen in [0, 3, 128, 129, 255, 1024] {
                let input = Self.selftestSequence(count: inlen, seed: UInt32(inlen))
                grand.update(try BLAKE2b.hash(input, outputByteCount: outlen))
                let key = Self.selftestSequence(count: outlen, seed: UInt32(outlen))
                grand.update(try BLAKE2b.hash(input, outputByteCount: outlen, key: key))
            }
        }
        #expect(grand.finalize() == hexBytes("""
            C23A7800D98123BD10F506C61E29DA56 03D763B8BBAD2E737F5E765A7BCCD475
            """))
    }

    /// RFC 7693 Appendix E `blake2s_selftest`.
    @Test func rfc7693SelfTestBLAKE2s() throws {
        var grand = try BLAKE2s(outputByteCount: 32)
        for outlen in [16, 20, 28, 32] {
            for inlen in [0, 3, 64, 65, 255, 1024] {
                let input = Self.selftestSequence(count: inlen, seed: UInt32(inlen))
                grand.update(try BLAKE2s.hash(input, outputByteCount: outlen))
                let key = Self.selftestSequence(count: outlen, seed: UInt32(outlen))
                grand.update(try BLAKE2s.hash(input, outputByteCount: outlen, key: key))
            }
        }
        #expect(grand.finalize() == hexBytes("""
            6A411F08CE25ADCDFB02ABA641451CEC 53C598B24F4FC787FBDC88797F4C1DFE
            """))
    }

    @Test func incrementalEqualsOneShot() throws {
        let message = Self.selftestSequence(count: 1000, seed: 7)
        var b = try BLAKE2b(outputByteCount: 32, key: [1, 2, 3] as [UInt8])
        b.update(message[..<333])
        let snapshot = b.finalize()
        b.update(message[333...])
        #expect(b.finalize() == (try BLAKE2b.hash(message, outputByteCount: 32, key: [1, 2, 3] as [UInt8])))
        #expect(snapshot == (try BLAKE2b.hash(message[..<333], outputByteCount: 32, key: [1, 2, 3] as [UInt8])))
        var s = try BLAKE2s()
        s.update(message[..<1])
        s.update(message[1...])
        #expect(s.finalize() == (try BLAKE2s.hash(message)))
    }

    @Test func invalidLengthsAreTypedErrors() {
        #expect(throws: CryptoError.invalidOutputSize(allowed: 1...64, actual: 0)) { try BLAKE2b.hash([UInt8](), outputByteCount: 0) }
        #expect(throws: CryptoError.invalidOutputSize(allowed: 1...64, actual: 65)) { try BLAKE2b(outputByteCount: 65) }
        #expect(throws: CryptoError.keyTooLong(maximum: 64, actual: 65)) {
            try BLAKE2b.hash([UInt8](), key: [UInt8](repeating: 0, count: 65))
        }
        #expect(throws: CryptoError.invalidOutputSize(allowed: 1...32, actual: 33)) { try BLAKE2s.hash([UInt8](), outputByteCount: 33) }
        #expect(throws: CryptoError.invalidOutputSize(allowed: 1...32, actual: -1)) { try BLAKE2s(outputByteCount: -1) }
        #expect(throws: CryptoError.keyTooLong(maximum: 32, actual: 33)) {
            try BLAKE2s(key: [UInt8](repeating: 0, count: 33))
        }
    }
}
