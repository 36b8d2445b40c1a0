import Testing
@testable import KoriumCrypto

@Suite struct Ed25519Tests {
    struct Case: Sendable {
        let secretKey: String
        let publicKey: String
        let message: String
        let signature: String
    }

    /// RFC 8032 §7.1, TEST 1–3.
    static let cases: [Case] = [
        Case(
            secretKey: "9d61b19deffd5a60ba844af492ec2cc4 4449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a 0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: """
                e5564300c360ac729086e2cc806e828a 84877f1eb8e5d974d873e06522490155
                5fb8821590a33bacc61e39701cf9b46b d25bf5f0595bbe24655141438e7a100b
                """),
        Case(
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f 5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc 9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: """
                92a009a9f0d4cab8720e820b5f642540 a2b27b5416503f8fb3762223ebdb69da
                085ac1e43e15996e458f3613d0f11d8c 387b2eaeb4302aeeb00d291612bb0c00
                """),
        Case(
            secretKey: "c5aa8df43f9f837bedb7442f31dcb7b1 66d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f058 0816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: """
                6291d657deec24024827e69c3abe01a3 0ce548a284743a445e3680d7db5ac3ac
                18ff9b538d16f290ae67f760984dc659 4a7c15e9716ed28dc027beceea1ec40a
                """),
    ]

    @Test(arguments: cases)
    func rfc8032Section7_1(_ c: Case) throws {
        let key = try Ed25519.PrivateKey(seed: hexBytes(c.secretKey))
        #expect(key.publicKey.rawRepresentation == hexBytes(c.publicKey))
        #expect(Array(key.seed) == hexBytes(c.secretKey))
        let signature = key.signature(for: hexBytes(c.message))
        #expect(signature == hexBytes(c.signature))
        let publicKey = try Ed25519.PublicKey(rawRepresentation: hexBytes(c.publicKey))
        #expect(publicKey == key.publicKey)
        #expect(publicKey.isValidSignature(signature, for: hexBytes(c.message)))
        try publicKey.verify(signature, for: hexBytes(c.message))
    }

    @Test func tamperedMessageOrSignatureFails() throws {
        let c = Self.cases[2]
        let publicKey = try Ed25519.PublicKey(rawRepresentation: hexBytes(c.publicKey))
        let signature = hexBytes(c.signature)
        #expect(!publicKey.isValidSignature(signature, for: hexBytes("af83")))
        #expect(!publicKey.isValidSignature(signature, for: [UInt8]()))
        for index in [0, 31, 32, 63] {
            var bad = signature
            bad[index] ^= 0x01
            #expect(!publicKey.isValidSignature(bad, for: hexBytes(c.message)))
        }
        let other = try Ed25519.PublicKey(rawRepresentation: hexBytes(Self.cases[0].publicKey))
        #expect(!other.isValidSignature(signature, for: hexBytes(c.message)))
        #expect(throws: CryptoError.invalidSignature) { try other.verify(signature, for: hexBytes(c.message)) }
    }

    /// Signatures of the wrong length are invalid, never a trap.
    @Test(arguments: [0, 1, 63, 65, 128])
    func badSignatureLength(length: Int) throws {
        let publicKey = try Ed25519.PublicKey(rawRepresentation: hexBytes(Self.cases[0].publicKey))
        #expect(!publicKey.isValidSignature([UInt8](repeating: 0, count: length), for: [UInt8]()))
        #expect(throws: CryptoError.invalidSignature) {
            try publicKey.verify([UInt8](repeating: 0, count: length), for: [UInt8]())
        }
    }

    /// RFC 8032 §5.1.7 / §8.4 malleability: S' = S + L encodes the same group element but is not
    /// canonical (S' ≥ L); strict verification must reject it.
    @Test func nonCanonicalSIsRejected() throws {
        let c = Self.cases[1]
        let publicKey = try Ed25519.PublicKey(rawRepresentation: hexBytes(c.publicKey))
        var signature = hexBytes(c.signature)
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
        let order = hexBytes("edd3f55c1a631258d69cf7a2def9de14 00000000000000000000000000000010")
        var carry: UInt16 = 0
        for i in 0..<32 {
            let sum = UInt16(signature[32 + i]) + UInt16(order[i]) + carry
            signature[32 + i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        #expect(carry == 0)
        #expect(!publicKey.isValidSignature(signature, for: hexBytes(c.message)))
    }

    /// Small-order and non-canonical public keys are refused at import.
    @Test(arguments: [
        "0100000000000000000000000000000000000000000000000000000000000000",  // identity (order 1)
        "0000000000000000000000000000000000000000000000000000000000000000",  // y = 0 (order 4)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = -1 (order 2)
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p + 1: non-canonical
        "0200000000000000000000000000000000000000000000000000000000000000",  // y = 2: not on the curve
    ])
    func badPublicKeyIsRejected(encoding: String) {
        #expect(throws: CryptoError.invalidPublicKey) { try Ed25519.PublicKey(rawRepresentation: hexBytes(encoding)) }
    }

    @Test func wrongLengthsAreTypedErrors() {
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 64)) {
            try Ed25519.PrivateKey(seed: [UInt8](repeating: 0, count: 64))
        }
        #expect(throws: CryptoError.invalidKeySize(expected: 32, actual: 31)) {
            try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test func generatedKeySignsAndVerifies() throws {
        let key = Ed25519.PrivateKey.generate()
        let message = SecureRandom.bytes(100)
        let signature = key.signature(for: message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        let reimported = try Ed25519.PublicKey(rawRepresentation: key.publicKey.rawRepresentation)
        #expect(reimported.isValidSignature(signature, for: message))
        #expect(try Ed25519.PrivateKey(seed: key.seed).publicKey == key.publicKey)
    }
}
