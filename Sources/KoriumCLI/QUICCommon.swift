import ArgumentParser
import Foundation
import KoriumCrypto
import KoriumIO
import KoriumQUIC
import KoriumTLS

/// Options shared by `korium quic-server` and `korium quic-client` (Tests/Interop/README.md is
/// the contract for their names and output lines).
struct QUICTLSOptions: ParsableArguments {
    @Option(help: "Certificate chain (PEM, leaf first).") var cert: String?
    @Option(help: "Ed25519 private key (PEM, PKCS#8 as openssl genpkey writes it).") var key: String?
    @Option(help: "CA mode: verify the peer's chain against the CERTIFICATEs in this PEM file.") var ca: String?
    @Option(help: "Pin the peer's Ed25519 key: 64 hex digits, or a PEM PUBLIC KEY / CERTIFICATE file.") var pin: String?
    @Flag(help: "Accept any self-signed Ed25519 peer certificate (tests only).") var insecureAnyEd25519 = false
    @Option(help: "TLS 1.3 cipher suite allowed: chacha20, aes128 or aes256 (repeatable; default all).") var cipher: [String] = []
    @Option(help: "Initiate a key update every N packets sent.") var keyUpdateInterval: UInt64?
    @Option(help: "max_idle_timeout in milliseconds.") var idleTimeout: UInt64 = 30_000
    @Option(help: "Largest UDP payload sent (PMTU discovery's ceiling) and received (max_udp_payload_size): 1200...65527; default 1452 sent, 2048 received. Loopback carries 65527 (IPv6) / 65507 (IPv4).")
    var maxUDPPayload: Int?
    @Flag(help: "UDP GRO on the endpoint's socket (the kernel coalesces equal-size datagrams into 64 KiB receive slots).")
    var receiveOffload = false
    @Option(help: "Append TLS secrets to FILE (NSS key log format); default $SSLKEYLOGFILE.") var keylog: String?
    @Option(help: "Write a qlog (JSON-SEQ) trace into DIR: connection_client.sqlog / connection_server.sqlog (a server's connections share one file).") var qlog: String?

    func validate() throws {
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
        let modes = [ca != nil, pin != nil, insecureAnyEd25519].filter { $0 }.count
        guard modes <= 1 else { throw ValidationError("choose one of --ca, --pin, --insecure-any-ed25519") }
        for name in cipher { _ = try Self.cipherSuite(name) }
        if let maxUDPPayload, !(1_200...65_527).contains(maxUDPPayload) {
            throw ValidationError("--max-udp-payload must be in 1200...65527")
        }
    }

    var hasPeerVerification: Bool { ca != nil || pin != nil || insecureAnyEd25519 }

    static func cipherSuite(_ name: String) throws -> CipherSuite {
        switch name.lowercased() {
        case "chacha20": return .chacha20Poly1305SHA256
        case "aes128": return .aes128GCMSHA256
        case "aes256": return .aes256GCMSHA384
        default: throw ValidationError("unknown cipher \(name): use chacha20, aes128 or aes256")
        }
    }

    static func readText(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Our key and chain: from the PEM files, or a fresh self-signed certificate for `dnsName`.
    func identity(dnsName: String) throws -> (key: Ed25519.PrivateKey, chain: [[UInt8]]) {
        if let cert, let key {
            let privateKey = try PEM.ed25519PrivateKey(in: Self.readText(key))
            let chain = try PEM.certificates(in: Self.readText(cert))
            guard chain[0].publicKey == privateKey.publicKey.rawRepresentation else {
                throw ValidationError("\(cert): the leaf certificate is not for the key in \(key)")
            }
            return (privateKey, chain.map(\.der))
        }
        let privateKey = Ed25519.PrivateKey.generate()
        let now = Int64(Date().timeIntervalSince1970)
        let certificate = CertificateBuilder.leaf(commonName: dnsName, names: [.dns(dnsName)], notBefore: now - 3_600,
                                                  notAfter: now + 365 * 86_400).selfSigned(key: privateKey)
        return (privateKey, [certificate.der])
    }

    /// How the peer is verified.
    func peerVerification() throws -> PeerVerification {
        if let ca { return .certificateAuthority(trustAnchors: try PEM.certificates(in: Self.readText(ca)), leafPolicy: .generic) }
        if let pin { return .selfSigned(expectedKey: try Self.pinnedKey(pin)) }
        return .selfSigned(expectedKey: nil)
    }

    static func pinnedKey(_ value: String) throws -> [UInt8] {
        if value.count == 64, let bytes = hexBytes(value) { return bytes }
        return try PEM.ed25519PublicKey(in: readText(value))
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < digits.count {
            guard let byte = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }

    /// The key log sink: `--keylog`, else `$SSLKEYLOGFILE`, else none. The file stays open for
    /// the life of the process.
    func keyLogSink() throws -> KeyLogSink? {
        if let keylog { return try KeyLogFile(path: keylog).sink }
        return try KeyLogFile.fromEnvironment()?.sink
    }

    /// The endpoint's receive side: room for `--max-udp-payload` (never below the default), GRO.
    func applyReceiveSize(to configuration: inout QUICEndpoint.Configuration) {
        if let maxUDPPayload { configuration.maxReceivedDatagramSize = Swift.max(QUICEndpoint.maxReceivedDatagramSize, maxUDPPayload) }
        configuration.socket.receiveOffload = receiveOffload
    }

    /// A connection configuration with our identity, the peer verification, ALPNs and limits.
    func connectionConfiguration(alpn: [String], dnsName: String, vantagePoint: QLogTraceInfo.VantagePoint = .server) throws
        -> (ConnectionConfiguration, publicKey: [UInt8]) {
        let (key, chain) = try identity(dnsName: dnsName)
        var tls = TLSConfiguration(privateKey: key, certificateChain: chain, peerVerification: try peerVerification(),
                                   alpnProtocols: alpn.map { Array($0.utf8) })
        if !cipher.isEmpty { tls.cipherSuites = try cipher.map(Self.cipherSuite) }
        tls.keyLog = try keyLogSink()
        var config = ConnectionConfiguration(tls: tls)
        config.transportParameters.maxIdleTimeout = idleTimeout
        config.keyUpdateInterval = keyUpdateInterval
        if let maxUDPPayload { config.maxUDPPayloadSize = maxUDPPayload }
        if let qlog { config.qlog = try QLogFileSink(directory: qlog, trace: QLogTraceInfo(vantagePoint: vantagePoint)) }
        return (config, key.publicKey.rawRepresentation)
    }
}

/// Output helpers: one line per event, written unbuffered so harnesses see it at once.
enum QUICOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    static func decimal(_ value: Double, places: Int = 3) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded)
    }
}

/// Bodies the perf protocol and hq `/N` paths produce: byte `i` is `i & 0xff`
/// (Tests/Interop/README.md), sent in chunks that all start at a multiple of 256.
enum GeneratedBody {
    static let chunk: [UInt8] = (0..<(256 * 1_024)).map { UInt8(truncatingIfNeeded: $0) }

    /// Writes `count` generated bytes then FIN.
    static func send(_ count: UInt64, on stream: QUICStream) async throws -> UInt64 {
        var remaining = count
        while remaining > UInt64(chunk.count) {
            try await stream.write(chunk)
            remaining -= UInt64(chunk.count)
        }
        try await stream.write(Array(chunk.prefix(Int(remaining))), finish: true)
        return count
    }
}

/// Files the hq and HTTP/3 servers serve from `--root`.
enum ServedFile {
    /// The contents of the regular file at `components` under `root`; nil without a root, for a
    /// missing file, a directory or an unreadable file. Callers refuse `..` components first.
    static func contents(root: String?, components: [Substring]) -> [UInt8]? {
        guard let root else { return nil }
        let file = (root as NSString).appendingPathComponent(components.joined(separator: "/"))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: file) else { return nil }
        return [UInt8](data)
    }
}

/// `--task-executor` of `quic-server` / `quic-client`: where the application tasks that read and
/// write streams run.
enum QUICTaskPlacement: String, ExpressibleByArgument, Sendable {
    /// On the endpoint's event-loop thread (``QUICEndpoint/taskExecutor``).
    case loop
    /// On Swift's global concurrent executor.
    case global

    /// The task executor preference for `placement` (nil: no preference, the global executor).
    static func executor(_ placement: QUICTaskPlacement, _ endpoint: QUICEndpoint) -> (any TaskExecutor)? {
        placement == .loop ? endpoint.taskExecutor : nil
    }
}
