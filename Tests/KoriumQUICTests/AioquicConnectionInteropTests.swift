import Foundation
import Glibc
import KoriumCrypto
import KoriumTLS
import Testing

@testable import KoriumQUIC

/// Our client `Connection` against aioquic (an independent implementation) over real loopback
/// UDP: handshake, the `perf` protocol of Tests/Interop/README.md, hash of the body.
@Suite("Connection interop with aioquic", .serialized)
struct AioquicConnectionInteropTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A self-signed Ed25519 certificate and key made by the openssl CLI.
    static func makeCertificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "req", "-x509", "-newkey", "ed25519", "-keyout", key, "-out", cert, "-days", "30", "-nodes",
                       "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return (cert, key)
    }

    /// Runs the aioquic server and returns it with its port (from its LISTENING line).
    static func startServer(cert: String, key: String, extra: [String]) throws -> (Process, UInt16) {
        let python = repoRoot.appendingPathComponent(".venv/bin/python").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [repoRoot.appendingPathComponent("Tests/Interop/aioquic_peer.py").path, "server", "--host", "127.0.0.1",
                       "--port", "0", "--cert", cert, "--key", key, "--alpn", "perf"] + extra
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var line = ""
        while !line.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        let port = line.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { UInt16($0.dropFirst(5)) }
        return (p, try #require(port, "aioquic server did not start: \(line)"))
    }

    /// Our client fetching `count` bytes with `perf`; returns (received bytes, body ok, final state).
    static func perfClient(port: UInt16, count: Int, configure: (inout ConnectionConfiguration) -> Void = { _ in })
        throws -> (received: Int, bodyOK: Bool, connection: Connection)
    {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { Glibc.close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var tls = TLSConfiguration.peerToPeer(identity: TestIdentities.clientKey, now: Int64(Date().timeIntervalSince1970),
                                              alpnProtocols: [Array("perf".utf8)])
        tls.serverName = "localhost"
        var config = ConnectionConfiguration(tls: tls)
        configure(&config)
        let remote = PathAddress(ipv4: 0x7f00_0001, port: port)
        let clock = { Instant(nanoseconds: DispatchTime.now().uptimeNanoseconds) }
        var connection = try Connection(client: config, remote: remote, now: clock())
        var buffer = [UInt8](repeating: 0, count: 1500)
        var readBuffer = [UInt8](repeating: 0, count: 65536)
        var stream: StreamID?
        var requestSent = false
        var received = 0
        var bodyOK = true
        var done = false
        let deadline = clock() + .seconds(30)
        while clock() < deadline {
            let now = clock()
            if let d = connection.nextDeadline, d <= now { connection.handleTimeout(now: now) }
            // Application: one perf request, then read the body.
            if connection.isHandshakeComplete, stream == nil { stream = connection.openStream(bidirectional: true) }
            if let id = stream, !requestSent {
                var n = UInt64(count).bigEndian
                let request = withUnsafeBytes(of: &n) { [UInt8]($0) }
                if (try? request.withUnsafeBytes { try connection.write($0, to: id) }) == 8 {
                    try connection.finish(id)
                    requestSent = true
                }
            }
            if let id = stream, !done {
                while let r = try? readBuffer.withUnsafeMutableBytes({ try connection.read(id, into: $0) }) {
                    for i in 0..<r.count where readBuffer[i] != UInt8(truncatingIfNeeded: received + i) { bodyOK = false }
                    received += r.count
                    if r.isFinished {
                        done = true
                        connection.close(errorCode: 0, reason: [], now: now)
                    }
                    if r.count == 0 { break }
                }
            }
            while let t = buffer.withUnsafeMutableBytes({ connection.pollTransmit(into: $0, now: clock()) }) {
                _ = buffer.withUnsafeBytes { send(fd, $0.baseAddress, t.count, 0) }
            }
            while connection.pollEvent() != nil {}
            if case .closed = connection.state { break }
            // Wait for a datagram or the next deadline.
            let waitMs = connection.nextDeadline.map { Swift.max(0, Swift.min(100, Int32(($0 - clock()).nanoseconds / 1_000_000))) } ?? 100
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, waitMs) > 0 {
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 1500, Int32(MSG_DONTWAIT)) }
                    guard n > 0 else { break }
                    buffer.withUnsafeMutableBytes {
                        connection.handle(datagram: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), from: remote, now: clock())
                    }
                }
            }
        }
        return (received, bodyOK, connection)
    }

    func run(count: Int, serverFlags: [String] = [], configure: (inout ConnectionConfiguration) -> Void = { _ in }) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("korium-quic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try Self.makeCertificate(in: dir)
        let (server, port) = try Self.startServer(cert: cert, key: key, extra: serverFlags)
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let result = try Self.perfClient(port: port, count: count, configure: configure)
        #expect(result.received == count)
        #expect(result.bodyOK)
        #expect(result.connection.negotiatedALPN == Array("perf".utf8))
        #expect(result.connection.state == .closed(.locallyClosed))
    }

    @Test("our client ↔ aioquic server: handshake and a 1 MB perf download")
    func perfDownload() throws { try run(count: 1_000_000) }

    @Test("our client ↔ aioquic server with Retry and key updates")
    func retryAndKeyUpdate() throws {
        try run(count: 300_000, serverFlags: ["--retry", "--key-update"]) { $0.keyUpdateInterval = 50 }
    }

    @Test("our client ↔ aioquic server, AES-128-GCM only")
    func aes128() throws {
        try run(count: 100_000) { $0.tls.cipherSuites = [.aes128GCMSHA256] }
    }
}
