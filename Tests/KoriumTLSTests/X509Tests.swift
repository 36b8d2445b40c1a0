import Foundation
import KoriumCrypto
import Testing

@testable import KoriumTLS

/// A small PKI for tests: root CA → intermediate CA → SPIFFE leaf, all Ed25519, valid around `now`.
struct TestPKI {
    let now: Int64
    let rootKey = Ed25519.PrivateKey.generate()
    let intermediateKey = Ed25519.PrivateKey.generate()
    let leafKey = Ed25519.PrivateKey.generate()
    let root: Certificate
    let intermediate: Certificate
    let leaf: Certificate

    init(now: Int64 = Int64(Date().timeIntervalSince1970),
         leafNames: [GeneralName] = [.uri("spiffe://example.org/workload/a"), .dns("node.example"), .ipAddress([127, 0, 0, 1])]) {
        self.now = now
        root = CertificateBuilder.certificateAuthority(
            commonName: "Korium Test Root", names: [.uri("spiffe://example.org")], notBefore: now - 3600, notAfter: now + 86_400 * 365
        ).selfSigned(key: rootKey)
        intermediate = CertificateBuilder.certificateAuthority(
            commonName: "Korium Test Intermediate", pathLength: 0, notBefore: now - 3600, notAfter: now + 86_400 * 30
        ).signed(subjectPublicKey: intermediateKey.publicKey.rawRepresentation, issuer: root, issuerKey: rootKey)
        leaf = CertificateBuilder.leaf(commonName: nil, names: leafNames, notBefore: now - 60, notAfter: now + 86_400)
            .signed(subjectPublicKey: leafKey.publicKey.rawRepresentation, issuer: intermediate, issuerKey: intermediateKey)
    }

    var chain: [[UInt8]] { [leaf.der, intermediate.der] }
}

@Suite struct X509GenerationTests {
    @Test func selfSignedRoundTrip() throws {
        let key = Ed25519.PrivateKey.generate()
        let cert = CertificateBuilder.leaf(commonName: "node", names: [.dns("node.example")], notBefore: 1_700_000_000, notAfter: 4_102_444_800)
            .selfSigned(key: key)
        let parsed = try Certificate(der: cert.der)
        #expect(parsed.publicKey == key.publicKey.rawRepresentation)
        #expect(parsed.isSelfSigned)
        #expect(parsed.subjectCommonName == "node")
        #expect(parsed.notBefore == 1_700_000_000)
        #expect(parsed.notAfter == 4_102_444_800)  // 2100-01-01: GeneralizedTime
        #expect(parsed.dnsNames == ["node.example"])
        #expect(parsed.keyUsage == [.digitalSignature])
        let id = try CertificateVerifier.verifySelfSigned(chain: [cert.der], expectedKey: key.publicKey.rawRepresentation, now: 1_800_000_000)
        #expect(id.publicKey == key.publicKey.rawRepresentation)
    }

    @Test func selfSignedRejectsWrongKeyTimeAndSignature() throws {
        let key = Ed25519.PrivateKey.generate()
        let cert = CertificateBuilder.leaf(commonName: "n", names: [], notBefore: 1000, notAfter: 2000).selfSigned(key: key)
        #expect(throws: X509Error.unexpectedKey) {
            try CertificateVerifier.verifySelfSigned(chain: [cert.der], expectedKey: [UInt8](repeating: 1, count: 32), now: 1500)
        }
        #expect(throws: X509Error.expired) { try CertificateVerifier.verifySelfSigned(chain: [cert.der], expectedKey: nil, now: 2001) }
        #expect(throws: X509Error.expired) { try CertificateVerifier.verifySelfSigned(chain: [cert.der], expectedKey: nil, now: 999) }
        var tampered = cert.der
        tampered[tampered.count - 1] ^= 1  // last signature byte
        #expect(throws: X509Error.badSignature) { try CertificateVerifier.verifySelfSigned(chain: [tampered], expectedKey: nil, now: 1500) }
    }

    @Test func chainVerifies() throws {
        let pki = TestPKI()
        let id = try CertificateVerifier.verifyChain(chain: pki.chain, trustAnchors: [pki.root],
                                                     leafPolicy: .spiffe(trustDomain: "example.org"), now: pki.now)
        #expect(id.publicKey == pki.leafKey.publicKey.rawRepresentation)
        #expect(id.spiffeID?.description == "spiffe://example.org/workload/a")
    }

    @Test func chainFailures() throws {
        let pki = TestPKI()
        let other = TestPKI()
        #expect(throws: X509Error.unknownIssuer) {
            try CertificateVerifier.verifyChain(chain: pki.chain, trustAnchors: [other.root], leafPolicy: .generic, now: pki.now)
        }
        #expect(throws: X509Error.unknownIssuer) {
            try CertificateVerifier.verifyChain(chain: [pki.leaf.der], trustAnchors: [pki.root], leafPolicy: .generic, now: pki.now)
        }
        #expect(throws: X509Error.expired) {
            try CertificateVerifier.verifyChain(chain: pki.chain, trustAnchors: [pki.root], leafPolicy: .generic, now: pki.now + 86_400 * 2)
        }
        #expect(throws: X509Error.spiffe("trust domain example.org is not other.org")) {
            try CertificateVerifier.verifyChain(chain: pki.chain, trustAnchors: [pki.root], leafPolicy: .spiffe(trustDomain: "other.org"), now: pki.now)
        }
        // A leaf used as an issuer: not a CA.
        let fakeKey = Ed25519.PrivateKey.generate()
        let fake = CertificateBuilder.leaf(commonName: "x", names: [.uri("spiffe://example.org/x")], notBefore: pki.now - 10, notAfter: pki.now + 10)
            .signed(subjectPublicKey: fakeKey.publicKey.rawRepresentation, issuer: pki.leaf, issuerKey: pki.leafKey)
        #expect(throws: X509Error.notAuthorized("issuer is not a CA")) {
            try CertificateVerifier.verifyChain(chain: [fake.der, pki.leaf.der, pki.intermediate.der], trustAnchors: [pki.root], leafPolicy: .generic, now: pki.now)
        }
    }

    @Test func spiffeLeafRules() throws {
        let twoURIs = TestPKI(leafNames: [.uri("spiffe://example.org/a"), .uri("spiffe://example.org/b")])
        #expect(throws: X509Error.spiffe("expected exactly one URI SAN, found 2")) {
            try CertificateVerifier.verifyChain(chain: twoURIs.chain, trustAnchors: [twoURIs.root], leafPolicy: .spiffe(trustDomain: nil), now: twoURIs.now)
        }
        let rootPath = TestPKI(leafNames: [.uri("spiffe://example.org")])
        #expect(throws: X509Error.spiffe("leaf SPIFFE ID must have a path")) {
            try CertificateVerifier.verifyChain(chain: rootPath.chain, trustAnchors: [rootPath.root], leafPolicy: .spiffe(trustDomain: nil), now: rootPath.now)
        }
        for bad in ["http://example.org/a", "spiffe://Example.org/a", "spiffe://example.org/a/", "spiffe://example.org//a",
                    "spiffe://example.org/./a", "spiffe://example.org/a?b", "spiffe:///a"] {
            #expect(throws: X509Error.self) { try SPIFFEID(bad) }
        }
        #expect(try SPIFFEID("spiffe://td.example_1/ns/prod/sa-1").path == "/ns/prod/sa-1")
    }
}

@Suite struct DERStrictnessTests {
    @Test func rejectsBERAndMalformedLengths() {
        #expect(throws: DERError.indefiniteLength) { try DER.parse([0x30, 0x80, 0x00, 0x00]) }
        #expect(throws: DERError.nonMinimalLength) { try DER.parse([0x04, 0x81, 0x05, 1, 2, 3, 4, 5]) }
        #expect(throws: DERError.nonMinimalLength) { try DER.parse([0x04, 0x82, 0x00, 0x80] + [UInt8](repeating: 0, count: 128)) }
        #expect(throws: DERError.truncated) { try DER.parse([0x04, 0x05, 1, 2]) }
        #expect(throws: DERError.truncated) { try DER.parse([0x04]) }
        #expect(throws: DERError.trailingBytes(1)) { try DER.parse([0x05, 0x00, 0x00]) }
        #expect(throws: DERError.unsupportedTag) { try DER.parse([0x1f, 0x81, 0x01, 0x00]) }
        #expect(throws: DERError.tooLarge(Int.max)) { try DER.parse([0x04, 0x85, 1, 0, 0, 0, 0]) }
        // A constructed element whose content is not a sequence of elements.
        #expect(throws: DERError.truncated) { try DER.parse([0x30, 0x02, 0x04, 0x05]) }
    }

    @Test func depthCap() {
        var bytes: [UInt8] = [0x05, 0x00]
        for _ in 0..<(DER.maxDepth + 1) { bytes = DER.sequence([bytes]) }
        #expect(throws: DERError.depthExceeded) { try DER.parse(bytes) }
        var ok: [UInt8] = [0x05, 0x00]
        for _ in 0..<(DER.maxDepth - 2) { ok = DER.sequence([ok]) }
        #expect((try? DER.parse(ok)) != nil)
    }

    @Test func primitiveStrictness() throws {
        #expect(throws: DERError.invalidValue("non-minimal INTEGER")) { try DER.parse([0x02, 0x02, 0x00, 0x01]).unsignedIntegerBytes() }
        #expect(throws: DERError.invalidValue("negative INTEGER")) { try DER.parse([0x02, 0x01, 0x80]).unsignedIntegerBytes() }
        #expect(throws: DERError.invalidValue("BOOLEAN")) { try DER.parse([0x01, 0x01, 0x01]).boolean() }
        #expect(throws: DERError.invalidValue("BIT STRING unused bits not zero")) { try DER.parse([0x03, 0x02, 0x01, 0x01]).bitString() }
        #expect(throws: DERError.invalidValue("time out of range")) {
            try DER.parse(DER.encode(tag: DER.Tag.utcTime, content: Array("230230000000Z".utf8))).time()
        }
        #expect(try DER.parse(DER.encode(tag: DER.Tag.utcTime, content: Array("700101000000Z".utf8))).time() == 0)
        #expect(try DER.parse(DER.encode(tag: DER.Tag.generalizedTime, content: Array("20240229235959Z".utf8))).time() == 1_709_251_199)
        #expect(ObjectIdentifier.ed25519.description == "1.3.101.112")
        #expect(ObjectIdentifier.ed25519.bytes == [0x2b, 0x65, 0x70])
    }

    @Test func certificateParserNeverTrapsOnMutations() {
        let pki = TestPKI()
        var rng = SystemRandomNumberGenerator()
        let base = pki.leaf.der
        for i in 0..<3000 {
            var m = base
            switch i % 3 {
            case 0: m[Int.random(in: 0..<m.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1: m = Array(m.prefix(Int.random(in: 0..<m.count, using: &rng)))
            default: m.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0..<m.count, using: &rng))
            }
            _ = try? Certificate(der: m)
        }
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<200, using: &rng)
            _ = try? Certificate(der: (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}

/// Cross-checks with OpenSSL (CLI) and Python `cryptography`: our certificates parse and
/// verify there, theirs parse and verify here.
@Suite struct X509InteropTests {
    @Test func ourCertificatesParseInOpenSSLAndCryptography() throws {
        let pki = TestPKI()
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        for (name, cert) in [("root", pki.root), ("inter", pki.intermediate), ("leaf", pki.leaf)] {
            try ExternalTools.pem(cert.der).write(to: dir.appendingPathComponent("\(name).pem"), atomically: true, encoding: .utf8)
            try Data(cert.der).write(to: dir.appendingPathComponent("\(name).der"))
        }
        let text = try ExternalTools.run("openssl", ["x509", "-in", dir.appendingPathComponent("leaf.pem").path, "-text", "-noout"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("ED25519"))
        #expect(text.stdout.contains("URI:spiffe://example.org/workload/a"))
        #expect(text.stdout.contains("DNS:node.example"))
        #expect(text.stdout.contains("IP Address:127.0.0.1"))
        #expect(text.stdout.contains("CA:FALSE"))

        let verify = try ExternalTools.run("openssl", [
            "verify", "-CAfile", dir.appendingPathComponent("root.pem").path,
            "-untrusted", dir.appendingPathComponent("inter.pem").path, dir.appendingPathComponent("leaf.pem").path,
        ])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains(": OK"))

        let python = try #require(ExternalTools.venvPython, "the project venv is missing: run `make setup`")
        let script = """
            import sys
            from cryptography import x509
            from cryptography.hazmat.primitives.asymmetric import ed25519
            d = sys.argv[1]
            root, inter, leaf = (x509.load_der_x509_certificate(open(f"{d}/{n}.der", "rb").read()) for n in ("root", "inter", "leaf"))
            for c in (root, inter, leaf):
                assert isinstance(c.public_key(), ed25519.Ed25519PublicKey)
                c.extensions  # forces parsing of every extension
            inter.verify_directly_issued_by(root)
            leaf.verify_directly_issued_by(inter)
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            print(san.get_values_for_type(x509.UniformResourceIdentifier)[0])
            """
        let out = try ExternalTools.run(python, ["-c", script, dir.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "spiffe://example.org/workload/a")
    }

    @Test func openSSLCertificatesVerifyInOurs() throws {
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        func openssl(_ args: [String]) throws {
            let r = try ExternalTools.run("openssl", args, cwd: dir)
            #expect(r.status == 0, "openssl \(args.joined(separator: " ")): \(r.stderr)")
        }
        try openssl(["genpkey", "-algorithm", "ed25519", "-out", "ca.key"])
        try openssl(["req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=Korium Test/CN=OpenSSL Root", "-days", "30",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-out", "ca.pem"])
        try openssl(["genpkey", "-algorithm", "ed25519", "-out", "leaf.key"])
        try openssl(["req", "-new", "-key", "leaf.key", "-subj", "/CN=leaf", "-out", "leaf.csr"])
        try """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth,clientAuth
            subjectAltName=critical,URI:spiffe://example.org/openssl/leaf,DNS:leaf.example
            """.write(to: dir.appendingPathComponent("leaf.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "10",
                     "-extfile", "leaf.ext", "-out", "leaf.pem"])
        // Also a self-signed end-entity certificate, as a p2p peer made by OpenSSL would send.
        try openssl(["req", "-x509", "-new", "-key", "leaf.key", "-subj", "/CN=p2p", "-days", "5", "-out", "selfsigned.pem"])

        let ca = try #require(ExternalTools.certificatesFromPEM(String(contentsOf: dir.appendingPathComponent("ca.pem"), encoding: .utf8)).first)
        let leaf = try #require(ExternalTools.certificatesFromPEM(String(contentsOf: dir.appendingPathComponent("leaf.pem"), encoding: .utf8)).first)
        let selfSigned = try #require(ExternalTools.certificatesFromPEM(String(contentsOf: dir.appendingPathComponent("selfsigned.pem"), encoding: .utf8)).first)
        let now = Int64(Date().timeIntervalSince1970)
        let anchor = try Certificate(der: ca)
        #expect(anchor.isSelfSigned)
        #expect(anchor.basicConstraints?.isCA == true)
        let id = try CertificateVerifier.verifyChain(chain: [leaf], trustAnchors: [anchor], leafPolicy: .spiffe(trustDomain: "example.org"), now: now)
        #expect(id.spiffeID?.path == "/openssl/leaf")
        let parsedLeaf = try Certificate(der: leaf)
        #expect(parsedLeaf.authorityKeyIdentifier == anchor.subjectKeyIdentifier)
        let seed = try #require(ExternalTools.ed25519SeedFromPEM(String(contentsOf: dir.appendingPathComponent("leaf.key"), encoding: .utf8)))
        let key = try Ed25519.PrivateKey(seed: seed)
        #expect(id.publicKey == key.publicKey.rawRepresentation)
        let p2p = try CertificateVerifier.verifySelfSigned(chain: [selfSigned], expectedKey: key.publicKey.rawRepresentation, now: now)
        #expect(p2p.publicKey == key.publicKey.rawRepresentation)
        #expect(throws: X509Error.expired) {
            try CertificateVerifier.verifyChain(chain: [leaf], trustAnchors: [anchor], leafPolicy: .generic, now: now + 86_400 * 11)
        }
    }
}
