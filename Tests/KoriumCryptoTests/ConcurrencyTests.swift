import Testing
@testable import KoriumCrypto

/// The `Sendable` types are shared across tasks without locks (their state is read-only after
/// init, see the `@unchecked Sendable` justifications); results must match a serial run.
@Suite struct ConcurrencyTests {
    @Test func sharedCiphersAcrossTasks() async throws {
        let chacha = try ChaCha20Poly1305(key: [UInt8](repeating: 1, count: 32))
        let aes: AES256GCM? = AES256GCM.isAvailable ? try AES256GCM(key: [UInt8](repeating: 2, count: 32)) : nil
        let hp = try ChaCha20HeaderProtection(key: [UInt8](repeating: 3, count: 32))
        func work(_ i: Int) throws(CryptoError) -> [UInt8] {
            let nonce = [UInt8](repeating: UInt8(i), count: 12)
            let message = [UInt8](repeating: UInt8(i &* 7 & 0xff), count: 100 + i)
            var out = try chacha.seal(message, nonce: nonce, aad: [UInt8(i)])
            if let aes { out += try aes.seal(message, nonce: nonce) }
            let mask = out[0..<16].withUnsafeBytes { hp.mask(sample: $0) }
            out += [mask.0, mask.1, mask.2, mask.3, mask.4]
            return out
        }
        let serial = try (0..<64).map { i throws(CryptoError) in try work(i) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for i in 0..<64 { group.addTask { (i, try work(i)) } }
            var results = [[UInt8]](repeating: [], count: 64)
            for try await (i, bytes) in group { results[i] = bytes }
            return results
        }
        #expect(parallel == serial)
    }
}
