import KoriumQUIC
import KoriumWire
import Testing

@Suite("StreamsState: streams, flow control, limits (RFC 9000 §2–§4, §19.4–§19.14)")
struct StreamsStateTests {
    /// The bytes of the `k`-th stream of a transfer: deterministic, so both ends can check them.
    static func payload(_ k: Int, size: Int) -> [UInt8] {
        var rng = SeededGenerator(seed: UInt64(k) &* 7919 &+ 1)
        return rng.bytes(size)
    }

    @Test("1000 streams of random sizes arrive byte-exact through loss, reordering and duplicates; tables empty after")
    func thousandStreams() throws {
        var pair = StreamsPair(seed: 42, loss: 5, reorder: 10)
        var sizeRNG = SeededGenerator(seed: 7)
        let total = 1000
        let sizes = (0..<total).map { _ in Int.random(in: 0...6000, using: &sizeRNG) }
        let bidi = (0..<total).map { $0 % 3 != 0 }
        // Flow-control audit: what each receiver allowed (delivered to the sender) vs what it got.
        var streamLimit: [StreamID: UInt64] = [:]
        var connectionLimit: UInt64 = StreamsPair.parameters().initialMaxData
        var highest: [StreamID: UInt64] = [:]
        var violations = 0
        pair.observer = { frame, fromClient in
            switch frame {
            case .maxStreamData(let id, let maximum) where !fromClient:
                streamLimit[StreamID(rawValue: id)] = max(streamLimit[StreamID(rawValue: id)] ?? 0, maximum)
            case .maxData(let maximum) where !fromClient:
                connectionLimit = max(connectionLimit, maximum)
            case .stream(let s) where fromClient:
                let id = StreamID(rawValue: s.streamID)
                let end = s.offset + UInt64(s.data.count)
                if end > (streamLimit[id] ?? 16 * 1024) { violations += 1 }
                highest[id] = max(highest[id] ?? 0, end)
                if highest.values.reduce(0, +) > connectionLimit { violations += 1 }
            default: break
            }
        }

        var opened = 0
        var streamIndex: [StreamID: Int] = [:]
        var writers: [(id: StreamID, k: Int, data: [UInt8], offset: Int)] = []
        var serverStreams: [StreamID: [UInt8]] = [:]
        var serverDone = 0
        var responses: [StreamID: [UInt8]] = [:]
        var clientDone = 0
        var rounds = 0
        while (serverDone < total || clientDone < total) && rounds < 20_000 {
            rounds += 1
            while opened < total, let id = pair.client.openStream(bidirectional: bidi[opened]) {
                streamIndex[id] = opened
                writers.append((id, opened, Self.payload(opened, size: sizes[opened]), 0))
                opened += 1
            }
            for i in writers.indices.reversed() {
                let w = writers[i]
                if w.offset < w.data.count {
                    writers[i].offset += try pair.client.write(Array(w.data[w.offset...]), to: w.id)
                }
                if writers[i].offset == w.data.count {
                    try pair.client.finish(w.id)
                    writers.remove(at: i)
                }
            }
            for event in pair.server.drainEvents() {
                if case .opened(let id) = event { serverStreams[id] = [] }
            }
            for id in Array(serverStreams.keys) {
                let (bytes, finished) = try pair.server.read(id)
                serverStreams[id]! += bytes
                if finished {
                    let k = streamIndex[id]!
                    #expect(serverStreams[id]! == Self.payload(k, size: sizes[k]), "stream \(id)")
                    serverStreams[id] = nil
                    serverDone += 1
                    if id.isBidirectional {
                        // Answer with the length so the client side of the stream completes too.
                        var length = UInt64(sizes[k]).bigEndian
                        #expect(try withUnsafeBytes(of: &length) { try pair.server.write($0, to: id) } == 8)
                        try pair.server.finish(id)
                    }
                }
            }
            _ = pair.client.drainEvents()
            for (id, k) in streamIndex where id.isBidirectional {
                guard let (bytes, finished) = try? pair.client.read(id) else { continue }
                responses[id, default: []] += bytes
                if finished {
                    #expect(responses[id]! == withUnsafeBytes(of: UInt64(sizes[k]).bigEndian, Array.init))
                    streamIndex[id] = nil
                    clientDone += 1
                }
            }
            for (id, _) in streamIndex where !id.isBidirectional && pair.client.sendBufferedBytes(id) == nil {
                streamIndex[id] = nil
                clientDone += 1
            }
            _ = pair.step()
        }
        // Let the last acknowledgements drain.
        for _ in 0..<200 where pair.step() {}
        #expect(serverDone == total && clientDone == total)
        #expect(violations == 0)
        #expect(pair.client.streamCount == 0 && pair.server.streamCount == 0)
        #expect(!pair.client.hasPendingFrames && !pair.server.hasPendingFrames)
    }
}
