import KoriumCrypto
import KoriumQUIC
import Testing

@Suite("Address validation tokens (RFC 9000 §8.1)")
struct AddressValidationTokenTests {
    let key: AddressValidationTokenKey = {
        do { return try AddressValidationTokenKey(key: SecureBytes([UInt8](repeating: 3, count: 32))) } catch {
            preconditionFailure("key")
        }
    }()
    let address: [UInt8] = [127, 0, 0, 1, 0x11, 0x51]

    @Test("a Retry token carries the connection IDs and validates only from its address, kind and lifetime")
    func retryToken() throws {
        let odcid = ConnectionID(hex: "8394c8f03e515708"), rscid = ConnectionID(hex: "f067a5502a4262b5")
        let token = try key.issue(kind: .retry, address: address, now: at(1000), originalDestinationConnectionID: odcid,
                                  retrySourceConnectionID: rscid, nonce: [UInt8](repeating: 9, count: 12))
        #expect(token.count <= AddressValidationTokenKey.maximumTokenByteCount)
        let contents = token.withUnsafeBytes { key.validate($0, kind: .retry, address: address, now: at(2000), lifetime: .seconds(10)) }
        #expect(contents?.originalDestinationConnectionID == odcid)
        #expect(contents?.retrySourceConnectionID == rscid)
        #expect(contents?.issuedAt == at(1000))
        #expect(token.withUnsafeBytes { key.validate($0, kind: .retry, address: [127, 0, 0, 2, 0x11, 0x51], now: at(2000), lifetime: .seconds(10)) } == nil)
        #expect(token.withUnsafeBytes { key.validate($0, kind: .newToken, address: address, now: at(2000), lifetime: .seconds(10)) } == nil)
        #expect(token.withUnsafeBytes { key.validate($0, kind: .retry, address: address, now: at(20_000), lifetime: .seconds(10)) } == nil)
        for i in 0..<token.count {
            var tampered = token
            tampered[i] ^= 0x01
            #expect(tampered.withUnsafeBytes { key.validate($0, kind: .retry, address: address, now: at(2000), lifetime: .seconds(10)) } == nil)
        }
        let otherKey = try AddressValidationTokenKey(key: SecureBytes([UInt8](repeating: 4, count: 32)))
        #expect(token.withUnsafeBytes { otherKey.validate($0, kind: .retry, address: address, now: at(2000), lifetime: .seconds(10)) } == nil)
    }

    @Test("arbitrary tokens never validate and never trap")
    func garbage() {
        var rng = SeededGenerator(seed: 81)
        for _ in 0..<2000 {
            let token = rng.bytes(Int.random(in: 0...100, using: &rng))
            #expect(token.withUnsafeBytes { key.validate($0, kind: .retry, address: address, now: at(0), lifetime: .seconds(10)) } == nil)
        }
    }
}
