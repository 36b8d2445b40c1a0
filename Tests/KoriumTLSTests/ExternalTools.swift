import Foundation

/// Runs independent implementations (the openssl CLI, Python `cryptography` from the project
/// venv that `make setup` creates) for cross-checks. A missing tool fails the test: the
/// comparison is the point of these tests.
enum ExternalTools {
    /// The repository root (this file is Tests/KoriumTLSTests/ExternalTools.swift).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's Python; `nil` if `make setup` has not run.
    static var venvPython: String? {
        let p = repoRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable args` with optional stdin, waiting for it to exit.
    static func run(_ executable: String, _ args: [String], stdin: Data? = nil, cwd: URL? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        p.arguments = executable.hasPrefix("/") ? args : [executable] + args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller with `cleanup`.
    static func tempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("korium-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanup(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// PEM armour for a DER certificate.
    static func pem(_ der: [UInt8]) -> String {
        let b64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(b64)\n-----END CERTIFICATE-----\n"
    }

    /// DER certificates from a PEM file's text.
    static func certificatesFromPEM(_ text: String) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: String? = nil
        for line in text.split(separator: "\n") {
            if line.hasPrefix("-----BEGIN CERTIFICATE") { current = "" }
            else if line.hasPrefix("-----END CERTIFICATE") {
                if let c = current, let d = Data(base64Encoded: c) { out.append([UInt8](d)) }
                current = nil
            } else if let c = current { current = c + line }
        }
        return out
    }

    /// The raw 32-byte seed of an openssl Ed25519 PKCS#8 PEM private key (RFC 8410 §7: the
    /// last 32 bytes of the DER are the CurvePrivateKey OCTET STRING content).
    static func ed25519SeedFromPEM(_ text: String) -> [UInt8]? {
        let b64 = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let d = Data(base64Encoded: b64), d.count == 48 else { return nil }
        return Array([UInt8](d).suffix(32))
    }

    /// A PKCS#8 PEM for an Ed25519 seed (RFC 8410 §7), for tools that load our keys.
    static func ed25519PKCS8PEM(seed: [UInt8]) -> String {
        let der: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + seed
        return "-----BEGIN PRIVATE KEY-----\n\(Data(der).base64EncodedString())\n-----END PRIVATE KEY-----\n"
    }
}
