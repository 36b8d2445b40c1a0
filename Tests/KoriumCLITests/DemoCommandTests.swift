import Foundation
import Testing
@testable import KoriumCLI

/// `korium demo`: the built binary runs a 4-node cluster over real QUIC on loopback and must
/// pass every check; the gossip pipe framing is checked on its own.
@Suite("korium demo")
struct DemoCommandTests {
    @Test("korium demo --nodes 4 passes every check and prints the table")
    func fourNodes() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: QUICCommandTests.binary)
        p.arguments = ["demo", "--nodes", "4", "--timeout", "30"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("FIND_VALUE found every value ........ ok (9/9)"))
        #expect(text.contains("every message reached every node .... ok (15/15)"))
        #expect(text.contains("demo: PASS"))
        // One table row per node: index, 8-hex-digit ID, 3 peers connected.
        let rows = text.split(separator: "\n").filter { $0.range(of: #"^ +[0-3] +[0-9a-f]{8} +3 "#, options: .regularExpression) != nil }
        #expect(rows.count == 4, "\(text)")
    }

    @Test("an impossible deadline fails with exit code 1")
    func deadline() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: QUICCommandTests.binary)
        p.arguments = ["demo", "--nodes", "3", "--timeout", "0.001"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
    }

    @Test("gossip frames split across reads are reassembled; an oversized length is refused")
    func framing() throws {
        let a = DemoFrame.encode([1, 2, 3]), b = DemoFrame.encode([]), c = DemoFrame.encode(Array(repeating: 7, count: 300))
        let bytes = a + b + c
        var decoder = DemoFrameDecoder(limit: 300)
        var frames: [[UInt8]] = []
        for chunk in stride(from: 0, to: bytes.count, by: 5).map({ Array(bytes[$0..<min($0 + 5, bytes.count)]) }) {
            decoder.append(chunk)
            while let f = try decoder.next() { frames.append(f) }
        }
        #expect(frames == [[1, 2, 3], [], Array(repeating: 7, count: 300)])
        #expect(decoder.pendingBytes == 0)
        var small = DemoFrameDecoder(limit: 299)
        small.append(c)
        #expect(throws: DemoFrame.Error.tooLarge(length: 300, limit: 299)) { try small.next() }
    }
}
