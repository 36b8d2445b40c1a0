import Testing
@testable import KoriumCrypto

@Suite struct ChaCha20Poly1305Tests {
    /// RFC 8439 §2.8.2: seal, via the convenience and in place.
    @Test func rfc8439Section2_8_2() throws {
        let cipher = try ChaCha20Poly1305(key: RFC8439.aeadKey)
        let sealed = try cipher.seal(RFC8439.sunscreen, nonce: RFC8439.aeadNonce, aad: RFC8439.aeadAAD)
        #expect(sealed == RFC8439.aeadCiphertext + RFC8439.aeadTag)

        var message = RFC8439.sunscreen
        var tag = [UInt8](repeating: 0, count: 16)
        try message.withUnsafeMutableBytes { m in
            try tag.withUnsafeMutableBytes { t in
                try RFC8439.aeadNonce.withUnsafeBytes { n in
                    try RFC8439.aeadAAD.withUnsafeBytes { a in
                        try cipher.sealInPlace(m, tag: t, nonce: n, aad: a)
                    }
                }
            }
        }
        #expect(message == RFC8439.aeadCiphertext)
        #expect(tag == RFC8439.aeadTag)
        #expect(try cipher.open(sealed, nonce: RFC8439.aeadNonce, aad: RFC8439.aeadAAD) == RFC8439.sunscreen)
    }

    /// RFC 8439 Appendix A.5: decryption of a received message, in place.
    @Test func rfc8439AppendixA5() throws {
        let cipher = try ChaCha20Poly1305(key: RFC8439.a5Key)
        var message = RFC8439.a5Ciphertext
        try message.withUnsafeMutableBytes { m in
            try RFC8439.a5Tag.withUnsafeBytes { t in
                try RFC8439.a5Nonce.withUnsafeBytes { n in
                    try RFC8439.a5AAD.withUnsafeBytes { a in
                        try cipher.openInPlace(m, tag: t, nonce: n, aad: a)
                    }
                }
            }
        }
        #expect(message == RFC8439.a5Plaintext)
    }

    @Test func tamperingIsDetected() throws {
        let cipher = try ChaCha20Poly1305(key: RFC8439.aeadKey)
        let sealed = RFC8439.aeadCiphertext + RFC8439.aeadTag
        for index in [0, 57, RFC8439.aeadCiphertext.count, sealed.count - 1] {
            var bad = sealed
            bad[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed) {
                try cipher.open(bad, nonce: RFC8439.aeadNonce, aad: RFC8439.aeadAAD)
            }
        }
        var badAAD = RFC8439.aeadAAD
        badAAD[3] ^= 0x80
        #expect(throws: CryptoError.authenticationFailed) {
            try cipher.open(sealed, nonce: RFC8439.aeadNonce, aad: badAAD)
        }
        var badNonce = RFC8439.aeadNonce
        badNonce[11] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            try cipher.open(sealed, nonce: badNonce, aad: RFC8439.aeadAAD)
        }
        let otherKey = try ChaCha20Poly1305(key: [UInt8](repeating: 9, count: 32))
        #expect(throws: CryptoError.authenticationFailed) {
            try otherKey.open(sealed, nonce: RFC8439.aeadNonce, aad: RFC8439.aeadAAD)
        }
    }

    @Test func malformedArgumentsAreTypedErrors() throws {
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 31)) {
            try ChaCha20Poly1305(key: [UInt8](repeating: 0, count: 31))
        }
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 0)) { try ChaCha20Poly1305(key: [UInt8]()) }
        let cipher = try ChaCha20Poly1305(key: RFC8439.aeadKey)
        #expect(throws: CryptoError.invalidNonceSize(expected: 12, actual: 8)) {
            try cipher.seal([1, 2, 3] as [UInt8], nonce: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: CryptoError.invalidNonceSize(expected: 12, actual: 13)) {
            try cipher.open([UInt8](repeating: 0, count: 20), nonce: [UInt8](repeating: 0, count: 13))
        }
        #expect(throws: CryptoError.bufferSize(needed: 16, available: 15)) {
            try cipher.open([UInt8](repeating: 0, count: 15), nonce: RFC8439.aeadNonce)
        }
        var message = [UInt8](repeating: 0, count: 10)
        var shortTag = [UInt8](repeating: 0, count: 15)
        #expect(throws: CryptoError.invalidTagSize) {
            try message.withUnsafeMutableBytes { m in
                try shortTag.withUnsafeMutableBytes { t in
                    try RFC8439.aeadNonce.withUnsafeBytes { n in
                        try cipher.sealInPlace(m, tag: t, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0))
                    }
                }
            }
        }
        #expect(throws: CryptoError.invalidTagSize) {
            try message.withUnsafeMutableBytes { m in
                try shortTag.withUnsafeBytes { t in
                    try RFC8439.aeadNonce.withUnsafeBytes { n in
                        try cipher.openInPlace(m, tag: t, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0))
                    }
                }
            }
        }
    }

    /// Empty message and empty AAD (nil base addresses) round-trip and still authenticate.
    @Test func emptyMessageAndAAD() throws {
        let cipher = try ChaCha20Poly1305(key: RFC8439.aeadKey)
        let sealed = try cipher.seal([UInt8](), nonce: RFC8439.aeadNonce)
        #expect(sealed.count == 16)
        #expect(try cipher.open(sealed, nonce: RFC8439.aeadNonce).isEmpty)
        var bad = sealed
        bad[0] ^= 1
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(bad, nonce: RFC8439.aeadNonce) }
    }
}
