import Foundation
import KoriumCrypto
import Testing

@testable import KoriumTLS

/// PEM, PKCS#8 and SubjectPublicKeyInfo against files the openssl CLI wrote
/// (`Vectors/generators/pem_vectors.sh` → `Vectors/pem/`).
@Suite struct PEMTests {
    static func vector(_ name: String) throws -> String {
        try String(contentsOf: ExternalTools.repoRoot.appendingPathComponent("Vectors/pem/\(name)"), encoding: .utf8)
    }

    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    static func keyJSON() throws -> (seed: [UInt8], publicKey: [UInt8]) {
        let data = try Data(contentsOf: ExternalTools.repoRoot.appendingPathComponent("Vectors/pem/key.expected"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        return (hex(try #require(object["seed"])), hex(try #require(object["publicKey"])))
    }

    @Test func opensslPrivateKeyLoadsWithTheSeedOpensslPrints() throws {
        let expected = try Self.keyJSON()
        let key = try PEM.ed25519PrivateKey(in: try Self.vector("key.pem"))
        #expect(key.seed.withUnsafeBytes { Array($0) } == expected.seed)
        #expect(key.publicKey.rawRepresentation == expected.publicKey)
    }

    @Test func privateKeyReEncodesToTheOpensslFileByteForByte() throws {
        let text = try Self.vector("key.pem")
        let key = try PEM.ed25519PrivateKey(in: text)
        #expect(PEM.encode(privateKey: key) == text)
    }

    @Test func opensslPublicKeyAndCertificateGiveTheSameKey() throws {
        let expected = try Self.keyJSON()
        let pubText = try Self.vector("pub.pem")
        #expect(try PEM.ed25519PublicKey(in: pubText) == expected.publicKey)
        #expect(PEM.encode(publicKey: expected.publicKey) == pubText)
        #expect(try PEM.ed25519PublicKey(in: try Self.vector("selfsigned.pem")) == expected.publicKey)
    }

    @Test func selfSignedOpensslCertificateVerifiesPinnedToItsKey() throws {
        let expected = try Self.keyJSON()
        let certs = try PEM.certificates(in: try Self.vector("selfsigned.pem"))
        #expect(certs.count == 1)
        #expect(certs[0].dnsNames == ["localhost"])
        _ = try CertificateVerifier.verifySelfSigned(chain: [certs[0].der], expectedKey: expected.publicKey, now: certs[0].notBefore + 1)
    }

    @Test func opensslChainVerifiesAgainstItsCA() throws {
        let chain = try PEM.certificates(in: try Self.vector("chain.pem"))
        let anchors = try PEM.certificates(in: try Self.vector("ca.pem"))
        #expect(chain.count == 2 && anchors.count == 1)
        #expect(chain[1] == anchors[0])
        let leafKey = try PEM.ed25519PrivateKey(in: try Self.vector("leaf.key.pem"))
        #expect(chain[0].publicKey == leafKey.publicKey.rawRepresentation)
        _ = try CertificateVerifier.verifyChain(chain: chain.map(\.der), trustAnchors: anchors, leafPolicy: .generic,
                                                now: chain[0].notBefore + 1)
    }

    @Test func version2KeyWithMatchingPublicKeyLoadsAndAMismatchIsRejected() throws {
        // RFC 5958 §2 v2 = the openssl v1 key with version 1 and [1] publicKey appended.
        let expected = try Self.keyJSON()
        let v1 = try #require(try PEM.decode(try Self.vector("key.pem")).first).der
        let seed = try DER.parse(try DER.parse(v1).sequence()[2].octetString()).octetString()
        func v2(publicKey: [UInt8]) -> [UInt8] {
            DER.sequence([
                DER.integer(1), DER.sequence([DER.objectIdentifier(.ed25519)]), DER.octetString(DER.octetString(seed)),
                DER.encode(tag: DER.Tag.contextPrimitive(1), content: [0] + publicKey),
            ])
        }
        #expect(try PKCS8.ed25519PrivateKey(der: v2(publicKey: expected.publicKey)).publicKey.rawRepresentation == expected.publicKey)
        var wrong = expected.publicKey
        wrong[0] ^= 1
        #expect(throws: PEMError.publicKeyMismatch) { try PKCS8.ed25519PrivateKey(der: v2(publicKey: wrong)) }
    }

    @Test func keysOfOtherAlgorithmsAreRejectedWithTheirOID() throws {
        let x25519 = DER.sequence([
            DER.integer(0), DER.sequence([DER.objectIdentifier(ObjectIdentifier(arcs: [1, 3, 101, 110]))]),
            DER.octetString(DER.octetString([UInt8](repeating: 7, count: 32))),
        ])
        #expect(throws: PEMError.unsupportedAlgorithm("1.3.101.110")) { try PKCS8.ed25519PrivateKey(der: x25519) }
        let withParameters = DER.sequence([
            DER.integer(0), DER.sequence([DER.objectIdentifier(.ed25519), DER.encode(tag: DER.Tag.null, content: [])]),
            DER.octetString(DER.octetString([UInt8](repeating: 7, count: 32))),
        ])
        #expect(throws: PEMError.self) { try PKCS8.ed25519PrivateKey(der: withParameters) }
        let shortSeed = DER.sequence([
            DER.integer(0), DER.sequence([DER.objectIdentifier(.ed25519)]),
            DER.octetString(DER.octetString([UInt8](repeating: 7, count: 31))),
        ])
        #expect(throws: PEMError.malformedKey("seed of 31 bytes")) { try PKCS8.ed25519PrivateKey(der: shortSeed) }
    }

    @Test func explanatoryTextAndCRLFAreAcceptedAroundBlocks() throws {
        let text = try Self.vector("key.pem")
        let decorated = "Subject: test\r\n" + text.replacingOccurrences(of: "\n", with: "\r\n") + "trailing words\n"
        #expect(try PEM.decode(decorated) == PEM.decode(text))
    }

    @Test func malformedTextGivesTypedErrors() {
        #expect(throws: PEMError.unterminatedBlock(label: "CERTIFICATE")) { try PEM.decode("-----BEGIN CERTIFICATE-----\nAAAA\n") }
        #expect(throws: PEMError.malformedBoundary) { try PEM.decode("-----BEGIN A-----\nAAAA\n-----END B-----\n") }
        #expect(throws: PEMError.malformedBoundary) { try PEM.decode("-----BEGIN A--\n") }
        #expect(throws: PEMError.malformedBoundary) { try PEM.decode("-----END A-----\n") }
        #expect(throws: PEMError.encapsulatedHeaders) {
            try PEM.decode("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n")
        }
        #expect(throws: PEMError.invalidBase64(offset: 2)) { try PEM.decode("-----BEGIN A-----\nAA*A\n-----END A-----\n") }
        // Non-canonical: unused bits set ("QR==" decodes to 0x41 with bits left over).
        #expect(throws: PEMError.self) { try PEM.decode("-----BEGIN A-----\nQR==\n-----END A-----\n") }
        #expect(throws: PEMError.self) { try PEM.decode("-----BEGIN A-----\nQQ=\n-----END A-----\n") }
        #expect(throws: PEMError.self) { try PEM.decode("-----BEGIN A-----\nQQ==QQ==\n-----END A-----\n") }
        #expect(throws: PEMError.missingBlock(expected: ["PRIVATE KEY"])) { try PEM.ed25519PrivateKey(in: "") }
        #expect(throws: PEMError.inputTooLarge(PEM.maxInputSize + 1)) {
            try PEM.decode([UInt8](repeating: 0x41, count: PEM.maxInputSize + 1))
        }
        let many = String(repeating: "-----BEGIN A-----\n-----END A-----\n", count: PEM.maxBlocks + 1)
        #expect(throws: PEMError.tooManyBlocks) { try PEM.decode(many) }
    }

    @Test func base64RoundTripsEveryLengthAndMatchesFoundation() throws {
        var bytes: [UInt8] = []
        for n in 0..<70 {
            let block = PEMBlock(label: "TEST", der: bytes)
            let text = PEM.encode(block)
            #expect(try PEM.decode(text) == [block])
            #expect(String(decoding: Base64.encode(bytes), as: UTF8.self) == Data(bytes).base64EncodedString())
            bytes.append(UInt8(truncatingIfNeeded: n &* 37 &+ 11))
        }
    }

    @Test func arbitraryBytesNeverTrap() {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        let alphabet = Array("-BEGIN END=+/:AQwz09\r\n ".utf8)
        for _ in 0..<2_000 {
            var text: [UInt8] = Array("-----BEGIN K-----\n".utf8)
            state = state &* 6_364_136_223_846_793_005 &+ 1
            for _ in 0..<Int(state >> 58) {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                text.append(alphabet[Int(state >> 59) % alphabet.count])
            }
            text += Array("\n-----END K-----\n".utf8)
            _ = try? PEM.decode(text)
        }
    }
}

/// The file-backed SSLKEYLOGFILE sink.
@Suite struct KeyLogFileTests {
    @Test func linesAreAppendedAndTheFileIsPrivate() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korium-keylog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try KeyLogFile(path: path)
        file.sink("CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11")
        file.append("SERVER_HANDSHAKE_TRAFFIC_SECRET 00 22")
        file.close()
        file.append("dropped after close")
        let again = try KeyLogFile(path: path)
        again.append("EXPORTER_SECRET 00 33")
        again.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8)
            == "CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11\nSERVER_HANDSHAKE_TRAFFIC_SECRET 00 22\nEXPORTER_SECRET 00 33\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func unopenablePathIsATypedError() {
        #expect(throws: KeyLogFileError.self) { try KeyLogFile(path: "/nonexistent-dir/keylog") }
    }

    @Test func aRealHandshakeLogsAllFiveSecretsPerSide() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korium-keylog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try KeyLogFile(path: path)
        let serverID = TestConfigs.selfSignedIdentity()
        var clientConfig = TestConfigs.p2p(expect: serverID.key.publicKey.rawRepresentation)
        clientConfig.keyLog = file.sink
        var serverConfig = TestConfigs.p2p(identity: serverID)
        serverConfig.keyLog = file.sink
        var pair = HandshakePair(client: clientConfig, server: serverConfig)
        #expect(pair.run() == .completed)
        file.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        for label in KeyLogLabel.allCases { #expect(lines.filter { $0.hasPrefix(label.rawValue + " ") }.count == 2) }
    }
}
