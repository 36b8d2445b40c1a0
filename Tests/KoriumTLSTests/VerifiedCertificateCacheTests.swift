import KoriumCrypto
import Testing

@testable import KoriumTLS

/// A cached self-signed certificate must fail exactly where a full verification fails.
@Suite struct VerifiedCertificateCacheTests {
    static func certificate(key: Ed25519.PrivateKey, notBefore: Int64 = 1000, notAfter: Int64 = 2000) -> [UInt8] {
        CertificateBuilder.leaf(commonName: "n", names: [.uri("spiffe://example.org/node/a")], notBefore: notBefore, notAfter: notAfter)
            .selfSigned(key: key).der
    }

    @Test func secondVerificationIsAHitWithTheSameIdentity() throws {
        let key = Ed25519.PrivateKey.generate()
        let der = Self.certificate(key: key)
        let cache = VerifiedCertificateCache()
        let first = try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 1500, cache: cache)
        let second = try CertificateVerifier.verifySelfSigned(
            chain: [der], expectedKey: key.publicKey.rawRepresentation, now: 1600, cache: cache)
        #expect(cache.statistics == (hits: 1, misses: 1))
        #expect(first == second)
        #expect(second.publicKey == key.publicKey.rawRepresentation)
        #expect(second.spiffeID?.description == "spiffe://example.org/node/a")
        #expect(second.importedKey == key.publicKey)
    }

    @Test func hitsStillCheckValidityAndExpectedKey() throws {
        let key = Ed25519.PrivateKey.generate()
        let der = Self.certificate(key: key)
        let cache = VerifiedCertificateCache()
        _ = try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 1500, cache: cache)
        #expect(throws: X509Error.expired) { try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 2001, cache: cache) }
        #expect(throws: X509Error.expired) { try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 999, cache: cache) }
        #expect(throws: X509Error.unexpectedKey) {
            try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: [UInt8](repeating: 1, count: 32), now: 1500, cache: cache)
        }
        #expect(cache.statistics.hits == 3)
    }

    @Test func failuresAreNeverCached() throws {
        let key = Ed25519.PrivateKey.generate()
        var tampered = Self.certificate(key: key)
        tampered[tampered.count - 1] ^= 1  // last signature byte
        let cache = VerifiedCertificateCache()
        for _ in 0..<2 {
            #expect(throws: X509Error.badSignature) {
                try CertificateVerifier.verifySelfSigned(chain: [tampered], expectedKey: nil, now: 1500, cache: cache)
            }
        }
        // Expired at first sight: not cached either, so a later `now` inside the window verifies in full.
        let der = Self.certificate(key: key)
        #expect(throws: X509Error.expired) { try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 3000, cache: cache) }
        #expect(cache.count == 0)
        #expect(cache.statistics == (hits: 0, misses: 3))
    }

    @Test func capacityEvictsTheOldestInsertion() throws {
        let cache = VerifiedCertificateCache(capacity: 2)
        let certificates = (0..<3).map { _ in Self.certificate(key: Ed25519.PrivateKey.generate()) }
        for der in certificates { _ = try CertificateVerifier.verifySelfSigned(chain: [der], expectedKey: nil, now: 1500, cache: cache) }
        #expect(cache.count == 2)
        #expect(cache.lookup(certificates[0]) == nil)
        #expect(cache.lookup(certificates[1]) != nil)
        #expect(cache.lookup(certificates[2]) != nil)
    }

    @Test func handshakesBetweenTheSamePeersShareTheCache() throws {
        // One client configuration (and its cache) dialling the same server twice: the second
        // handshake finds the server's certificate verified; a tampered certificate still fails.
        let server = TestConfigs.selfSignedIdentity()
        let clientConfig = TestConfigs.p2p(expect: server.key.publicKey.rawRepresentation)
        for _ in 0..<2 {
            var pair = HandshakePair(client: clientConfig, server: TestConfigs.p2p(identity: server))
            #expect(pair.run() == .completed)
            #expect(pair.client.session.peerIdentity?.publicKey == server.key.publicKey.rawRepresentation)
        }
        let cache = try #require(clientConfig.verifiedCertificates)
        #expect(cache.statistics == (hits: 1, misses: 1))
        var forged = server
        forged.cert[forged.cert.count - 1] ^= 1
        var pair = HandshakePair(client: clientConfig, server: TestConfigs.p2p(identity: forged))
        #expect(pair.run() == .clientFailed(.badCertificate))
    }
}
