import Testing
@testable import KoriumCrypto

@Suite struct ChaCha20Tests {
    static let keyStep: [UInt8] = (0..<32).map { UInt8($0) }

    /// RFC 8439 §2.4.2: key 00..1f, nonce 00000000 0000004a 00000000, initial counter 1.
    @Test func rfc8439Section2_4_2() throws {
        let cipher = try ChaCha20(key: Self.keyStep)
        let nonce = hexBytes("000000000000004a00000000")
        #expect(try cipher.xor(RFC8439.sunscreen, nonce: nonce, counter: 1) == RFC8439.sunscreenCiphertext)
        #expect(try cipher.xor(RFC8439.sunscreenCiphertext, nonce: nonce, counter: 1) == RFC8439.sunscreen)
    }

    /// RFC 8439 Appendix A.2, test vectors #1–#3 (counters 0, 1, 42).
    @Test func rfc8439AppendixA2() throws {
        let zeroKey = try ChaCha20(key: [UInt8](repeating: 0, count: 32))
        var keystream = [UInt8](repeating: 0xff, count: 64)
        try keystream.withUnsafeMutableBytes { out in
            try [UInt8](repeating: 0, count: 12).withUnsafeBytes { n in try zeroKey.keystream(into: out, nonce: n, counter: 0) }
        }
        #expect(keystream == RFC8439.a2Vector1Ciphertext)

        var key2 = [UInt8](repeating: 0, count: 32)
        key2[31] = 1
        let nonce2 = hexBytes("000000000000000000000002")
        #expect(try ChaCha20(key: key2).xor(RFC8439.a2Vector2Plaintext, nonce: nonce2, counter: 1)
            == RFC8439.a2Vector2Ciphertext)
        #expect(try ChaCha20(key: RFC8439.a2Vector3Key).xor(RFC8439.a2Vector3Plaintext, nonce: nonce2, counter: 42)
            == RFC8439.a2Vector3Ciphertext)
    }

    /// The 32-bit counter must not wrap (RFC 8439 §2.4); libsodium would abort, we throw.
    @Test func counterOverflowIsATypedError() throws {
        let cipher = try ChaCha20(key: Self.keyStep)
        let nonce = [UInt8](repeating: 0, count: 12)
        #expect(try cipher.xor([UInt8](repeating: 0, count: 64), nonce: nonce, counter: .max).count == 64)
        #expect(throws: CryptoError.messageTooLong(maximum: 64, actual: 65)) {
            try cipher.xor([UInt8](repeating: 0, count: 65), nonce: nonce, counter: .max)
        }
        #expect(throws: CryptoError.messageTooLong(maximum: 128, actual: 129)) {
            try cipher.xor([UInt8](repeating: 0, count: 129), nonce: nonce, counter: .max - 1)
        }
    }

    @Test func malformedArguments() throws {
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 16)) { try ChaCha20(key: [UInt8](repeating: 0, count: 16)) }
        let cipher = try ChaCha20(key: Self.keyStep)
        #expect(throws: CryptoError.invalidNonceSize(expected: 12, actual: 8)) {
            try cipher.xor([1] as [UInt8], nonce: [UInt8](repeating: 0, count: 8), counter: 0)
        }
        #expect(try cipher.xor([UInt8](), nonce: [UInt8](repeating: 0, count: 12), counter: 0).isEmpty)
    }
}

@Suite struct ChaCha20HeaderProtectionTests {
    /// RFC 9001 Appendix A.5 (ChaCha20-Poly1305 short header packet): hp key, sample and mask.
    @Test func rfc9001AppendixA5() throws {
        let hp = try ChaCha20HeaderProtection(
            key: hexBytes("25a282b9e82f06f21f488917a4fc8f1b 73573685608597d0efcb076b0ab7a7a4"))
        let sample = hexBytes("5e5cd55c41f69080575d7999c25a5bfb")
        let mask = sample.withUnsafeBytes { hp.mask(sample: $0) }
        #expect([mask.0, mask.1, mask.2, mask.3, mask.4] == hexBytes("aefefe7d03"))
    }

    /// RFC 9001 Appendix A.5 end to end: key schedule, AEAD and mask for the 21-byte packet.
    @Test func rfc9001AppendixA5Packet() throws {
        let secret = hexBytes("9ac312a7f877468ebe69422748ad00a1 5443f18203a07d6060f688f30f21632b")
        typealias K = HKDF<SHA256>
        let key = try K.expandLabel(secret: secret, label: "quic key", context: [UInt8](), outputByteCount: 32)
        let iv = try K.expandLabel(secret: secret, label: "quic iv", context: [UInt8](), outputByteCount: 12)
        let hpKey = try K.expandLabel(secret: secret, label: "quic hp", context: [UInt8](), outputByteCount: 32)
        #expect(Array(key) == hexBytes("c6d98ff3441c3fe1b2182094f69caa2e d4b716b65488960a7a984979fb23e1c8"))
        #expect(Array(iv) == hexBytes("e0459b3474bdd0e44a41c144"))
        #expect(Array(hpKey) == hexBytes("25a282b9e82f06f21f488917a4fc8f1b 73573685608597d0efcb076b0ab7a7a4"))
        // RFC 9001 §5.3: nonce = iv XOR left-padded packet number (654360564 = 0x27_00_bf_f4).
        var nonce = Array(iv)
        let pn: UInt64 = 654_360_564
        for i in 0..<8 { nonce[11 - i] ^= UInt8(truncatingIfNeeded: pn >> (8 * UInt64(i))) }
        #expect(nonce == hexBytes("e0459b3474bdd0e46d417eb0"))
        let sealed = try ChaCha20Poly1305(key: key).seal([0x01] as [UInt8], nonce: nonce, aad: hexBytes("4200bff4"))
        #expect(sealed == hexBytes("655e5cd55c41f69080575d7999c25a5bfb"))
        let hp = try ChaCha20HeaderProtection(key: hpKey)
        let sample = Array(sealed[1..<17])
        let mask = sample.withUnsafeBytes { hp.mask(sample: $0) }
        #expect([mask.0, mask.1, mask.2, mask.3, mask.4] == hexBytes("aefefe7d03"))
    }

    /// The mask is the keystream at counter = LE(sample[0..<4]), nonce = sample[4..<16].
    @Test func matchesRawKeystreamDefinition() throws {
        let key = (0..<32).map { UInt8($0 * 7 & 0xff) }
        let hp = try ChaCha20HeaderProtection(key: key)
        let sample: [UInt8] = [0xff, 0xff, 0xff, 0xff] + (0..<12).map { UInt8($0) }
        let mask = sample.withUnsafeBytes { hp.mask(sample: $0) }
        let expected = try ChaCha20(key: key).xor([UInt8](repeating: 0, count: 5), nonce: sample[4...], counter: .max)
        #expect([mask.0, mask.1, mask.2, mask.3, mask.4] == expected)
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 16)) {
            try ChaCha20HeaderProtection(key: [UInt8](repeating: 0, count: 16))
        }
    }
}
