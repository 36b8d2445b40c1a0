import ArgumentParser
import Foundation
import KoriumCrypto
import KoriumHTTP3
import KoriumIO
import KoriumQUIC

/// `korium quic-client`: fetches over `perf` or `hq-interop` from a QUIC server and prints the
/// handshake time, throughput and a hash of what arrived (Tests/Interop/README.md).
struct QUICClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quic-client", abstract: "Fetch over perf or hq-interop (HTTP/0.9) from a QUIC server.")

    @Option(help: "Server address.") var host = "127.0.0.1"
    @Option(help: "Server UDP port.") var port: UInt16 = 4433
    @Option(help: "SNI, and the name checked in CA mode.") var serverName = "localhost"
    @OptionGroup var tls: QUICTLSOptions
    @Option(help: "Application protocol: perf, hq-interop or h3.") var alpn = "perf"
    @Option(help: "perf: bytes requested per stream.") var bytes: UInt64 = 1 << 20
    @Option(help: "perf: streams, all open at once.") var streams = 1
    @Option(help: "hq-interop and h3: comma-separated paths, fetched at once.") var requests = "/1048576"
    @Flag(help: "Fail unless the server sent a Retry.") var retryExpected = false
    @Option(help: "Offer this version first (hex, e.g. 0x1a2a3a4a) to trigger Version Negotiation.") var versionFirst: String?
    @Option(help: "Hash printed over the received bodies: sha256, blake2b, or none (throughput benchmarks: hash=none).") var output = "sha256"
    @Option(help: "Give up after this many seconds.") var timeout: Double = 60
    @Option(help: "Sequential connections over one endpoint, each doing the whole fetch (handshake rate).")
    var connections = 1
    @Option(help: "Connections opened at once over one endpoint, each doing the whole fetch (many-connection load).")
    var concurrent = 1
    @Option(help: "With --concurrent: once every fetch is done, keep all connections open and idle this many seconds before closing them (idle-connection memory); prints a HOLDING line with the client's resident memory.")
    var hold: Double = 0
    @Option(help: "Where the client's tasks run: global (Swift's global concurrent executor, the default) or loop (the endpoint's event-loop thread: no thread hand-off and no heap allocation per stream wake-up, zero allocations per packet in steady state).")
    var taskExecutor: QUICTaskPlacement = .global

    /// Bodies are kept in memory to hash them in request order; larger totals are refused.
    static let maxTotalBytes: UInt64 = 1 << 30
    /// The buffer a single perf stream is read into (reused for the whole body).
    static let readBufferSize = 1 << 20

    func validate() throws {
        guard tls.hasPeerVerification else {
            throw ValidationError("choose how to verify the server: --ca, --pin or --insecure-any-ed25519")
        }
        guard alpn == "perf" || alpn == "hq-interop" || alpn == "h3" else { throw ValidationError("--alpn must be perf, hq-interop or h3") }
        guard ["sha256", "blake2b", "none"].contains(output) else { throw ValidationError("--output must be sha256, blake2b or none") }
        guard streams >= 1 else { throw ValidationError("--streams must be positive") }
        guard connections >= 1 else { throw ValidationError("--connections must be positive") }
        guard concurrent >= 1 else { throw ValidationError("--concurrent must be positive") }
        guard connections == 1 || concurrent == 1 else { throw ValidationError("--connections and --concurrent exclude each other") }
        guard hold >= 0, hold < timeout else { throw ValidationError("--hold must be between 0 and --timeout") }
        guard hold == 0 || connections == 1 else { throw ValidationError("--hold goes with --concurrent, not --connections") }
        if alpn == "perf", bytes.multipliedReportingOverflow(by: UInt64(streams)).partialValue > Self.maxTotalBytes {
            throw ValidationError("--bytes × --streams above \(Self.maxTotalBytes)")
        }
        if let versionFirst, Self.version(versionFirst) == nil { throw ValidationError("--version-first must be hex, e.g. 0x1a2a3a4a") }
    }

    static func version(_ text: String) -> UInt32? {
        let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
        return UInt32(digits, radix: 16)
    }

    func run() async throws {
        let outcome: Result<String, ClientFailure>
        do {
            outcome = .success(try await withDeadline(seconds: timeout) { try await self.fetch() })
        } catch let failure as ClientFailure {
            outcome = .failure(failure)
        } catch let error as QUICError {
            outcome = .failure(ClientFailure(kind: Self.kind(of: error), message: error.description))
        } catch {
            outcome = .failure(ClientFailure(kind: "io", message: "\(error)"))
        }
        switch outcome {
        case .success(let line):
            QUICOutput.line(line)
        case .failure(let failure):
            QUICOutput.line("ERROR \(failure.kind) \(failure.message)")
            throw ExitCode(1)
        }
    }

    struct ClientFailure: Error {
        var kind: String
        var message: String
    }

    static func kind(of error: QUICError) -> String {
        switch error {
        case .connectionClosed: return "closed"
        case .stream, .readLimitExceeded: return "stream"
        case .datagram, .endpoint, .endpointClosed, .io, .notAClient, .invalidAddress: return "io"
        }
    }

    /// Runs `body`, failing with kind `timeout` after `seconds`.
    func withDeadline<R: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw ClientFailure(kind: "timeout", message: "no result after \(seconds) s")
            }
            return value
        }
    }

    /// Connects (`--connections` times, one after the other, over one endpoint), transfers, and
    /// returns the RESULT line (after printing the first connection's HANDSHAKE line).
    func fetch() async throws -> String {
        let (config, _) = try tls.connectionConfiguration(alpn: [alpn], dnsName: "client", vantagePoint: .client)
        let server = try QUICEndpoint.socketAddress(host: host, port: port)
        var endpointConfig = QUICEndpoint.Configuration(client: config)
        tls.applyReceiveSize(to: &endpointConfig)
        let endpoint = try QUICEndpoint.bind(host: server.isIPv6 ? "::" : "0.0.0.0", port: 0, configuration: endpointConfig)
        // The qlog file is complete once the connections are gone (flushes its buffer).
        defer { (config.qlog as? QLogFileSink)?.close() }
        return try await withTaskExecutorPreference(QUICTaskPlacement.executor(taskExecutor, endpoint)) {
            if concurrent > 1 || hold > 0 { return try await fetchConcurrently(endpoint, server: server) }
            return try await fetchSequentially(endpoint, server: server)
        }
    }

    /// The application error code that closes a finished connection: RFC 9114 §5.2, an endpoint
    /// that completes a graceful HTTP/3 shutdown SHOULD use H3_NO_ERROR (0x100); perf and
    /// hq-interop close with 0.
    static func doneCode(alpn: String) -> UInt64 { alpn == "h3" ? HTTP3ErrorCode.noError.rawValue : 0 }

    /// `--connections N` (default 1): one connection after the other.
    func fetchSequentially(_ endpoint: QUICEndpoint, server: SocketAddress) async throws -> String {
        let clock = ContinuousClock()
        let doneCode = Self.doneCode(alpn: alpn)
        var handshakeSum = Duration.zero, transferSum = Duration.zero, busySum = Duration.zero
        var total = 0, keyUpdates: UInt64 = 0, largestReceived = 0
        var last = Fetched(streams: 0, bytes: 0, digest: "")
        for index in 0..<connections {
            let start = clock.now
            let connection: QUICConnection
            do {
                connection = try await endpoint.connect(
                    to: server, serverName: serverName, offeringVersionFirst: versionFirst.flatMap(Self.version))
            } catch let error as QUICError {
                await endpoint.close()
                throw ClientFailure(kind: "handshake", message: error.description)
            }
            let handshake = clock.now - start
            if index == 0 {
                QUICOutput.line("HANDSHAKE ok ms=\(QUICOutput.decimal(QUICOutput.seconds(handshake) * 1_000)) alpn=\(connection.alpn ?? "-") "
                    + "retry=\(connection.sawRetry ? 1 : 0) version_negotiation=\(connection.sawVersionNegotiation ? 1 : 0) "
                    + "peer_key=\(connection.peerPublicKey.map(QUICOutput.hex) ?? "-")")
            }
            if retryExpected && !connection.sawRetry {
                await endpoint.close()
                throw ClientFailure(kind: "handshake", message: "the server did not send a Retry")
            }
            let transferStart = clock.now
            do {
                switch alpn {
                case "perf": last = try await perf(connection)
                case "h3": last = try digest(try await HTTP3Fetching.fetch(connection, authority: "\(serverName):\(port)", paths: paths))
                default: last = try digest(try await hq(connection))
                }
            } catch {
                await endpoint.close()
                throw error
            }
            let end = clock.now
            handshakeSum += handshake
            transferSum += end - transferStart
            busySum += end - start
            total += last.bytes
            if let stats = try? await connection.stats() {
                keyUpdates += stats.keyUpdates
                largestReceived = max(largestReceived, stats.largestDatagramReceived)
            }
            await connection.close(code: doneCode)
        }
        await endpoint.close()
        let elapsed = QUICOutput.seconds(transferSum)
        let mbps = elapsed > 0 ? Double(total) / 1e6 / elapsed : 0
        var line = "RESULT ok streams=\(last.streams) bytes=\(total) seconds=\(QUICOutput.decimal(elapsed, places: 6)) "
            + "mbps=\(QUICOutput.decimal(mbps)) hash=\(last.digest) key_updates=\(keyUpdates) largest_datagram=\(largestReceived)"
        if connections > 1 {
            // Like quinn-peer: the mean handshake time, and connections per second of the time
            // spent from each connect to its last response byte (closing/draining excluded).
            let busy = QUICOutput.seconds(busySum)
            line += " connections=\(connections) handshake_ms=\(QUICOutput.decimal(QUICOutput.seconds(handshakeSum) * 1_000 / Double(connections)))"
                + " handshakes_per_s=\(QUICOutput.decimal(busy > 0 ? Double(connections) / busy : 0))"
        }
        return line
    }

    /// `--concurrent N`: N connections opened at once, each doing the fetch; RESULT ok only if
    /// all of them completed, with the wall time from the first connect to the last response.
    func fetchConcurrently(_ endpoint: QUICEndpoint, server: SocketAddress) async throws -> String {
        let clock = ContinuousClock()
        let residentBefore = Self.residentKilobytes()
        let start = clock.now
        let versionFirst = self.versionFirst.flatMap(Self.version)
        let serverName = self.serverName, port = self.port, holding = hold > 0
        let doneCode = Self.doneCode(alpn: alpn)
        var held: [QUICConnection] = []
        var succeeded = 0, total = 0, keyUpdates: UInt64 = 0
        var failures: [String: Int] = [:]
        var firstFailure: ClientFailure?
        var last = Fetched(streams: 0, bytes: 0, digest: "")
        await withTaskGroup(of: Result<Fetched, ClientFailure>.self) { group in
            for _ in 0..<concurrent {
                group.addTask {
                    do {
                        let connection = try await endpoint.connect(to: server, serverName: serverName, offeringVersionFirst: versionFirst)
                        var fetched: Fetched
                        do {
                            switch alpn {
                            case "perf": fetched = try await perf(connection)
                            case "h3": fetched = try digest(try await HTTP3Fetching.fetch(connection, authority: "\(serverName):\(port)", paths: paths))
                            default: fetched = try digest(try await hq(connection))
                            }
                        } catch {
                            await connection.close()
                            throw error
                        }
                        fetched.keyUpdates = (try? await connection.stats().keyUpdates) ?? 0
                        if holding {
                            fetched.connection = connection
                        } else {
                            await connection.close(code: doneCode)
                        }
                        return .success(fetched)
                    } catch let failure as ClientFailure {
                        return .failure(failure)
                    } catch let error as QUICError {
                        return .failure(ClientFailure(kind: Self.kind(of: error), message: error.description))
                    } catch {
                        return .failure(ClientFailure(kind: "io", message: "\(error)"))
                    }
                }
            }
            for await outcome in group {
                switch outcome {
                case .success(let fetched):
                    if let connection = fetched.connection { held.append(connection) }
                    succeeded += 1
                    total += fetched.bytes
                    keyUpdates += fetched.keyUpdates
                    last = fetched
                case .failure(let failure):
                    failures[failure.kind, default: 0] += 1
                    if firstFailure == nil { firstFailure = failure }
                }
            }
        }
        let elapsed = QUICOutput.seconds(clock.now - start)
        if holding {
            // Every connection is established and idle from here until the hold ends.
            let residentHolding = Self.residentKilobytes()
            QUICOutput.line("HOLDING connections=\(held.count) seconds=\(hold) client_rss_kb_before=\(residentBefore) "
                + "client_rss_kb_holding=\(residentHolding) client_kb_per_connection="
                + QUICOutput.decimal(Double(residentHolding - residentBefore) / Double(max(1, held.count)), places: 2))
            try? await Task.sleep(for: .milliseconds(Int64(hold * 1_000)))
            await withTaskGroup(of: Void.self) { group in
                for connection in held { group.addTask { await connection.close(code: doneCode) } }
            }
            held.removeAll()
        }
        await endpoint.close()
        guard succeeded == concurrent else {
            let kinds = failures.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            throw ClientFailure(kind: "stream", message: "concurrent=\(concurrent) succeeded=\(succeeded) failed=\(kinds) seconds=\(QUICOutput.decimal(elapsed, places: 6)) first_failure=\(firstFailure?.message.replacingOccurrences(of: " ", with: "_") ?? "-")")
        }
        let mbps = elapsed > 0 ? Double(total) / 1e6 / elapsed : 0
        return "RESULT ok streams=\(last.streams) bytes=\(total) seconds=\(QUICOutput.decimal(elapsed, places: 6)) "
            + "mbps=\(QUICOutput.decimal(mbps)) hash=\(last.digest) key_updates=\(keyUpdates) concurrent=\(concurrent) succeeded=\(succeeded)"
    }

    /// What one connection fetched: stream count, body bytes and the hash of the bodies.
    struct Fetched {
        var streams: Int
        var bytes: Int
        var digest: String
        /// 1-RTT key phase changes the connection went through (set by the caller).
        var keyUpdates: UInt64 = 0
        /// `--hold`: the connection, left open for the caller to close after the hold.
        var connection: QUICConnection? = nil
    }

    /// This process's resident set (VmRSS of /proc/self/status) in kB; 0 if unreadable.
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// The `--output` hash, fed incrementally.
    enum BodyHash {
        case sha256(SHA256)
        case blake2b(BLAKE2b)
        /// `--output none`: bytes are counted, not hashed.
        case none

        init(_ name: String) throws {
            switch name {
            case "blake2b": self = .blake2b(try BLAKE2b())
            case "none": self = .none
            default: self = .sha256(SHA256())
            }
        }

        mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            switch self {
            case .sha256(var h): h.update(bytes); self = .sha256(h)
            case .blake2b(var h): h.update(bytes); self = .blake2b(h)
            case .none: break
            }
        }

        func finalize() -> String {
            switch self {
            case .sha256(let h): return "sha256:" + QUICOutput.hex(h.finalize())
            case .blake2b(let h): return "blake2b:" + QUICOutput.hex(h.finalize())
            case .none: return "none"
            }
        }
    }

    /// The hash over `bodies` concatenated in request order.
    func digest(_ bodies: [[UInt8]]) throws -> Fetched {
        var hash = try BodyHash(output)
        for body in bodies { hash.update(body) }
        return Fetched(streams: bodies.count, bytes: bodies.reduce(0) { $0 + $1.count }, digest: hash.finalize())
    }

    /// perf: per stream, an 8-byte big-endian count then FIN; the answer is that many bytes.
    /// One stream is hashed as it arrives (nothing kept); several are kept to hash in order.
    func perf(_ connection: QUICConnection) async throws -> Fetched {
        let count = bytes
        let request = (0..<8).map { UInt8(truncatingIfNeeded: count >> (56 - 8 * UInt64($0))) }
        if streams == 1 {
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(request, finish: true)
            var hash = try BodyHash(output)
            var received = 0
            // One buffer for the whole body: each read fills it in place (no array per read).
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
            defer { buffer.deallocate() }
            while let n = try await stream.read(into: buffer) {
                received += n
                guard received <= Int(count) else {
                    try? await stream.stopSending(code: 0)
                    throw ClientFailure(kind: "stream", message: "stream 0: more than \(count) bytes")
                }
                hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            guard received == Int(count) else {
                throw ClientFailure(kind: "stream", message: "stream 0: \(received) of \(count) bytes")
            }
            return Fetched(streams: 1, bytes: received, digest: hash.finalize())
        }
        let streams = self.streams
        let bodies = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for index in 0..<streams {
                group.addTask {
                    let stream = try await connection.openBidirectionalStream()
                    try await stream.write(request, finish: true)
                    let body = try await stream.readToEnd(limit: Int(count))
                    guard body.count == Int(count) else {
                        throw ClientFailure(kind: "stream", message: "stream \(index): \(body.count) of \(count) bytes")
                    }
                    return (index, body)
                }
            }
            var bodies = [[UInt8]](repeating: [], count: streams)
            for try await (index, body) in group { bodies[index] = body }
            return bodies
        }
        return try digest(bodies)
    }

    /// hq-interop: per path, `GET /path\r\n` then FIN; the answer is the body.
    /// The `--requests` paths.
    var paths: [String] {
        requests.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func hq(_ connection: QUICConnection) async throws -> [[UInt8]] {
        let paths = self.paths
        return try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask {
                    let stream = try await connection.openBidirectionalStream()
                    try await stream.write(Array("GET \(path)\r\n".utf8), finish: true)
                    return (index, try await stream.readToEnd(limit: Int(Self.maxTotalBytes)))
                }
            }
            var bodies = [[UInt8]](repeating: [], count: paths.count)
            for try await (index, body) in group { bodies[index] = body }
            return bodies
        }
    }
}
