import Foundation
import KoriumCrypto
import Testing

@testable import KoriumTLS

/// A running `Tests/Interop/aioquic_tls_bridge.py` (aioquic's sans-IO TLS) talking over pipes.
final class AioquicBridge {
    enum Line: Equatable {
        case data(EncryptionLevel, [UInt8])
        case keylog(String)
        case alert(UInt8)
        case done(alpn: String, peerCertificateSHA256: String)
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var pending = Data()

    init(_ arguments: [String]) throws {
        let python = try #require(ExternalTools.venvPython, "the project venv is missing: run `make setup`")
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [ExternalTools.repoRoot.appendingPathComponent("Tests/Interop/aioquic_tls_bridge.py").path] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    var stderrText: String {
        String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
    }

    /// Lines up to the next `WAIT` (empty at EOF).
    func readUntilWait() -> [Line] {
        var lines: [Line] = []
        while true {
            if let nl = pending.firstIndex(of: 0x0a) {
                let text = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...nl)
                let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
                switch parts.first {
                case "WAIT": return lines
                case "DATA":
                    if let raw = Int(parts[1]), let level = EncryptionLevel(rawValue: raw) { lines.append(.data(level, hex(parts[2]))) }
                case "KEYLOG": lines.append(.keylog(String(text.dropFirst(7))))
                case "ALERT": lines.append(.alert(UInt8(parts[1]) ?? 0))
                case "DONE": lines.append(.done(alpn: parts[1], peerCertificateSHA256: parts.count > 2 ? parts[2] : "-"))
                default: break
                }
                continue
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return lines }
            pending.append(chunk)
        }
    }

    func send(_ flight: Flight) -> [Line] {
        input.fileHandleForWriting.write(Data("DATA \(flight.level.rawValue) \(hexString(flight.bytes))\n".utf8))
        return readUntilWait()
    }
}

/// The result of one interop run.
struct InteropResult {
    var ourAlert: TLSAlert?
    var theirAlert: UInt8?
    var theirDone: (alpn: String, peerCertificateSHA256: String)?
    var theirKeyLog: [String] = []
    var ourKeyLog: [String] = []
    var endpoint: Endpoint
}

/// Runs our session against the bridge until both are quiet.
func runInterop(_ endpoint: Endpoint, bridge: AioquicBridge, ourLog: KeyLogCollector) -> InteropResult {
    var result = InteropResult(endpoint: endpoint)
    var incoming = bridge.readUntilWait()
    for _ in 0..<16 {
        var gotData = false
        for line in incoming {
            switch line {
            case .data(let level, let bytes):
                gotData = true
                do { try result.endpoint.receive([Flight(level: level, bytes: bytes)]) } catch {
                    result.ourAlert = error.alert
                    result.ourKeyLog = ourLog.all
                    return result
                }
            case .keylog(let l): result.theirKeyLog.append(l)
            case .alert(let a): result.theirAlert = a
            case .done(let alpn, let fp): result.theirDone = (alpn, fp)
            }
        }
        if result.theirAlert != nil { break }
        let flights = result.endpoint.flush()
        if flights.isEmpty && !gotData { break }
        incoming = flights.flatMap { bridge.send($0) }
        if flights.isEmpty { incoming = [] }
    }
    result.ourKeyLog = ourLog.all
    return result
}

/// Our TLSSession against aioquic's TLS (an independent TLS 1.3 implementation on OpenSSL's
/// crypto), both roles, Ed25519 certificates, exchanging handshake bytes per epoch.
@Suite(.serialized) struct AioquicInteropTests {
    let now = Int64(Date().timeIntervalSince1970)

    /// Writes `chain` and `key` as PEM files and returns their paths.
    static func writeIdentity(_ dir: URL, name: String, chain: [[UInt8]], key: Ed25519.PrivateKey) throws -> (cert: String, key: String) {
        let certPath = dir.appendingPathComponent("\(name).pem").path
        let keyPath = dir.appendingPathComponent("\(name).key").path
        try chain.map(ExternalTools.pem).joined().write(toFile: certPath, atomically: true, encoding: .utf8)
        try ExternalTools.ed25519PKCS8PEM(seed: Array(key.seed)).write(toFile: keyPath, atomically: true, encoding: .utf8)
        return (certPath, keyPath)
    }

    static func sha256Hex(_ der: [UInt8]) -> String { hexString(SHA256.hash(der)) }

    @Test(arguments: [CipherSuite.chacha20Poly1305SHA256, .aes128GCMSHA256, .aes256GCMSHA384])
    func ourClientAgainstAioquicServer(suite: CipherSuite) throws {
        let pki = TestPKI(now: now)
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        let server = try Self.writeIdentity(dir, name: "server", chain: pki.chain, key: pki.leafKey)
        let bridge = try AioquicBridge(["--role", "server", "--cert", server.cert, "--key", server.key, "--transport-parameters", "0a0b0c"])
        let log = KeyLogCollector()
        var config = TLSConfiguration(privateKey: nil, certificateChain: [],
                                      peerVerification: .certificateAuthority(trustAnchors: [pki.root], leafPolicy: .spiffe(trustDomain: "example.org")),
                                      alpnProtocols: TestConfigs.alpn)
        config.cipherSuites = [suite]
        config.serverName = "node.example"
        config.keyLog = log.sink
        let client = Endpoint(session: TLSSession(client: config, transportParameters: [1, 2], now: now))
        let r = runInterop(client, bridge: bridge, ourLog: log)
        #expect(r.ourAlert == nil && r.theirAlert == nil, "\(bridge.stderrText)")
        #expect(r.endpoint.session.isHandshakeComplete)
        #expect(r.theirDone?.alpn == "korium")
        #expect(r.endpoint.session.cipherSuite == suite)
        #expect(r.endpoint.session.peerTransportParameters == [0x0a, 0x0b, 0x0c])
        #expect(r.endpoint.session.peerIdentity?.spiffeID?.description == "spiffe://example.org/workload/a")
        // Identical traffic secrets: aioquic's four lines equal ours (minus EXPORTER_SECRET).
        #expect(r.theirKeyLog.count == 4)
        #expect(Set(r.theirKeyLog) == Set(r.ourKeyLog.filter { !$0.hasPrefix("EXPORTER_SECRET") }))
    }

    @Test(arguments: ["CHACHA20_POLY1305_SHA256", "AES_128_GCM_SHA256", "AES_256_GCM_SHA384"])
    func aioquicClientAgainstOurServer(suite: String) throws {
        let pki = TestPKI(now: now)
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        let root = dir.appendingPathComponent("root.pem").path
        try ExternalTools.pem(pki.root.der).write(toFile: root, atomically: true, encoding: .utf8)
        let bridge = try AioquicBridge(["--role", "client", "--cafile", root, "--server-name", "node.example",
                                        "--cipher-suite", suite, "--transport-parameters", "0d0e"])
        let log = KeyLogCollector()
        var config = TLSConfiguration(privateKey: pki.leafKey, certificateChain: pki.chain,
                                      peerVerification: .selfSigned(expectedKey: nil), alpnProtocols: TestConfigs.alpn)
        config.keyLog = log.sink
        let server = Endpoint(session: TLSSession(server: config, transportParameters: [9], now: now))
        let r = runInterop(server, bridge: bridge, ourLog: log)
        #expect(r.ourAlert == nil && r.theirAlert == nil, "\(bridge.stderrText)")
        #expect(r.endpoint.session.isHandshakeComplete)
        #expect(r.theirDone?.alpn == "korium")
        #expect(r.theirDone?.peerCertificateSHA256 == Self.sha256Hex(pki.leaf.der))
        #expect(r.endpoint.session.cipherSuite?.description == "TLS_" + suite)
        #expect(r.endpoint.session.peerTransportParameters == [0x0d, 0x0e])
        #expect(r.theirKeyLog.count == 4)
        #expect(Set(r.theirKeyLog) == Set(r.ourKeyLog.filter { !$0.hasPrefix("EXPORTER_SECRET") }))
    }

    @Test func mutualTLSWithAioquicClient() throws {
        let pki = TestPKI(now: now)
        let clientPKI = TestPKI(now: now, leafNames: [.uri("spiffe://example.org/aioquic-client")])
        let stranger = TestPKI(now: now, leafNames: [.uri("spiffe://example.org/stranger")])
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        let root = dir.appendingPathComponent("root.pem").path
        try ExternalTools.pem(pki.root.der).write(toFile: root, atomically: true, encoding: .utf8)
        let good = try Self.writeIdentity(dir, name: "client", chain: clientPKI.chain, key: clientPKI.leafKey)
        let bad = try Self.writeIdentity(dir, name: "stranger", chain: stranger.chain, key: stranger.leafKey)

        var config = TLSConfiguration(privateKey: pki.leafKey, certificateChain: pki.chain,
                                      peerVerification: .certificateAuthority(trustAnchors: [clientPKI.root], leafPolicy: .spiffe(trustDomain: "example.org")),
                                      alpnProtocols: TestConfigs.alpn)
        config.clientAuthentication = .required

        // A trusted client certificate: accepted, identity = its SPIFFE ID.
        let b1 = try AioquicBridge(["--role", "client", "--cafile", root, "--server-name", "node.example", "--cert", good.cert, "--key", good.key])
        let r1 = runInterop(Endpoint(session: TLSSession(server: config, transportParameters: [1], now: now)), bridge: b1, ourLog: KeyLogCollector())
        #expect(r1.ourAlert == nil && r1.theirAlert == nil, "\(b1.stderrText)")
        #expect(r1.endpoint.session.isHandshakeComplete)
        #expect(r1.endpoint.session.peerIdentity?.spiffeID?.description == "spiffe://example.org/aioquic-client")
        #expect(r1.endpoint.session.peerIdentity?.publicKey == clientPKI.leafKey.publicKey.rawRepresentation)

        // A certificate from an untrusted CA → unknown_ca.
        let b2 = try AioquicBridge(["--role", "client", "--cafile", root, "--server-name", "node.example", "--cert", bad.cert, "--key", bad.key])
        let r2 = runInterop(Endpoint(session: TLSSession(server: config, transportParameters: [1], now: now)), bridge: b2, ourLog: KeyLogCollector())
        #expect(r2.ourAlert == .unknownCA)

        // No certificate → certificate_required.
        let b3 = try AioquicBridge(["--role", "client", "--cafile", root, "--server-name", "node.example"])
        let r3 = runInterop(Endpoint(session: TLSSession(server: config, transportParameters: [1], now: now)), bridge: b3, ourLog: KeyLogCollector())
        #expect(r3.ourAlert == .certificateRequired)
    }

    @Test func ourClientCertificateAcceptedByAioquicServer() throws {
        // aioquic's `_request_client_certificate` (test-only) server verifies our CertificateVerify
        // but not our chain; it reports the certificate it received.
        let identity = TestConfigs.selfSignedIdentity()
        let serverID = TestConfigs.selfSignedIdentity()
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        let now = Int64(Date().timeIntervalSince1970)
        let serverCert = CertificateBuilder.leaf(commonName: nil, names: [.dns("p2p.example")], notBefore: now - 60, notAfter: now + 3600)
            .selfSigned(key: serverID.key)
        let clientCert = CertificateBuilder.leaf(commonName: nil, names: [.dns("client.example")], notBefore: now - 60, notAfter: now + 3600)
            .selfSigned(key: identity.key)
        let server = try Self.writeIdentity(dir, name: "p2p", chain: [serverCert.der], key: serverID.key)
        let bridge = try AioquicBridge(["--role", "server", "--cert", server.cert, "--key", server.key, "--request-client-certificate"])
        // Peer-to-peer mode: our client pins the server's key.
        var config = TLSConfiguration(privateKey: identity.key, certificateChain: [clientCert.der],
                                      peerVerification: .selfSigned(expectedKey: serverID.key.publicKey.rawRepresentation),
                                      alpnProtocols: TestConfigs.alpn)
        config.serverName = "p2p.example"
        let r = runInterop(Endpoint(session: TLSSession(client: config, transportParameters: [1], now: now)), bridge: bridge, ourLog: KeyLogCollector())
        #expect(r.ourAlert == nil && r.theirAlert == nil, "\(bridge.stderrText)")
        #expect(r.endpoint.session.isHandshakeComplete)
        #expect(r.theirDone?.peerCertificateSHA256 == Self.sha256Hex(clientCert.der))
        #expect(r.endpoint.session.peerIdentity?.publicKey == serverID.key.publicKey.rawRepresentation)
    }

    @Test func alpnMismatchBothDirections() throws {
        let pki = TestPKI(now: now)
        let dir = try ExternalTools.tempDirectory()
        defer { ExternalTools.cleanup(dir) }
        let server = try Self.writeIdentity(dir, name: "server", chain: pki.chain, key: pki.leafKey)
        let root = dir.appendingPathComponent("root.pem").path
        try ExternalTools.pem(pki.root.der).write(toFile: root, atomically: true, encoding: .utf8)

        // aioquic server speaks only h3: it aborts with no_application_protocol (120).
        let b1 = try AioquicBridge(["--role", "server", "--cert", server.cert, "--key", server.key, "--alpn", "h3"])
        let client = TLSConfiguration(privateKey: nil, certificateChain: [],
                                      peerVerification: .certificateAuthority(trustAnchors: [pki.root], leafPolicy: .generic),
                                      alpnProtocols: TestConfigs.alpn)
        let r1 = runInterop(Endpoint(session: TLSSession(client: client, transportParameters: [1], now: now)), bridge: b1, ourLog: KeyLogCollector())
        #expect(r1.theirAlert == TLSAlert.noApplicationProtocol.rawValue)

        // aioquic client offers only h3: our server aborts with no_application_protocol.
        let b2 = try AioquicBridge(["--role", "client", "--cafile", root, "--server-name", "node.example", "--alpn", "h3"])
        let serverConfig = TLSConfiguration(privateKey: pki.leafKey, certificateChain: pki.chain,
                                            peerVerification: .selfSigned(expectedKey: nil), alpnProtocols: TestConfigs.alpn)
        let r2 = runInterop(Endpoint(session: TLSSession(server: serverConfig, transportParameters: [1], now: now)), bridge: b2, ourLog: KeyLogCollector())
        #expect(r2.ourAlert == .noApplicationProtocol)
    }
}
