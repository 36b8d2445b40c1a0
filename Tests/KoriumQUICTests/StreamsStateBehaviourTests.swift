import KoriumQUIC
import KoriumWire
import Testing

@Suite("StreamsState: back-pressure, reset and stop-sending, limits, fairness, auto-tuning")
struct StreamsStateBehaviourTests {
    /// Runs the pair until nothing moves (bounded).
    static func settle(_ pair: inout StreamsPair, rounds: Int = 500) {
        for _ in 0..<rounds where pair.step() {}
    }

    @Test("back-pressure: write accepts only the send buffer's room; acknowledgements free it and signal .writable")
    func backPressure() throws {
        var pair = StreamsPair(seed: 1, sendBuffer: 4000)
        let id = pair.client.openStream(bidirectional: true)!
        #expect(try pair.client.write([UInt8](repeating: 7, count: 10_000), to: id) == 4000)
        #expect(try pair.client.write([1], to: id) == 0)
        #expect(pair.client.sendBufferedBytes(id) == 4000)
        #expect(pair.client.drainEvents().isEmpty)
        Self.settle(&pair)
        #expect(pair.client.drainEvents() == [.writable(id)])
        #expect(pair.client.sendBufferedBytes(id) == 0)
        #expect(try pair.client.write([UInt8](repeating: 7, count: 10_000), to: id) == 4000)
    }

    @Test("flow control holds data back and DATA_BLOCKED / STREAM_DATA_BLOCKED are sent; reading releases it")
    func flowControlBlocking() throws {
        let small = StreamsPair.parameters(streams: 10, maxData: 3000, streamData: 2000)
        var pair = StreamsPair(seed: 2, clientParameters: small, serverParameters: small, sendBuffer: 100_000,
                               maxStreamWindow: 2000, maxConnectionWindow: 3000)
        var blocked: [String] = []
        pair.observer = { frame, fromClient in
            guard fromClient else { return }
            if case .dataBlocked(let limit) = frame { blocked.append("data \(limit)") }
            if case .streamDataBlocked(_, let limit) = frame { blocked.append("stream \(limit)") }
        }
        let a = pair.client.openStream(bidirectional: true)!
        let b = pair.client.openStream(bidirectional: true)!
        #expect(try pair.client.write([UInt8](repeating: 1, count: 5000), to: a) == 5000)
        Self.settle(&pair)
        #expect(blocked == ["stream 2000"])
        #expect(try pair.client.write([UInt8](repeating: 2, count: 5000), to: b) == 5000)
        Self.settle(&pair)
        #expect(blocked == ["stream 2000", "data 3000"])
        var got = 0
        for _ in 0..<100 {
            got += try pair.server.read(a).0.count + pair.server.read(b).0.count
            _ = pair.step()
        }
        #expect(got == 10_000)
    }

    @Test("reset: the peer sees .reset and resetByPeer with the final size agreed; writes after it fail")
    func resetStream() throws {
        var pair = StreamsPair(seed: 3)
        let id = pair.client.openStream(bidirectional: true)!
        #expect(try pair.client.write([UInt8](repeating: 1, count: 3000), to: id) == 3000)
        _ = pair.step()
        try pair.client.resetStream(id, errorCode: 77)
        #expect(throws: StreamError.alreadyFinished) { try pair.client.write([1], to: id) }
        #expect(throws: StreamError.alreadyFinished) { try pair.client.finish(id) }
        Self.settle(&pair)
        #expect(pair.server.drainEvents().contains(.reset(id, errorCode: 77)))
        #expect(throws: StreamError.resetByPeer(errorCode: 77)) { try pair.server.read(id) }
        // The server's own direction is still open: finish it and the stream disappears on both sides.
        try pair.server.finish(id)
        Self.settle(&pair)
        #expect(try pair.client.read(id).1)
        Self.settle(&pair)
        #expect(pair.client.streamCount == 0 && pair.server.streamCount == 0)
    }

    @Test("STOP_SENDING: the sender resets with the same code (§3.5) and reports .stopSending; the reader's data is discarded")
    func stopSending() throws {
        var pair = StreamsPair(seed: 4)
        var resets: [(UInt64, UInt64)] = []
        pair.observer = { frame, fromClient in
            if fromClient, case .resetStream(_, let code, let finalSize) = frame { resets.append((code, finalSize)) }
        }
        let id = pair.client.openStream(bidirectional: false)!
        #expect(try pair.client.write([UInt8](repeating: 1, count: 1500), to: id) == 1500)
        Self.settle(&pair)
        try pair.server.stopSending(id, errorCode: 5)
        #expect(throws: StreamError.notReadable) { try pair.server.read(id) }
        Self.settle(&pair)
        #expect(pair.client.drainEvents() == [.stopSending(id, errorCode: 5)])
        #expect(resets.count == 1 && resets[0] == (5, 1500))
        // The reset ended both parts: nothing is left on either side.
        #expect(pair.client.streamCount == 0 && pair.server.streamCount == 0)
        #expect(throws: StreamError.unknownStream) { try pair.client.write([1], to: id) }
    }

    @Test("write after STOP_SENDING reports stoppedByPeer while the reset is unacknowledged")
    func stoppedByPeer() throws {
        var client = StreamsStateErrorTests.fresh(.client)
        let id = client.openStream(bidirectional: true)!
        try client.onStopSending(streamID: id.rawValue, errorCode: 9)
        #expect(throws: StreamError.stoppedByPeer(errorCode: 9)) { try client.write([1], to: id) }
        #expect(client.drainEvents() == [.stopSending(id, errorCode: 9)])
    }

    @Test("a frame on a higher stream opens all lower ones of its type (§3.2)")
    func implicitOpening() throws {
        var server = StreamsStateErrorTests.fresh(.server, streams: 10)
        try deliverStream(&server, id: StreamID(index: 3, initiator: .client, isBidirectional: false).rawValue, [1])
        let opened = (0..<4).map { StreamEvent.opened(StreamID(index: $0, initiator: .client, isBidirectional: false)) }
        #expect(server.drainEvents() == opened + [.readable(StreamID(index: 3, initiator: .client, isBidirectional: false))])
        #expect(server.streamCount == 4)
        try deliverStream(&server, id: StreamID(index: 1, initiator: .client, isBidirectional: false).rawValue, [1])
        #expect(server.streamCount == 4)
    }

    @Test("stream limits: openStream fails at the peer's limit, STREAMS_BLOCKED goes out, closing streams brings MAX_STREAMS and .streamsAvailable")
    func streamLimits() throws {
        let p = StreamsPair.parameters(streams: 2)
        var pair = StreamsPair(seed: 5, clientParameters: p, serverParameters: p)
        var frames: [String] = []
        pair.observer = { frame, fromClient in
            if case .streamsBlocked(let bidi, let limit) = frame, fromClient { frames.append("blocked \(bidi) \(limit)") }
            if case .maxStreams(let bidi, let maximum) = frame, !fromClient { frames.append("max \(bidi) \(maximum)") }
        }
        let a = pair.client.openStream(bidirectional: false)!
        let b = pair.client.openStream(bidirectional: false)!
        #expect(pair.client.openStream(bidirectional: false) == nil)
        Self.settle(&pair)
        #expect(frames == ["blocked false 2"])
        try pair.client.finish(a)
        try pair.client.finish(b)
        Self.settle(&pair)
        for event in pair.server.drainEvents() { if case .readable(let id) = event { #expect(try pair.server.read(id).1) } }
        Self.settle(&pair)
        // Both slots freed before the next packet: one MAX_STREAMS carries the new limit.
        #expect(frames == ["blocked false 2", "max false 4"])
        #expect(pair.client.drainEvents() == [.streamsAvailable(bidirectional: false)])
        #expect(pair.client.openStream(bidirectional: false) != nil)
    }

    @Test("fairness: streams with pending data share packets round-robin")
    func roundRobin() throws {
        var pair = StreamsPair(seed: 6, sendBuffer: 100_000)
        let ids = (0..<3).map { _ in pair.client.openStream(bidirectional: true)! }
        for id in ids { #expect(try pair.client.write([UInt8](repeating: 1, count: 12_000), to: id) == 12_000) }
        var order: [UInt64] = []
        for _ in 0..<6 {
            let packet = pair.makePacket(fromClient: true)!
            for record in packet.records { if case .stream(let id, _, _, _) = record { order.append(id.rawValue) } }
        }
        #expect(order == [0, 4, 8, 0, 4, 8])
    }

    @Test("a fast reader makes the receive window grow (auto-tuning), capped by the configured maximum")
    func autoTuning() throws {
        var pair = StreamsPair(seed: 7, sendBuffer: 1 << 20, maxStreamWindow: 128 * 1024, maxConnectionWindow: 1 << 20)
        var increments: [UInt64] = []
        var last: UInt64 = 16 * 1024
        var connectionIncrements: [UInt64] = []
        var lastData: UInt64 = 64 * 1024
        pair.observer = { frame, fromClient in
            if !fromClient, case .maxStreamData(_, let maximum) = frame, maximum > last {
                increments.append(maximum - last)
                last = maximum
            }
            if !fromClient, case .maxData(let maximum) = frame, maximum > lastData {
                connectionIncrements.append(maximum - lastData)
                lastData = maximum
            }
        }
        let id = pair.client.openStream(bidirectional: false)!
        let data = [UInt8](repeating: 3, count: 1 << 20)
        var written = 0, read = 0
        while read < data.count {
            if written < data.count {
                written += try pair.client.write(Array(data[written...]), to: id)
                if written == data.count { try pair.client.finish(id) }
            }
            // Not known to the server until its first frame arrives; gone once the FIN is read.
            read += (try? pair.server.read(id, max: 1 << 20))?.0.count ?? 0
            _ = pair.step(burst: 64)
        }
        #expect(read == data.count)
        // The window doubled from 16 KiB up to the 128 KiB cap, never beyond.
        #expect(increments.contains { $0 > 16 * 1024 })
        #expect(increments.allSatisfy { $0 <= 128 * 1024 })
        // The connection window followed the stream window past its initial 64 KiB.
        #expect(connectionIncrements.contains { $0 > 64 * 1024 })
    }
}

@Suite("StreamsState: regressions")
struct StreamsStateRegressionTests {
    @Test("lost data is retransmitted while new data waits for connection credit (no deadlock)")
    func retransmitWhileConnectionBlocked() throws {
        let small = StreamsPair.parameters(streams: 10, maxData: 3000, streamData: 10_000)
        var pair = StreamsPair(seed: 8, loss: 100, clientParameters: small, serverParameters: small, sendBuffer: 100_000,
                               maxStreamWindow: 10_000, maxConnectionWindow: 3000)
        let id = pair.client.openStream(bidirectional: false)!
        #expect(try pair.client.write([UInt8](repeating: 9, count: 5000), to: id) == 5000)
        try pair.client.finish(id)
        _ = pair.step()  // everything sent so far is lost
        pair.lossPercent = 0
        var got: [UInt8] = []
        var finished = false
        for _ in 0..<200 where !finished {
            _ = pair.step()
            if let (bytes, fin) = try? pair.server.read(id) { got += bytes; finished = fin }
        }
        #expect(finished && got == [UInt8](repeating: 9, count: 5000))
    }

    @Test("data written while the connection window is exhausted is sent once MAX_DATA arrives")
    func writeWhileConnectionBlocked() throws {
        let small = StreamsPair.parameters(streams: 10, maxData: 1000, streamData: 10_000)
        var pair = StreamsPair(seed: 9, clientParameters: small, serverParameters: small, sendBuffer: 100_000,
                               maxStreamWindow: 10_000, maxConnectionWindow: 1000)
        let a = pair.client.openStream(bidirectional: false)!
        #expect(try pair.client.write([UInt8](repeating: 1, count: 1000), to: a) == 1000)
        for _ in 0..<5 { _ = pair.step() }
        let b = pair.client.openStream(bidirectional: false)!
        #expect(try pair.client.write([UInt8](repeating: 2, count: 1000), to: b) == 1000)
        try pair.client.finish(b)
        var got: [UInt8] = []
        var finished = false
        for _ in 0..<100 where !finished {
            _ = try? pair.server.read(a)
            if let (bytes, fin) = try? pair.server.read(b) { got += bytes; finished = fin }
            _ = pair.step()
        }
        #expect(finished && got == [UInt8](repeating: 2, count: 1000))
    }
}

@Suite("StreamsState: resets and STOP_SENDING under loss")
struct StreamsStateChaosTests {
    @Test("200 streams, some reset by the sender and some stopped by the receiver, through loss: each ends consistently and both tables empty")
    func resetsAndStopsUnderLoss() throws {
        var pair = StreamsPair(seed: 11, loss: 10, reorder: 10)
        var plan = SeededGenerator(seed: 12)
        let total = 200
        enum Fate { case complete, resetBySender, stoppedByReceiver }
        let fates: [Fate] = (0..<total).map { _ in [.complete, .complete, .resetBySender, .stoppedByReceiver][Int.random(in: 0..<4, using: &plan)] }
        var ids: [StreamID] = []
        var index: [StreamID: Int] = [:]
        var written = [Int](repeating: 0, count: total)
        var clientFinished = Set<Int>()
        var received: [StreamID: [UInt8]] = [:]
        var outcome: [Int: String] = [:]
        var stopped = Set<Int>()
        var rounds = 0
        while outcome.count < total && rounds < 5000 {
            rounds += 1
            while ids.count < total, let id = pair.client.openStream(bidirectional: false) {
                index[id] = ids.count
                ids.append(id)
            }
            for (k, id) in ids.enumerated() where !clientFinished.contains(k) {
                let data = StreamsStateTests.payload(k, size: 3000)
                if written[k] < data.count, let n = try? pair.client.write(Array(data[written[k]...]), to: id) { written[k] += n }
                if fates[k] == .resetBySender && written[k] >= 1500 {
                    try? pair.client.resetStream(id, errorCode: UInt64(k))
                    clientFinished.insert(k)
                } else if written[k] == data.count {
                    try? pair.client.finish(id)
                    clientFinished.insert(k)
                }
            }
            for event in pair.server.drainEvents() {
                if case .opened(let id) = event { received[id] = [] }
            }
            for (id, bytes) in received {
                let k = index[id]!
                do {
                    let (more, finished) = try pair.server.read(id)
                    received[id] = bytes + more
                    if finished {
                        #expect(received[id]! == StreamsStateTests.payload(k, size: 3000))
                        outcome[k] = "complete"
                        received[id] = nil
                    } else if fates[k] == .stoppedByReceiver && received[id]!.count >= 1000 && !stopped.contains(k) {
                        try pair.server.stopSending(id, errorCode: 1000 + UInt64(k))
                        stopped.insert(k)
                        outcome[k] = "stopped"
                        received[id] = nil
                    }
                } catch StreamError.resetByPeer(let code) {
                    #expect(code == UInt64(k) || code == 1000 + UInt64(k))
                    outcome[k] = "reset"
                    received[id] = nil
                }
            }
            _ = pair.client.drainEvents()
            _ = pair.step()
        }
        for _ in 0..<500 where pair.step() {}
        #expect(outcome.count == total)
        #expect(outcome.values.contains("reset") && outcome.values.contains("stopped"))
        for k in 0..<total {
            switch fates[k] {
            case .complete: #expect(outcome[k] == "complete")
            case .resetBySender: #expect(outcome[k] == "reset" || outcome[k] == "complete")
            case .stoppedByReceiver: #expect(outcome[k] == "stopped" || outcome[k] == "complete")
            }
        }
        #expect(pair.client.streamCount == 0 && pair.server.streamCount == 0)
        #expect(!pair.client.hasPendingFrames && !pair.server.hasPendingFrames)
    }
}

@Suite("StreamsState: repeated blocked reports")
struct StreamsStateBlockedRepeatTests {
    @Test("requeueBlockedReports repeats DATA_BLOCKED and STREAM_DATA_BLOCKED while still blocked, nothing once unblocked")
    func repeatBlocked() throws {
        let small = StreamsPair.parameters(streams: 10, maxData: 1500, streamData: 1000)
        var pair = StreamsPair(seed: 13, clientParameters: small, serverParameters: small, sendBuffer: 100_000,
                               maxStreamWindow: 1000, maxConnectionWindow: 1500)
        var reports: [String] = []
        pair.observer = { frame, fromClient in
            guard fromClient else { return }
            if case .dataBlocked(let limit) = frame { reports.append("data \(limit)") }
            if case .streamDataBlocked(let id, let limit) = frame { reports.append("stream \(id) \(limit)") }
        }
        let a = pair.client.openStream(bidirectional: false)!
        let b = pair.client.openStream(bidirectional: false)!
        #expect(try pair.client.write([UInt8](repeating: 1, count: 2000), to: a) == 2000)
        #expect(try pair.client.write([UInt8](repeating: 1, count: 2000), to: b) == 2000)
        for _ in 0..<20 { _ = pair.step() }
        let first = reports
        #expect(first.contains("data 1500") && first.contains { $0.hasPrefix("stream \(a.rawValue)") })
        #expect(!pair.client.hasPendingFrames)
        let requeued = pair.client.requeueBlockedReports()
        #expect(requeued)
        for _ in 0..<20 { _ = pair.step() }
        #expect(reports.count > first.count && reports.dropFirst(first.count).contains("data 1500"))
        // Once the receiver reads, credit flows and nothing is blocked any more.
        for _ in 0..<50 {
            _ = try? pair.server.read(a)
            _ = try? pair.server.read(b)
            _ = pair.step()
        }
        let stillBlocked = pair.client.requeueBlockedReports()
        #expect(!stillBlocked)
    }
}
