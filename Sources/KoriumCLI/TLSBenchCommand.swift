import ArgumentParser
import Foundation
import KoriumCrypto
import KoriumTLS

/// `korium tls-bench`: in-process TLS 1.3 handshakes per second (client + server, no network)
/// with the cost split into Ed25519, X25519 and the rest, and certificate parse+verify rates.
/// Build with `-c release`; results go to BENCHMARKS.md.
struct TLSBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls-bench", abstract: "Measure TLS handshakes and certificate verification (release build).")

    @Option(help: "Handshakes to run.") var handshakes = 2000
    @Option(help: "Certificate verifications to run.") var certificates = 20000

    func run() throws {
        let now: Int64 = 1_800_000_000
        let serverKey = Ed25519.PrivateKey.generate(), clientKey = Ed25519.PrivateKey.generate()
        func selfSigned(_ key: Ed25519.PrivateKey) -> [UInt8] {
            CertificateBuilder.leaf(commonName: nil, names: [.dns("bench.example")], notBefore: now - 60, notAfter: now + 3600)
                .selfSigned(key: key).der
        }
        let serverCert = selfSigned(serverKey), clientCert = selfSigned(clientKey)
        var serverConfig = TLSConfiguration(privateKey: serverKey, certificateChain: [serverCert],
                                            peerVerification: .selfSigned(expectedKey: nil), alpnProtocols: [Array("korium".utf8)])
        serverConfig.clientAuthentication = .required
        let clientConfig = TLSConfiguration(privateKey: clientKey, certificateChain: [clientCert],
                                            peerVerification: .selfSigned(expectedKey: serverKey.publicKey.rawRepresentation),
                                            alpnProtocols: [Array("korium".utf8)])
        let tp = [UInt8](repeating: 1, count: 64)
        // First contact: every certificate verified in full (no cache). Repeat contact: the
        // configurations' `VerifiedCertificateCache` already holds the peer's certificate.
        var coldServer = serverConfig, coldClient = clientConfig
        coldServer.verifiedCertificates = nil
        coldClient.verifiedCertificates = nil

        func oneHandshake(_ clientConfig: TLSConfiguration, _ serverConfig: TLSConfiguration) throws {
            var client = TLSSession(client: clientConfig, transportParameters: tp, now: now)
            var server = TLSSession(server: serverConfig, transportParameters: tp, now: now)
            var cLevel = EncryptionLevel.initial, sLevel = EncryptionLevel.initial
            for _ in 0..<4 {
                var progressed = false
                while true {
                    var buf: [UInt8] = []
                    let change = client.writeHandshake(into: &buf)
                    if !buf.isEmpty { try server.readHandshake(level: cLevel, bytes: buf); progressed = true }
                    guard let change else { break }
                    cLevel = change.level
                }
                while true {
                    var buf: [UInt8] = []
                    let change = server.writeHandshake(into: &buf)
                    if !buf.isEmpty { try client.readHandshake(level: sLevel, bytes: buf); progressed = true }
                    guard let change else { break }
                    sLevel = change.level
                }
                if !progressed { break }
            }
            guard client.isHandshakeComplete && server.isHandshakeComplete else { throw ValidationError("handshake did not complete") }
        }

        // Thread CPU time, not wall time: the machine is shared, and CPU time per operation is
        // what a handshake costs regardless of the other processes.
        func cpuNanoseconds() -> UInt64 {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        }
        func measure(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
            let start = cpuNanoseconds()
            for _ in 0..<n { try body() }
            return Double(cpuNanoseconds() - start) / Double(n)
        }

        for _ in 0..<50 { try oneHandshake(coldClient, coldServer) }  // warm-up
        let handshakeNs = try measure(handshakes) { try oneHandshake(coldClient, coldServer) }
        try oneHandshake(clientConfig, serverConfig)  // fills the caches
        let repeatNs = try measure(handshakes) { try oneHandshake(clientConfig, serverConfig) }

        // Primitive costs, counted per mutual-auth handshake: 2 Ed25519 signatures (server and
        // client CertificateVerify), 4 verifications and 2 key imports (2 self-signed certificates
        // + 2 CertificateVerify), 2 X25519 key generations and 2 shared-secret computations.
        let message = [UInt8](repeating: 7, count: 130)
        let signature = serverKey.signature(for: message)
        var sink = 0
        let signNs = measure(5000) { sink &+= Int(serverKey.signature(for: message)[0]) }
        let verifyNs = measure(5000) { sink &+= serverKey.publicKey.isValidSignature(signature, for: message) ? 1 : 0 }
        let rawKey = serverKey.publicKey.rawRepresentation
        // Importing a peer key validates it (canonical, on curve, prime-order subgroup).
        let importNs = try measure(5000) { sink &+= try Ed25519.PublicKey(rawRepresentation: rawKey).rawRepresentation.count }
        let peer = X25519.PrivateKey.generate().publicKey
        let keygenNs = measure(5000) { sink &+= Int(X25519.PrivateKey.generate().publicKey.rawRepresentation[0]) }
        let local = X25519.PrivateKey.generate()
        let dhNs = try measure(5000) { sink &+= Int(try local.sharedSecret(with: peer)[0]) }
        let ed25519Ns = 2 * signNs + 4 * verifyNs + 2 * importNs
        let x25519Ns = 2 * keygenNs + 2 * dhNs
        let restNs = handshakeNs - ed25519Ns - x25519Ns

        // Certificates: parse + self-signature check; parse + 2-level chain to an anchor.
        let caKey = Ed25519.PrivateKey.generate()
        let ca = CertificateBuilder.certificateAuthority(commonName: "Bench CA", notBefore: now - 60, notAfter: now + 3600).selfSigned(key: caKey)
        let leaf = CertificateBuilder.leaf(commonName: nil, names: [.uri("spiffe://bench.example/node")], notBefore: now - 60, notAfter: now + 3600)
            .signed(subjectPublicKey: clientKey.publicKey.rawRepresentation, issuer: ca, issuerKey: caKey)
        let parseNs = try measure(certificates) { sink &+= try Certificate(der: serverCert).publicKey.count }
        let selfSignedNs = try measure(certificates) {
            sink &+= try CertificateVerifier.verifySelfSigned(chain: [serverCert], expectedKey: nil, now: now).publicKey.count
        }
        let chainNs = try measure(certificates) {
            sink &+= try CertificateVerifier.verifyChain(chain: [leaf.der], trustAnchors: [ca], leafPolicy: .spiffe(trustDomain: nil), now: now).publicKey.count
        }

        func line(_ name: String, _ ns: Double) -> String {
            "| \(name) | \(String(format: "%.1f", ns / 1000)) µs | \(String(format: "%.0f", 1e9 / ns)) /s |"
        }
        print("| measurement (thread CPU time) | time | rate |")
        print("| --- | --- | --- |")
        print(line("full handshake, mutual Ed25519 auth (client+server), first contact", handshakeNs))
        print("| — Ed25519 (2 sign + 4 verify + 2 key imports) | \(String(format: "%.1f", ed25519Ns / 1000)) µs | \(String(format: "%.0f", 100 * ed25519Ns / handshakeNs)) % |")
        print("| — X25519 (2 keygen + 2 DH) | \(String(format: "%.1f", x25519Ns / 1000)) µs | \(String(format: "%.0f", 100 * x25519Ns / handshakeNs)) % |")
        print("| — rest (codec, transcript, HKDF, X.509, state) | \(String(format: "%.1f", restNs / 1000)) µs | \(String(format: "%.0f", 100 * restNs / handshakeNs)) % |")
        print(line("full handshake, repeat contact (peer certificates in the VerifiedCertificateCache)", repeatNs))
        print(line("certificate parse (DER → Certificate)", parseNs))
        print(line("certificate parse + self-signed verify", selfSignedNs))
        print(line("certificate parse + chain verify (leaf → CA anchor, SPIFFE)", chainNs))
        if sink == 42 { print("") }  // keeps the loops observable
    }
}
