import KoriumCrypto

extension VectorChecks {
    /// The AES forward cipher (pure Swift, bitsliced) over `msg`, one or more whole blocks in
    /// ECB, must give `ct`; the key length picks AES-128 or AES-256 (others are skipped). Serves
    /// the one-block "AES-128" / "AES-256" files and the multi-block "AES-ECB" file.
    static let aesECB: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let key = try test.hex("key"), msg = try test.hex("msg"), ct = try test.hex("ct")
        guard key.count == 16 || key.count == 32 else { throw .skipped("AES-\(key.count * 8) key") }
        guard !msg.isEmpty, msg.count % 16 == 0 else { throw .malformed("msg is not whole blocks") }
        do {
            var ours: [UInt8] = []
            ours.reserveCapacity(msg.count)
            for start in stride(from: 0, to: msg.count, by: 16) {
                let block = msg[start..<(start + 16)]
                ours += key.count == 16
                    ? try AES128(key: key).encryptBlock(block) : try AES256(key: key).encryptBlock(block)
            }
            // The 4-lane batch path must agree with block-by-block encryption.
            var batch = msg
            let failure: CryptoError? = batch.withUnsafeMutableBytes { buffer in
                do throws(CryptoError) {
                    if key.count == 16 {
                        try AES128(key: key).encryptBlocks(UnsafeRawBufferPointer(buffer), into: buffer)
                    } else {
                        try AES256(key: key).encryptBlocks(UnsafeRawBufferPointer(buffer), into: buffer)
                    }
                    return nil
                } catch { return error }
            }
            if let failure { return .rejected("\(failure)") }
            guard batch == ours else { return .rejected("multi-block output differs") }
            return ours == ct ? .accepted : .rejected("output \(Hex.encode(ours))")
        } catch {
            return .rejected("\(error)")
        }
    }
}
