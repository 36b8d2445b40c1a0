import Foundation
import Testing

/// `korium quic-server` / `korium quic-client` as the interop harnesses run them: the built
/// binary, the flags and output lines of Tests/Interop/README.md, openssl-made certificates
/// (Vectors/pem), hashes checked against Python's hashlib.
@Suite("korium quic-server / quic-client", .serialized)
struct QUICCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/korium").path
    static func vector(_ name: String) -> String { root.appendingPathComponent("Vectors/pem/\(name)").path }

    /// A running server; its LISTENING line has been read.
    final class Server {
        let process = Process()
        let output = Pipe()
        var port: UInt16 = 0
        var key = ""

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: QUICCommandTests.binary)
            process.arguments = ["quic-server", "--host", "127.0.0.1", "--port", "0"] + arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line: [UInt8] = []
            let handle = output.fileHandleForReading
            while true {
                let byte = handle.readData(ofLength: 1)
                guard let b = byte.first else { break }
                if b == 0x0a { break }
                line.append(b)
            }
            let fields = QUICCommandTests.fields(String(decoding: line, as: UTF8.self))
            port = UInt16(fields["port"] ?? "") ?? 0
            key = fields["key"] ?? ""
        }

        deinit {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    struct Run {
        var status: Int32
        var lines: [String]
    }

    static func client(_ arguments: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["quic-client", "--host", "127.0.0.1", "--timeout", "60"] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, lines: String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    static func fields(_ line: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in line.split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { out[String(kv[0])] = String(kv[1]) }
        }
        return out
    }

    /// hashlib over the generated bodies of `sizes`, concatenated.
    static func pythonHash(_ algorithm: String, sizes: [Int]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let list = sizes.map(String.init).joined(separator: ",")
        p.arguments = ["python3", "-c",
                       "import hashlib; h=hashlib.\(algorithm)(); [h.update(bytes(i & 0xff for i in range(n))) for n in [\(list)]]; print(h.hexdigest())"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func perfInCAModeIsHashCheckedAgainstHashlib() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the korium product first")
        let server = try Server(["--cert", Self.vector("leaf.pem"), "--key", Self.vector("leaf.key.pem"), "--max-connections", "1"])
        #expect(server.port != 0)
        let run = try Self.client(["--port", "\(server.port)", "--ca", Self.vector("ca.pem"), "--bytes", "1000000", "--streams", "2"])
        #expect(run.status == 0)
        let handshake = Self.fields(try #require(run.lines.first { $0.hasPrefix("HANDSHAKE ok ") }))
        #expect(handshake["alpn"] == "perf" && handshake["retry"] == "0" && handshake["version_negotiation"] == "0")
        #expect(Double(handshake["ms"] ?? "") != nil)
        let result = Self.fields(try #require(run.lines.last { $0.hasPrefix("RESULT ok ") }))
        #expect(result["streams"] == "2" && result["bytes"] == "2000000")
        #expect(Double(result["mbps"] ?? "") != nil)
        #expect(result["hash"] == "sha256:" + (try Self.pythonHash("sha256", sizes: [1_000_000, 1_000_000])))
    }

    /// `--output none` (throughput benchmarks): bytes counted, `hash=none`.
    @Test func perfWithoutHashCountsBytes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the korium product first")
        let server = try Server(["--max-connections", "1"])
        let run = try Self.client(["--port", "\(server.port)", "--pin", server.key, "--bytes", "300000", "--output", "none"])
        #expect(run.status == 0)
        let result = Self.fields(try #require(run.lines.last { $0.hasPrefix("RESULT ok ") }))
        #expect(result["bytes"] == "300000" && result["hash"] == "none")
    }

    @Test func hqWithRetryVersionNegotiationAndBlake2b() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the korium product first")
        let server = try Server(["--retry", "--max-connections", "1"])
        let keylog = FileManager.default.temporaryDirectory.appendingPathComponent("korium-keylog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: keylog) }
        let run = try Self.client([
            "--port", "\(server.port)", "--pin", server.key, "--alpn", "hq-interop", "--requests", "/5,/70000,/1",
            "--version-first", "0x1a2a3a4a", "--retry-expected", "--output", "blake2b", "--keylog", keylog, "--cipher", "aes128",
        ])
        #expect(run.status == 0)
        let handshake = Self.fields(try #require(run.lines.first { $0.hasPrefix("HANDSHAKE ok ") }))
        #expect(handshake["retry"] == "1" && handshake["version_negotiation"] == "1" && handshake["peer_key"] == server.key)
        let result = Self.fields(try #require(run.lines.last { $0.hasPrefix("RESULT ok ") }))
        #expect(result["hash"] == "blake2b:" + (try Self.pythonHash("blake2b", sizes: [5, 70_000, 1])))
        let secrets = try String(contentsOfFile: keylog, encoding: .utf8).split(separator: "\n")
        #expect(secrets.count == 5 && secrets.allSatisfy { $0.split(separator: " ").count == 3 })
    }

    @Test func h3GetsGeneratedBodiesHashCheckedAndA404Fails() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the korium product first")
        let server = try Server(["--alpn", "h3", "--max-connections", "2"])
        let run = try Self.client(["--port", "\(server.port)", "--pin", server.key, "--alpn", "h3", "--requests", "/3000000,/0,/70000"])
        #expect(run.status == 0)
        let handshake = Self.fields(try #require(run.lines.first { $0.hasPrefix("HANDSHAKE ok ") }))
        #expect(handshake["alpn"] == "h3")
        let result = Self.fields(try #require(run.lines.last { $0.hasPrefix("RESULT ok ") }))
        #expect(result["streams"] == "3" && result["bytes"] == "3070000")
        #expect(result["hash"] == "sha256:" + (try Self.pythonHash("sha256", sizes: [3_000_000, 0, 70_000])))
        let missing = try Self.client(["--port", "\(server.port)", "--pin", server.key, "--alpn", "h3", "--requests", "/no-such-file"])
        #expect(missing.status == 1)
        #expect(missing.lines.last?.hasPrefix("ERROR stream ") == true && missing.lines.last?.contains("404") == true)
        // RFC 9114 §5.2: the finished client closes with H3_NO_ERROR (0x100 = 256), not 0
        // (the server exits after its 2 connections, so its output ends).
        let rest = String(decoding: server.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let closed = rest.split(separator: "\n").filter { $0.hasPrefix("CLOSED ") }.map { Self.fields(String($0))["reason"] ?? "" }
        #expect(closed.contains { $0.hasPrefix("peer_application_closed_with_code_256:") }, "server saw \(closed)")
    }

    @Test func wrongPinnedKeyFailsTheHandshakeWithAnErrorLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the korium product first")
        let server = try Server(["--max-connections", "1"])
        let run = try Self.client(["--port", "\(server.port)", "--pin", String(repeating: "ab", count: 32)])
        #expect(run.status == 1)
        #expect(run.lines.last?.hasPrefix("ERROR handshake ") == true)
    }
}
