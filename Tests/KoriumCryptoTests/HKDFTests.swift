import Testing
@testable import KoriumCrypto

@Suite struct HKDFTests {
    struct Case: Sendable {
        let ikm: String
        let salt: String
        let info: String
        let length: Int
        let prk: String
        let okm: String
    }

    /// RFC 5869 Appendix A.1–A.3 (test cases 1–3, SHA-256).
    static let cases: [Case] = [
        Case(
            ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", salt: "000102030405060708090a0b0c",
            info: "f0f1f2f3f4f5f6f7f8f9", length: 42,
            prk: "077709362c2e32df0ddc3f0dc47bba63 90b6c73bb50f9c3122ec844ad7c2b3e5",
            okm: "3cb25f25faacd57a90434f64d0362f2a 2d2d0a90cf1a5a4c5db02d56ecc4c5bf 34007208d5b887185865"),
        Case(
            ikm: """
                000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f
                202122232425262728292a2b2c2d2e2f 303132333435363738393a3b3c3d3e3f
                404142434445464748494a4b4c4d4e4f
                """,
            salt: """
                606162636465666768696a6b6c6d6e6f 707172737475767778797a7b7c7d7e7f
                808182838485868788898a8b8c8d8e8f 909192939495969798999a9b9c9d9e9f
                a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
                """,
            info: """
                b0b1b2b3b4b5b6b7b8b9babbbcbdbebf c0c1c2c3c4c5c6c7c8c9cacbcccdcecf
                d0d1d2d3d4d5d6d7d8d9dadbdcdddedf e0e1e2e3e4e5e6e7e8e9eaebecedeeef
                f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
                """,
            length: 82,
            prk: "06a6b88c5853361a06104c9ceb35b45c ef760014904671014a193f40c15fc244",
            okm: """
                b11e398dc80327a1c8e7f78c596a4934 4f012eda2d4efad8a050cc4c19afa97c
                59045a99cac7827271cb41c65e590e09 da3275600c2f09b8367793a9aca3db71
                cc30c58179ec3e87c14c01d5c1f3434f 1d87
                """),
        Case(
            ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", salt: "", info: "", length: 42,
            prk: "19ef24a32c717b167f33a91d6f648bdf 96596776afdb6377ac434c1c293ccb04",
            okm: "8da4e775a563c18f715f802a063c5a31 b8a11f5c5ee1879ec3454e5f3c738d2d 9d201395faa4b61a96c8"),
    ]

    @Test(arguments: cases)
    func rfc5869(_ c: Case) throws {
        let prk = HKDF<SHA256>.extract(salt: hexBytes(c.salt), ikm: hexBytes(c.ikm))
        #expect(Array(prk) == hexBytes(c.prk))
        let okm = try HKDF<SHA256>.expand(prk: prk, info: hexBytes(c.info), outputByteCount: c.length)
        #expect(Array(okm) == hexBytes(c.okm))
    }

    /// RFC 9001 Appendix A.1: QUIC v1 Initial secrets for DCID 0x8394c8f03e515708.
    @Test func rfc9001InitialSecrets() throws {
        // RFC 9001 §5.2: initial_salt.
        let salt = hexBytes("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")
        let dcid = hexBytes("8394c8f03e515708")
        let initial = HKDF<SHA256>.extract(salt: salt, ikm: dcid)
        #expect(Array(initial) == hexBytes("7db5df06e7a69e432496adedb0085192 3595221596ae2ae9fb8115c1e9ed0a44"))

        typealias K = HKDF<SHA256>
        let client = try K.expandLabel(secret: initial, label: "client in", context: [UInt8](), outputByteCount: 32)
        #expect(Array(client) == hexBytes("c00cf151ca5be075ed0ebfb5c80323c4 2d6b7db67881289af4008f1f6c357aea"))
        #expect(Array(try K.expandLabel(secret: client, label: "quic key", context: [UInt8](), outputByteCount: 16))
            == hexBytes("1f369613dd76d5467730efcbe3b1a22d"))
        #expect(Array(try K.expandLabel(secret: client, label: "quic iv", context: [UInt8](), outputByteCount: 12))
            == hexBytes("fa044b2f42a3fd3b46fb255c"))
        #expect(Array(try K.expandLabel(secret: client, label: "quic hp", context: [UInt8](), outputByteCount: 16))
            == hexBytes("9f50449e04a0e810283a1e9933adedd2"))

        let server = try K.expandLabel(secret: initial, label: "server in", context: [UInt8](), outputByteCount: 32)
        #expect(Array(server) == hexBytes("3c199828fd139efd216c155ad844cc81 fb82fa8d7446fa7d78be803acdda951b"))
        #expect(Array(try K.expandLabel(secret: server, label: "quic key", context: [UInt8](), outputByteCount: 16))
            == hexBytes("cf3a5331653c364c88f0f379b6067e37"))
        #expect(Array(try K.expandLabel(secret: server, label: "quic iv", context: [UInt8](), outputByteCount: 12))
            == hexBytes("0ac1493ca1905853b0bba03e"))
        #expect(Array(try K.expandLabel(secret: server, label: "quic hp", context: [UInt8](), outputByteCount: 16))
            == hexBytes("c206b8d9b9f0f37644430b490eeaa314"))
    }

    /// deriveSecret is expandLabel with the hash length and the transcript hash as context.
    @Test func deriveSecretMatchesExpandLabel() throws {
        let secret = SecureBytes([UInt8](repeating: 7, count: 48))
        let transcript = SHA384.hash(Array("ClientHello".utf8))
        let derived = try HKDF<SHA384>.deriveSecret(secret: secret, label: "c hs traffic", transcriptHash: transcript)
        let expanded = try HKDF<SHA384>.expandLabel(
            secret: secret, label: "c hs traffic", context: transcript, outputByteCount: 48)
        #expect(derived == expanded)
        #expect(derived.count == 48)
    }

    @Test func outputCapIsEnforced() throws {
        let prk = [UInt8](repeating: 1, count: 32)
        #expect(try HKDF<SHA256>.expand(prk: prk, info: [UInt8](), outputByteCount: 255 * 32).count == 255 * 32)
        #expect(throws: CryptoError.outputTooLong) {
            try HKDF<SHA256>.expand(prk: prk, info: [UInt8](), outputByteCount: 255 * 32 + 1)
        }
        #expect(throws: CryptoError.invalidOutputSize(allowed: 0...(255 * 32), actual: -1)) {
            try HKDF<SHA256>.expand(prk: prk, info: [UInt8](), outputByteCount: -1)
        }
        #expect(throws: CryptoError.outputTooLong) {
            try HKDF<SHA384>.expandLabel(secret: [UInt8](repeating: 1, count: 48), label: "x", context: [UInt8](),
                                         outputByteCount: 255 * 48 + 1)
        }
    }

    @Test func shortPRKAndBadLabelsAreRejected() {
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 31)) {
            try HKDF<SHA256>.expand(prk: [UInt8](repeating: 1, count: 31), info: [UInt8](), outputByteCount: 16)
        }
        let secret = [UInt8](repeating: 1, count: 32)
        #expect(throws: CryptoError.invalidLabel) {
            try HKDF<SHA256>.expandLabel(secret: secret, label: "", context: [UInt8](), outputByteCount: 16)
        }
        #expect(throws: CryptoError.invalidLabel) {
            try HKDF<SHA256>.expandLabel(
                secret: secret, label: String(repeating: "a", count: 250), context: [UInt8](), outputByteCount: 16)
        }
        #expect(throws: CryptoError.invalidLabel) {
            try HKDF<SHA256>.expandLabel(
                secret: secret, label: "key", context: [UInt8](repeating: 0, count: 256), outputByteCount: 16)
        }
    }
}
