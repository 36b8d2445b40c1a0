import Testing
@testable import KoriumCrypto

@Suite struct X25519Tests {
    /// RFC 7748 §5.2: the two single-call vectors (scalars are clamped, the u-coordinate's top
    /// bit is masked).
    @Test(arguments: [
        ("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        ("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
    ] as [(String, String, String)])
    func rfc7748Section5_2(scalar: String, u: String, output: String) throws {
        let key = try X25519.PrivateKey(rawRepresentation: hexBytes(scalar))
        let secret = try key.sharedSecret(with: X25519.PublicKey(rawRepresentation: hexBytes(u)))
        #expect(Array(secret) == hexBytes(output))
    }

    /// RFC 7748 §5.2 iterated vector: 1 and 1,000 iterations (1,000,000 is too slow for a unit test).
    @Test func rfc7748Section5_2Iterated() throws {
        var k = hexBytes("0900000000000000000000000000000000000000000000000000000000000000")
        var u = k
        for iteration in 1...1000 {
            let next = Array(try X25519.PrivateKey(rawRepresentation: k).sharedSecret(with: X25519.PublicKey(rawRepresentation: u)))
            u = k
            k = next
            if iteration == 1 {
                #expect(k == hexBytes("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"))
            }
        }
        #expect(k == hexBytes("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"))
    }

    /// RFC 7748 §6.1: Alice and Bob.
    @Test func rfc7748Section6_1() throws {
        let alice = try X25519.PrivateKey(rawRepresentation: hexBytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519.PrivateKey(rawRepresentation: hexBytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(alice.publicKey.rawRepresentation == hexBytes("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        #expect(bob.publicKey.rawRepresentation == hexBytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
        let k = hexBytes("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(Array(try alice.sharedSecret(with: bob.publicKey)) == k)
        #expect(Array(try bob.sharedSecret(with: alice.publicKey)) == k)
    }

    @Test func generatedKeysAgree() throws {
        let a = X25519.PrivateKey.generate()
        let b = X25519.PrivateKey()
        #expect(try a.sharedSecret(with: b.publicKey) == b.sharedSecret(with: a.publicKey))
        #expect(a.publicKey != b.publicKey)
    }

    /// RFC 7748 §6.1: small-order inputs give the all-zero secret, which must be rejected.
    @Test(arguments: [
        "0000000000000000000000000000000000000000000000000000000000000000",  // u = 0
        "0100000000000000000000000000000000000000000000000000000000000000",  // u = 1
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // u = p - 1
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // u = p (≡ 0)
    ])
    func smallOrderPeerIsRejected(u: String) throws {
        let key = X25519.PrivateKey.generate()
        #expect(throws: CryptoError.weakSharedSecret) {
            try key.sharedSecret(with: X25519.PublicKey(rawRepresentation: hexBytes(u)))
        }
    }

    @Test func wrongLengthsAreTypedErrors() {
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 31)) {
            try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 33)) {
            try X25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33))
        }
    }
}
