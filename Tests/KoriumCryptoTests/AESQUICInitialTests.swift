import Foundation
import Testing

import KoriumCrypto

/// End-to-end QUIC Initial packet protection with AES-128-GCM and AES header protection:
/// RFC 9001 App. A.2 (client Initial, 1,162-byte payload) and A.3 (server Initial), from
/// `Vectors/quic/packet-protection-rfc9001.json` (transcribed from the RFC). The packet layer
/// does not exist yet, so the few lines of §5.3/§5.4 framing live in this test.
@Suite struct AESQUICInitialTests {
    static func aesCases() throws -> [[String: Any]] {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Vectors/quic/packet-protection-rfc9001.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let tests = (object as? [String: Any])?["tests"] as? [[String: Any]] ?? []
        return tests.filter { ($0["aead"] as? String) == "AES-128-GCM" }
    }

    /// RFC 9001 §5.3: the nonce is the IV XOR the packet number, left-padded to 12 bytes.
    static func nonce(iv: [UInt8], packetNumber: UInt64) -> [UInt8] {
        var nonce = iv
        for i in 0..<8 { nonce[11 - i] ^= UInt8(truncatingIfNeeded: packetNumber >> (8 * UInt64(i))) }
        return nonce
    }

    @Test("RFC 9001 App. A.2/A.3: protect and unprotect the Initial packets")
    func initialPackets() throws {
        let cases = try Self.aesCases()
        #expect(cases.count == 2)
        for t in cases {
            let key = hexBytes(t["key"] as! String), iv = hexBytes(t["iv"] as! String)
            let hp = try AESHeaderProtection(key: hexBytes(t["hp"] as! String))
            let header = hexBytes(t["header"] as! String)
            let payload = hexBytes(t["payload"] as! String)
            let expected = hexBytes(t["packet"] as! String)
            let pnLength = t["packetNumberLength"] as! Int
            let packetNumber = UInt64(t["packetNumber"] as! Int)
            let aead = try AES128GCM(key: key)
            let nonce = Self.nonce(iv: iv, packetNumber: packetNumber)

            // §5.3: AEAD over the payload with the unprotected header as associated data.
            var packet = header + (try aead.seal(payload, nonce: nonce, aad: header))
            // §5.4.2: the sample starts 4 bytes after the start of the packet number field.
            let pnOffset = header.count - pnLength
            let mask = packet[(pnOffset + 4)..<(pnOffset + 20)].withUnsafeBytes { hp.mask(sample: $0) }
            let m = [mask.0, mask.1, mask.2, mask.3, mask.4]
            // §5.4.1: long headers mask the low 4 bits of the first byte.
            packet[0] ^= m[0] & 0x0F
            for i in 0..<pnLength { packet[pnOffset + i] ^= m[1 + i] }
            #expect(hexString(packet) == hexString(expected))

            // Receiver side: recompute the mask from the protected packet, strip it, open.
            var received = expected
            let rmask = received[(pnOffset + 4)..<(pnOffset + 20)].withUnsafeBytes { hp.mask(sample: $0) }
            let r = [rmask.0, rmask.1, rmask.2, rmask.3, rmask.4]
            received[0] ^= r[0] & 0x0F
            for i in 0..<pnLength { received[pnOffset + i] ^= r[1 + i] }
            #expect(Array(received[..<header.count]) == header)
            let opened = try aead.open(received[header.count...], nonce: nonce, aad: header)
            #expect(opened == payload)
        }
    }
}
