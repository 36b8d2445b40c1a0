import Testing
@testable import KoriumCrypto

@Suite struct SecureBytesTests {
    @Test func storesAndComparesInConstantTime() {
        let a = SecureBytes([1, 2, 3] as [UInt8])
        let b = SecureBytes([1, 2, 3] as [UInt8])
        let c = SecureBytes([1, 2, 4] as [UInt8])
        #expect(a == b)
        #expect(a != c)
        #expect(a != SecureBytes([1, 2] as [UInt8]))
        #expect(Array(a) == [1, 2, 3])
        #expect(a.count == 3)
        #expect(SecureBytes([UInt8]()).isEmpty)
        #expect(SecureBytes([UInt8]()) == SecureBytes([UInt8]()))
    }

    @Test func descriptionIsRedacted() {
        let secret = SecureBytes([0xde, 0xad, 0xbe, 0xef] as [UInt8])
        #expect(secret.description == "SecureBytes(4 bytes)")
        #expect(!"\(secret)".contains("de"))
    }

    @Test func randomAndInitializer() throws {
        let r1 = SecureBytes(randomCount: 32)
        let r2 = SecureBytes(randomCount: 32)
        #expect(r1.count == 32 && r1 != r2)
        let filled = SecureBytes(count: 4) { (buffer: UnsafeMutableRawBufferPointer) in
            for i in 0..<4 { buffer[i] = UInt8(i + 10) }
        }
        #expect(Array(filled) == [10, 11, 12, 13])
        #expect(throws: CryptoError.invalidScalar) {
            _ = try SecureBytes(count: 4) { (_: UnsafeMutableRawBufferPointer) throws(CryptoError) in throw .invalidScalar }
        }
    }

    @Test func constantTimeEqualsAndRandom() {
        #expect(constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3, 4] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 0] as [UInt8]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(constantTimeEquals([9, 8] as [UInt8], ([7, 9, 8] as [UInt8])[1...]))
        let r = SecureRandom.bytes(64)
        #expect(r.count == 64 && r != SecureRandom.bytes(64))
        #expect(SecureRandom.bytes(0).isEmpty)
        for _ in 0..<100 { #expect(SecureRandom.uniform(10) < 10) }
    }
}
