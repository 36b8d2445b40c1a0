import Testing

@testable import KoriumCrypto

/// One GCM known-answer case (hex fields).
struct GCMCase: Sendable, CustomTestStringConvertible {
    let name: String
    let key: String
    let iv: String
    let aad: String
    let plaintext: String
    let ciphertext: String
    let tag: String
    var testDescription: String { name }
}

/// AES-GCM: McGrew–Viega known answers, tamper rejection, size checks, round trips.
@Suite struct AESGCMTests {
    static let p3 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let p4 = String(p3.prefix(120))
    static let aad4 = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
    static let k3 = "feffe9928665731c6d6a8f9467308308"
    static let iv3 = "cafebabefacedbaddecaf888"
    static let c3 =
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
    static let c15 =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    // D. McGrew, J. Viega, "The Galois/Counter Mode of Operation (GCM)", revised spec,
    // Appendix B, test cases 1–4 (AES-128) and 13–16 (AES-256). The spec is not in
    // /work/shared/specs; values transcribed from it and cross-checked against OpenSSL
    // (Python cryptography 48.0.0) before being committed. Cases 4 and 16 use the first 60
    // bytes of case 3's plaintext/ciphertext.
    static let aes128Cases: [GCMCase] = [
        GCMCase(
            name: "TC1", key: String(repeating: "00", count: 16), iv: String(repeating: "00", count: 12),
            aad: "", plaintext: "", ciphertext: "", tag: "58e2fccefa7e3061367f1d57a4e7455a"),
        GCMCase(
            name: "TC2", key: String(repeating: "00", count: 16), iv: String(repeating: "00", count: 12),
            aad: "", plaintext: String(repeating: "00", count: 16),
            ciphertext: "0388dace60b6a392f328c2b971b2fe78", tag: "ab6e47d42cec13bdf53a67b21257bddf"),
        GCMCase(
            name: "TC3", key: k3, iv: iv3, aad: "", plaintext: p3, ciphertext: c3,
            tag: "4d5c2af327cd64a62cf35abd2ba6fab4"),
        GCMCase(
            name: "TC4", key: k3, iv: iv3, aad: aad4, plaintext: p4, ciphertext: String(c3.prefix(120)),
            tag: "5bc94fbc3221a5db94fae95ae7121a47"),
    ]

    static let aes256Cases: [GCMCase] = [
        GCMCase(
            name: "TC13", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
            aad: "", plaintext: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        GCMCase(
            name: "TC14", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
            aad: "", plaintext: String(repeating: "00", count: 16),
            ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        GCMCase(
            name: "TC15", key: k3 + k3, iv: iv3, aad: "", plaintext: p3, ciphertext: c15,
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        GCMCase(
            name: "TC16", key: k3 + k3, iv: iv3, aad: aad4, plaintext: p4,
            ciphertext: String(c15.prefix(120)), tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    @Test("GCM spec test cases 1–4 (AES-128-GCM)", arguments: aes128Cases)
    func aes128GCMKnownAnswer(_ c: GCMCase) throws {
        let gcm = try AES128GCM(key: hexBytes(c.key))
        let sealed = try gcm.seal(hexBytes(c.plaintext), nonce: hexBytes(c.iv), aad: hexBytes(c.aad))
        #expect(hexString(sealed) == c.ciphertext + c.tag)
        let opened = try gcm.open(sealed, nonce: hexBytes(c.iv), aad: hexBytes(c.aad))
        #expect(hexString(opened) == c.plaintext)
    }

    @Test("GCM spec test cases 13–16 (AES-256-GCM engine)", arguments: aes256Cases)
    func aes256GCMKnownAnswer(_ c: GCMCase) throws {
        var message = hexBytes(c.plaintext)
        var tag = [UInt8](repeating: 0, count: 16)
        let engine = hexBytes(c.key).withUnsafeBytes { AESGCMEngine(key: $0) }
        try sealRaw(engine, &message, &tag, hexBytes(c.iv), hexBytes(c.aad))
        #expect(hexString(message) == c.ciphertext)
        #expect(hexString(tag) == c.tag)
        try openRaw(engine, &message, tag, hexBytes(c.iv), hexBytes(c.aad))
        #expect(hexString(message) == c.plaintext)
    }

    /// Tamper cases: flipping any one bit of ciphertext, tag or AAD must fail, and the
    /// message buffer must still hold the ciphertext (no unauthenticated plaintext released).
    @Test("flipped ciphertext, tag or AAD bit → authenticationFailed, buffer untouched")
    func tamperRejected() throws {
        let gcm = try AES128GCM(key: hexBytes(Self.k3))
        let nonce = hexBytes(Self.iv3)
        let aad = hexBytes(Self.aad4)
        let plaintext = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let sealed = try gcm.seal(plaintext, nonce: nonce, aad: aad)
        let ciphertext = Array(sealed.prefix(100))
        let tag = Array(sealed.suffix(16))

        for bit in [0, 7, 8 * 47 + 3, 8 * 48, 8 * 64 + 5, 8 * 99 + 7] {
            var message = ciphertext
            message[bit / 8] ^= UInt8(1 << (bit % 8))
            let tampered = message
            #expect(throws: CryptoError.authenticationFailed) {
                try openArrays(gcm, &message, tag, nonce, aad)
            }
            #expect(message == tampered, "ciphertext bit \(bit): buffer changed")
        }
        for bit in [0, 63, 64, 127] {
            var badTag = tag
            badTag[bit / 8] ^= UInt8(1 << (bit % 8))
            var message = ciphertext
            #expect(throws: CryptoError.authenticationFailed) {
                try openArrays(gcm, &message, badTag, nonce, aad)
            }
            #expect(message == ciphertext)
        }
        for bit in [0, 8 * 19 + 7] {
            var badAAD = aad
            badAAD[bit / 8] ^= UInt8(1 << (bit % 8))
            var message = ciphertext
            #expect(throws: CryptoError.authenticationFailed) {
                try openArrays(gcm, &message, tag, nonce, badAAD)
            }
            #expect(message == ciphertext)
        }
        // Truncated AAD (a length change) and a wrong nonce also fail.
        var message = ciphertext
        #expect(throws: CryptoError.authenticationFailed) {
            try openArrays(gcm, &message, tag, nonce, Array(aad.dropLast()))
        }
        var otherNonce = nonce
        otherNonce[11] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            try openArrays(gcm, &message, tag, otherNonce, aad)
        }
        #expect(message == ciphertext)
        // The untampered input still opens.
        try openArrays(gcm, &message, tag, nonce, aad)
        #expect(message == plaintext)
    }

    @Test("nonce, tag and key size errors")
    func sizeErrors() throws {
        #expect(throws: CryptoError.invalidKeySize(expected: 16, actual: 32)) {
            try AES128GCM(key: [UInt8](repeating: 0, count: 32))
        }
        let gcm = try AES128GCM(key: [UInt8](repeating: 0, count: 16))
        #expect(throws: CryptoError.invalidNonceSize(expected: 12, actual: 8)) {
            try gcm.seal([1, 2, 3], nonce: [UInt8](repeating: 0, count: 8))
        }
        var message: [UInt8] = [1, 2, 3]
        #expect(throws: CryptoError.invalidTagSize) {
            try openArrays(gcm, &message, [UInt8](repeating: 0, count: 15), [UInt8](repeating: 0, count: 12), [])
        }
        #expect(throws: CryptoError.bufferSize(needed: 16, available: 15)) {
            try gcm.open([UInt8](repeating: 0, count: 15), nonce: [UInt8](repeating: 0, count: 12))
        }
    }

    @Test("seal/open round trip for every length 0–200 with and without AAD")
    func roundTripLengths() throws {
        let gcm = try AES128GCM(key: (0..<16).map { UInt8($0) })
        let nonce = (0..<12).map { UInt8($0 &* 3) }
        for length in 0...200 {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            let aad = length % 2 == 0 ? [] : [UInt8](repeating: 0xAA, count: length % 37)
            let sealed = try gcm.seal(plaintext, nonce: nonce, aad: aad)
            #expect(sealed.count == length + 16)
            #expect(try gcm.open(sealed, nonce: nonce, aad: aad) == plaintext)
        }
    }
}

/// In-place helpers over arrays for the tests.
func sealRaw(
    _ engine: AESGCMEngine, _ message: inout [UInt8], _ tag: inout [UInt8], _ nonce: [UInt8],
    _ aad: [UInt8]
) throws(CryptoError) {
    let result: CryptoError? = message.withUnsafeMutableBytes { m in
        tag.withUnsafeMutableBytes { t in
            nonce.withUnsafeBytes { n in
                aad.withUnsafeBytes { a in
                    do throws(CryptoError) {
                        try engine.seal(m, tag: t, nonce: n, aad: a)
                        return nil
                    } catch { return error }
                }
            }
        }
    }
    if let result { throw result }
}

func openRaw(
    _ engine: AESGCMEngine, _ message: inout [UInt8], _ tag: [UInt8], _ nonce: [UInt8],
    _ aad: [UInt8]
) throws(CryptoError) {
    try openWith(&message, tag, nonce, aad) { m, t, n, a throws(CryptoError) in
        try engine.open(m, tag: t, nonce: n, aad: a)
    }
}

/// Opens through the public `AEADCipher` entry point.
func openArrays(
    _ gcm: AES128GCM, _ message: inout [UInt8], _ tag: [UInt8], _ nonce: [UInt8], _ aad: [UInt8]
) throws(CryptoError) {
    try openWith(&message, tag, nonce, aad) { m, t, n, a throws(CryptoError) in
        try gcm.openInPlace(m, tag: t, nonce: n, aad: a)
    }
}

func openWith(
    _ message: inout [UInt8], _ tag: [UInt8], _ nonce: [UInt8], _ aad: [UInt8],
    _ body: (
        UnsafeMutableRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer,
        UnsafeRawBufferPointer
    ) throws(CryptoError) -> Void
) throws(CryptoError) {
    let result: CryptoError? = message.withUnsafeMutableBytes { m in
        tag.withUnsafeBytes { t in
            nonce.withUnsafeBytes { n in
                aad.withUnsafeBytes { a in
                    do throws(CryptoError) {
                        try body(m, t, n, a)
                        return nil
                    } catch { return error }
                }
            }
        }
    }
    if let result { throw result }
}
