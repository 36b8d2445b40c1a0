import Testing
@testable import KoriumCrypto

/// AES-256-GCM vectors from "The Galois/Counter Mode of Operation (GCM)", McGrew & Viega
/// (the NIST submission), Appendix B, Test Cases 13, 14 and 16; the same values are checked
/// against OpenSSL by Vectors/generators when helper `vectors` adds them.
@Suite(.enabled(if: AES256GCM.isAvailable, "needs AES-NI"))
struct AES256GCMTests {
    @Test func testCase13EmptyMessage() throws {
        let cipher = try AES256GCM(key: [UInt8](repeating: 0, count: 32))
        let sealed = try cipher.seal([UInt8](), nonce: [UInt8](repeating: 0, count: 12))
        #expect(hexString(sealed) == "530f8afbc74536b9a963b4f1c4cb738b")
    }

    @Test func testCase14() throws {
        let cipher = try AES256GCM(key: [UInt8](repeating: 0, count: 32))
        let sealed = try cipher.seal([UInt8](repeating: 0, count: 16), nonce: [UInt8](repeating: 0, count: 12))
        #expect(hexString(sealed) == "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")
    }

    static let key16 = hexBytes("feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
    static let iv16 = hexBytes("cafebabefacedbaddecaf888")
    static let plaintext16 = hexBytes("""
        d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b39
        """)
    static let aad16 = hexBytes("feedfacedeadbeeffeedfacedeadbeef abaddad2")
    static let ciphertext16 = hexBytes("""
        522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
        8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662
        """)
    static let tag16 = hexBytes("76fc6ece0f4e1768cddf8853bb2d551b")

    @Test func testCase16WithAAD() throws {
        let cipher = try AES256GCM(key: Self.key16)
        #expect(try cipher.seal(Self.plaintext16, nonce: Self.iv16, aad: Self.aad16) == Self.ciphertext16 + Self.tag16)
        var message = Self.ciphertext16
        try message.withUnsafeMutableBytes { m in
            try Self.tag16.withUnsafeBytes { t in
                try Self.iv16.withUnsafeBytes { n in
                    try Self.aad16.withUnsafeBytes { a in try cipher.openInPlace(m, tag: t, nonce: n, aad: a) }
                }
            }
        }
        #expect(message == Self.plaintext16)
    }

    @Test func tamperingAndMalformedArguments() throws {
        let cipher = try AES256GCM(key: Self.key16)
        let sealed = Self.ciphertext16 + Self.tag16
        for index in [0, 30, sealed.count - 16, sealed.count - 1] {
            var bad = sealed
            bad[index] ^= 0x40
            #expect(throws: CryptoError.authenticationFailed) { try cipher.open(bad, nonce: Self.iv16, aad: Self.aad16) }
        }
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(sealed, nonce: Self.iv16, aad: Self.aad16.dropLast()) }
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 16)) {
            try AES256GCM(key: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CryptoError.invalidNonceSize(expected: 12, actual: 16)) {
            try cipher.seal([UInt8](), nonce: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CryptoError.bufferSize(needed: 16, available: 3)) {
            try cipher.open([1, 2, 3] as [UInt8], nonce: Self.iv16)
        }
    }
}
