import ArgumentParser
import Foundation
import KoriumIO
import KoriumQUIC
import Synchronization

/// `korium quic-server`: serves `hq-interop` (HTTP/0.9) and `perf` over our QUIC stack, for the
/// interop harnesses (flags and output lines: Tests/Interop/README.md).
struct QUICServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quic-server", abstract: "Serve hq-interop (HTTP/0.9) and perf over QUIC.")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "UDP port (0: any free port).") var port: UInt16 = 4433
    @OptionGroup var tls: QUICTLSOptions
    @Option(help: "ALPN offered (repeatable; default hq-interop and perf).") var alpn: [String] = []
    @Option(help: "hq-interop document root.") var root: String?
    @Flag(help: "Send a Retry to every new client.") var retry = false
    @Option(help: "Exit after this many connections have closed.") var maxConnections: Int?
    @Option(help: "Where the serving tasks run: global (Swift's global concurrent executor, the default) or loop (the endpoint's event-loop thread: no thread hand-off and no heap allocation per stream wake-up, zero allocations per packet in steady state).")
    var taskExecutor: QUICTaskPlacement = .global
    @Option(help: "Established connections waiting for the accept loop at most; more are closed (application error 0x2). Raise it for many simultaneous handshakes.")
    var acceptBacklog = QUICEndpoint.Configuration(server: nil).acceptBacklog

    /// HTTP/0.9 requests longer than this are refused.
    static let maxRequestBytes = 4_096
    /// Stream error code for a refused hq request (file missing, bad path, malformed request).
    static let hqRefusedCode: UInt64 = 0x10

    func validate() throws {
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be positive") }
        guard acceptBacklog >= 1 else { throw ValidationError("--accept-backlog must be positive") }
    }

    func run() async throws {
        let protocols = alpn.isEmpty ? ["hq-interop", "perf"] : alpn
        let (connectionConfig, publicKey) = try tls.connectionConfiguration(alpn: protocols, dnsName: "localhost")
        var config = connectionConfig
        if tls.ca != nil || tls.pin != nil { config.tls.clientAuthentication = .required }
        if tls.insecureAnyEd25519 { config.tls.clientAuthentication = .optional }
        config.transportParameters.initialMaxStreamsBidi = 1_000
        var endpointConfig = QUICEndpoint.Configuration(server: config)
        if retry { endpointConfig.endpoint.retryPolicy = .always }
        endpointConfig.acceptBacklog = acceptBacklog
        tls.applyReceiveSize(to: &endpointConfig)
        let endpoint = try QUICEndpoint.bind(host: host, port: port, configuration: endpointConfig)
        QUICOutput.line("LISTENING host=\(host) port=\(endpoint.localAddress.port) key=\(QUICOutput.hex(publicKey))")
        let root = self.root
        let limit = maxConnections
        let qlogSink = config.qlog as? QLogFileSink
        await withTaskExecutorPreference(QUICTaskPlacement.executor(taskExecutor, endpoint)) {
            await Self.acceptLoop(endpoint, root: root, limit: limit, qlogSink: qlogSink)
        }
        await endpoint.close()
        qlogSink?.close()
    }

    /// Accepts connections and serves each in its own child task until the endpoint closes.
    static func acceptLoop(_ endpoint: QUICEndpoint, root: String?, limit: Int?, qlogSink: QLogFileSink?) async {
        let closed = ClosedCount()
        await withTaskGroup(of: Void.self) { group in
            while let connection = try? await endpoint.accept() {
                QUICOutput.line("ACCEPTED peer=\(connection.remoteAddress) alpn=\(connection.alpn ?? "-")")
                group.addTask {
                    let counters = await Self.serve(connection, root: root)
                    let reason = (try? await connection.waitClosed()).map { "\($0)" } ?? "endpoint closed"
                    QUICOutput.line("CLOSED peer=\(connection.remoteAddress) reason=\(String(reason.map { $0 == " " ? "_" : $0 })) "
                        + "streams=\(counters.streams) bytes_sent=\(counters.sent) bytes_received=\(counters.received)")
                    // Each closed connection's events reach the qlog file now (a killed server keeps them).
                    qlogSink?.flush()
                    let done = closed.value.wrappingAdd(1, ordering: .relaxed).newValue
                    if let limit, done >= limit { await endpoint.close() }
                }
            }
        }
    }

    /// Connections closed so far (for --max-connections).
    final class ClosedCount: Sendable {
        let value = Atomic<Int>(0)
    }

    struct Counters: Sendable {
        var streams = 0
        var sent: UInt64 = 0
        var received: UInt64 = 0
    }

    /// Serves every stream the client opens until the connection ends.
    static func serve(_ connection: QUICConnection, root: String?) async -> Counters {
        if connection.alpn == "h3" { return await HTTP3Serving.serve(connection, root: root) }
        return await withTaskGroup(of: Counters.self) { group in
            for await stream in connection.incomingStreams {
                group.addTask {
                    var c = Counters(streams: 1)
                    do {
                        if connection.alpn == "perf" {
                            let request = try await stream.readToEnd(limit: 8)
                            c.received = UInt64(request.count)
                            guard request.count == 8 else {
                                try? await stream.reset(code: hqRefusedCode)
                                return c
                            }
                            let count = request.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                            c.sent = try await GeneratedBody.send(count, on: stream)
                        } else {
                            let request = try await stream.readToEnd(limit: maxRequestBytes)
                            c.received = UInt64(request.count)
                            c.sent = try await serveHQ(request, root: root, on: stream)
                        }
                    } catch {
                        try? await stream.reset(code: hqRefusedCode)
                    }
                    return c
                }
            }
            var total = Counters()
            for await c in group {
                total.streams += c.streams
                total.sent += c.sent
                total.received += c.received
            }
            return total
        }
    }

    /// HTTP/0.9: `GET /path` (CRLF or LF, optional trailing spaces) → the file under `root`, or
    /// `/N` → N generated bytes; anything else resets the stream.
    static func serveHQ(_ request: [UInt8], root: String?, on stream: QUICStream) async throws -> UInt64 {
        let text = String(decoding: request, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("GET /") else {
            try await stream.reset(code: hqRefusedCode)
            return 0
        }
        let path = String(text.dropFirst(4)).split(separator: " ").first.map(String.init) ?? "/"
        let components = path.split(separator: "/")
        guard !components.contains("..") else {
            try await stream.reset(code: hqRefusedCode)
            return 0
        }
        if let body = ServedFile.contents(root: root, components: components) {
            try await stream.write(body, finish: true)
            return UInt64(body.count)
        }
        if components.count == 1, let count = UInt64(components[0]) {
            return try await GeneratedBody.send(count, on: stream)
        }
        try await stream.reset(code: hqRefusedCode)
        return 0
    }
}
