import Testing
@testable import KoriumCrypto

/// RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6: short key, "Jefe" key, and a
/// 131-byte key longer than the block that must be hashed first).
@Suite struct HMACTests {
    struct Case: Sendable {
        let key: [UInt8]
        let data: [UInt8]
        let sha256: String
        let sha384: String
        let sha512: String
    }

    static let cases: [Case] = [
        // RFC 4231 §4.2 Test Case 1
        Case(
            key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            sha256: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            sha384: "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            sha512: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        // RFC 4231 §4.3 Test Case 2
        Case(
            key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            sha256: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            sha384: "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            sha512: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        // RFC 4231 §4.7 Test Case 6
        Case(
            key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            sha256: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            sha384: "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
            sha512: "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
    ]

    @Test(arguments: cases)
    func rfc4231(_ c: Case) {
        #expect(hexString(HMAC<SHA256>.authenticate(key: c.key, message: c.data)) == c.sha256)
        #expect(hexString(HMAC<SHA384>.authenticate(key: c.key, message: c.data)) == c.sha384)
        #expect(hexString(HMAC<SHA512>.authenticate(key: c.key, message: c.data)) == c.sha512)
    }

    @Test func incrementalEqualsOneShotAndVerifies() {
        let c = Self.cases[1]
        var mac = HMAC<SHA384>(key: c.key)
        mac.update(c.data[..<7])
        mac.update(c.data[7...])
        let code = mac.finalize()
        #expect(hexString(code) == c.sha384)
        #expect(HMAC<SHA384>.isValidAuthenticationCode(code, authenticating: c.data, key: c.key))
        var tampered = code
        tampered[0] ^= 1
        #expect(!HMAC<SHA384>.isValidAuthenticationCode(tampered, authenticating: c.data, key: c.key))
        #expect(!HMAC<SHA384>.isValidAuthenticationCode(code.dropLast(), authenticating: c.data, key: c.key))
    }
}
