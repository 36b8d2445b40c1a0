import Testing
@testable import KoriumCrypto

/// FIPS 180-4 / NIST CSVS example "abc" digests (FIPS 180-2 Appendix B.1, C.1, D.1).
@Suite struct SHA2Tests {
    let abc: [UInt8] = Array("abc".utf8)

    @Test func sha256Abc() {
        #expect(hexString(SHA256.hash(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha384Abc() {
        #expect(hexString(SHA384.hash(abc)) ==
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
    }

    @Test func sha512Abc() {
        #expect(hexString(SHA512.hash(abc)) ==
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    /// FIPS 180-2 Appendix B.2 (SHA-256, 448-bit message) and C.2 / D.2 (SHA-512 / SHA-384,
    /// 896-bit message): multi-block messages, so padding spills into a second block.
    @Test func multiBlockMessages() {
        let m256 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let m512 = Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
            + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)
        #expect(hexString(SHA256.hash(m256)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hexString(SHA384.hash(m512)) ==
            "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")
        #expect(hexString(SHA512.hash(m512)) ==
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
    }

    /// Incremental updates in odd-sized pieces equal the one-shot digest, and finalize does not
    /// disturb the running state (transcript-hash snapshots rely on that).
    @Test func incrementalAndSnapshot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        func check<H: HashFunction>(_: H.Type) {
            var state = H()
            var offset = 0
            var step = 1
            while offset < message.count {
                let end = min(message.count, offset + step)
                state.update(message[offset..<end])
                offset = end
                step = step % 97 + 7
            }
            #expect(state.finalize() == H.hash(message))
            #expect(state.finalize() == state.finalize())
            var copy = H()
            copy.update(message[..<500])
            let snap = copy
            copy.update(message[500...])
            #expect(snap.finalize() == H.hash(message[..<500]))
            #expect(copy.finalize() == H.hash(message))
        }
        check(SHA256.self)
        check(SHA384.self)
        check(SHA512.self)
    }

    @Test func emptyInput() {
        #expect(hexString(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA384.hash([UInt8]()).count == 48)
    }
}
