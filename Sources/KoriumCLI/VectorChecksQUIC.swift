import KoriumCrypto
import KoriumQUIC
import KoriumTLS

extension VectorChecks {
    /// RFC 9001 §5.3–§5.4 whole-packet protection: unprotected header + payload sealed in place
    /// must equal `packet`, and opening `packet` must give back header, packet number and payload.
    static let quicPacketProtection: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let suite: CipherSuite
        switch VectorDispatch.normalize(try test.string("aead")) {
        case "AES128GCM": suite = .aes128GCMSHA256
        case "AES256GCM": suite = .aes256GCMSHA384
        case "CHACHA20POLY1305": suite = .chacha20Poly1305SHA256
        case let other: throw .skipped("no QUIC packet protection for \(other)")
        }
        let header = try test.hex("header"), payload = try test.hex("payload"), expected = try test.hex("packet")
        let pnLength = try test.int("packetNumberLength")
        guard let packetNumber = UInt64(exactly: try test.int("packetNumber")), (1...4).contains(pnLength),
              header.count > pnLength
        else { throw .malformed("bad packet number fields") }
        let keys: PacketKeys
        do {
            keys = PacketKeys(
                packet: try PacketKey(suite: suite, key: try test.hex("key"), iv: try test.hex("iv")),
                header: try HeaderKey(suite: suite, key: try test.hex("hp")))
        } catch let issue as VectorCaseIssue { throw issue } catch { return .rejected("key refused: \(error)") }
        let pnOffset = header.count - pnLength
        let layout = PacketLayout(packetStart: 0, lengthOffset: nil, packetNumberOffset: pnOffset, packetNumberLength: pnLength)
        var sealed = header + payload + [UInt8](repeating: 0, count: PacketCipher.tagByteCount)
        guard sealed.count >= pnOffset + 4 + headerProtectionSampleByteCount else {
            return .rejected("packet too short for a header-protection sample")
        }
        let sealError: CryptoError? = sealed.withUnsafeMutableBytes { raw in
            do throws(CryptoError) {
                try PacketProtection.seal(raw, layout: layout, packetNumber: packetNumber, keys: keys)
                return nil
            } catch { return error }
        }
        if let sealError { return .rejected("seal failed: \(sealError)") }
        guard sealed == expected else { return .rejected("sealed packet is \(Hex.encode(sealed))") }
        var opened = expected
        let result: Result<(header: UnprotectedHeader, payload: Range<Int>), PacketOpenError> = opened.withUnsafeMutableBytes { raw in
            do throws(PacketOpenError) {
                return .success(try PacketProtection.open(
                    raw, packetNumberOffset: pnOffset, largestReceived: packetNumber == 0 ? nil : packetNumber - 1, keys: keys))
            } catch { return .failure(error) }
        }
        switch result {
        case .failure(let error): return .rejected("open failed: \(error)")
        case .success(let (unprotected, range)):
            guard unprotected.packetNumber == packetNumber, Array(opened[..<unprotected.payloadOffset]) == header,
                  Array(opened[range]) == payload
            else { return .rejected("opened packet differs") }
            return .accepted
        }
    }
}
