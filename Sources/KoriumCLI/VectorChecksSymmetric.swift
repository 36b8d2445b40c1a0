import KoriumCrypto

extension VectorChecks {
    /// RFC 8439 §2.4 ChaCha20: `ct` = `msg` XOR keystream(`key`, `iv`, block `counter`).
    static let chacha20: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let key = try test.hex("key"), iv = try test.hex("iv"), msg = try test.hex("msg"), ct = try test.hex("ct")
        guard let counter = UInt32(exactly: try test.int("counter")) else { throw .malformed("counter is not 32-bit") }
        do {
            let ours = try ChaCha20(key: key).xor(msg, nonce: iv, counter: counter)
            return ours == ct ? .accepted : .rejected("output \(Hex.encode(ours))")
        } catch {
            return .rejected("\(error)")
        }
    }

    /// BLAKE2b / BLAKE2s: `digest` (its length is the output length) of `msg` under the optional
    /// `key`, one-shot and incremental.
    static func blake2(
        oneShot: @escaping @Sendable ([UInt8], Int, [UInt8]) throws(CryptoError) -> [UInt8],
        split: @escaping @Sendable ([UInt8], Int, [UInt8]) throws(CryptoError) -> [UInt8]
    ) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let msg = try test.hex("msg"), digest = try test.hex("digest")
            let key = try test.optionalHex("key") ?? []
            do {
                let ours = try oneShot(msg, digest.count, key)
                guard try split(msg, digest.count, key) == ours else { return .rejected("incremental digest differs") }
                return ours == digest ? .accepted : .rejected("digest \(Hex.encode(ours))")
            } catch {
                return .rejected("\(error)")
            }
        }
    }

    static let blake2b = blake2(
        oneShot: { (m, n, k) throws(CryptoError) in try BLAKE2b.hash(m, outputByteCount: n, key: k) },
        split: { (m, n, k) throws(CryptoError) in
            var state = try BLAKE2b(outputByteCount: n, key: k)
            state.update(m[..<(m.count / 2)])
            state.update(m[(m.count / 2)...])
            return state.finalize()
        })

    static let blake2s = blake2(
        oneShot: { (m, n, k) throws(CryptoError) in try BLAKE2s.hash(m, outputByteCount: n, key: k) },
        split: { (m, n, k) throws(CryptoError) in
            var state = try BLAKE2s(outputByteCount: n, key: k)
            state.update(m[..<(m.count / 2)])
            state.update(m[(m.count / 2)...])
            return state.finalize()
        })

    /// AES-256-GCM is libsodium's, which needs AES-NI: skipped (and counted) on other CPUs.
    static let aes256GCM: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        guard AES256GCM.isAvailable else { throw .skipped("AES-256-GCM unavailable on this CPU") }
        return try aead(AES256GCM.self)(test)
    }
}
