import Testing

@testable import KoriumQUIC

/// Moves `total` bytes from the client to the server on one bidirectional stream.
struct BulkTransfer {
    let total: Int
    var sent = 0
    var received: [UInt8] = []
    var finished = false
    var stream: StreamID?
    var serverStream: StreamID?
    var readBuffer = [UInt8](repeating: 0, count: 65536)

    static func pattern(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }

    mutating func step(_ pair: inout ConnectionPair) {
        if stream == nil { stream = pair.client.openStream(bidirectional: true) }
        if let id = stream, sent < total {
            let chunk = (sent..<Swift.min(total, sent + 16384)).map(Self.pattern)
            let n = (try? chunk.withUnsafeBytes { try pair.client.write($0, to: id) }) ?? 0
            sent += n
            if sent == total { try? pair.client.finish(id) }
        }
        if serverStream == nil {
            for case .streamOpened(let id) in pair.serverEvents { serverStream = id }
        }
        if let id = serverStream, pair.server != nil, !finished {
            while true {
                guard let r = try? readBuffer.withUnsafeMutableBytes({ try pair.server!.read(id, into: $0) }) else { break }
                received.append(contentsOf: readBuffer[0..<r.count])
                if r.isFinished { finished = true }
                if r.count == 0 { break }
            }
        }
    }
}

@Suite("Connection streams")
struct ConnectionStreamTests {
    @Test("256 KiB client→server on a bidirectional stream arrives intact with FIN")
    func bulkTransfer() throws {
        var pair = try ConnectionPair()
        var transfer = BulkTransfer(total: 256 * 1024)
        try pair.run(for: .seconds(30), step: { transfer.step(&$0) }, stopWhen: { _ in transfer.finished })
        #expect(transfer.finished)
        #expect(transfer.received.count == transfer.total)
        #expect(transfer.received == (0..<transfer.total).map(BulkTransfer.pattern))
        #expect(pair.serverEvents.contains(.streamOpened(try #require(transfer.serverStream))))
    }
}
