import KoriumQUIC
import Testing

@Suite("Stream IDs, reassembly and flow control (RFC 9000 §2–§4)")
struct StreamTests {
    @Test("stream ID bits: initiator and direction (§2.1, Table 1)")
    func streamIDs() {
        let expected: [(UInt64, Role, Bool)] = [(0, .client, true), (1, .server, true), (2, .client, false), (3, .server, false)]
        for (raw, initiator, bidi) in expected {
            let id = StreamID(rawValue: raw)
            #expect(id.initiator == initiator && id.isBidirectional == bidi && id.index == 0)
            #expect(StreamID(index: 5, initiator: initiator, isBidirectional: bidi).rawValue == 20 + raw)
        }
        #expect(!StreamID(rawValue: 2).canSend(.server) && StreamID(rawValue: 2).canReceive(.server))
        #expect(StreamID(rawValue: 2).canSend(.client) && !StreamID(rawValue: 2).canReceive(.client))
    }

    func insert(_ buffer: inout ReassemblyBuffer, _ offset: UInt64, _ bytes: [UInt8], fin: Bool = false) throws(TransportError) {
        let result: Result<Void, TransportError> = bytes.withUnsafeBytes { raw in
            do throws(TransportError) { return .success(try buffer.insert(offset: offset, data: raw, isFinal: fin)) } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    func readAll(_ buffer: inout ReassemblyBuffer, chunk: Int = 7) -> [UInt8] {
        var out: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = scratch.withUnsafeMutableBytes { buffer.read(into: $0) }
            if n == 0 { return out }
            out += scratch[0..<n]
        }
    }

    @Test("out-of-order, overlapping and duplicate frames reassemble in order through the ring")
    func reassemblyProperty() throws {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<100 {
            let message = rng.bytes(Int.random(in: 1...3000, using: &rng))
            var buffer = ReassemblyBuffer(capacity: 512)
            var delivered: [UInt8] = []
            var pending: [(Int, Int)] = []
            var position = 0
            while position < message.count {
                let n = min(Int.random(in: 1...120, using: &rng), message.count - position)
                pending.append((position, n))
                position += n
            }
            // Deliver with reordering inside the window, some duplicates, reading as we go.
            while !pending.isEmpty {
                let windowEnd = Int(buffer.readOffset) + buffer.capacity
                let eligible = pending.indices.filter { pending[$0].0 + pending[$0].1 <= windowEnd }
                let pick = eligible[Int.random(in: 0..<eligible.count, using: &rng)]
                let (offset, length) = pending[pick]
                if Int.random(in: 0..<5, using: &rng) != 0 { pending.remove(at: pick) }
                try insert(&buffer, UInt64(offset), Array(message[offset..<(offset + length)]), fin: offset + length == message.count)
                delivered += readAll(&buffer)
            }
            #expect(delivered == message)
            #expect(buffer.isFinished)
        }
    }

    @Test("final size rules give FINAL_SIZE_ERROR; beyond the window is FLOW_CONTROL_ERROR (§4.5)")
    func finalSize() throws {
        var buffer = ReassemblyBuffer(capacity: 100)
        try insert(&buffer, 0, [1, 2, 3, 4, 5], fin: false)
        #expect(throws: TransportError(.finalSizeError, "final size below received data")) { try insert(&buffer, 0, [1, 2], fin: true) }
        try insert(&buffer, 5, [6], fin: true)
        #expect(buffer.finalSize == 6)
        #expect(throws: TransportError(.finalSizeError, "data beyond the final size")) { try insert(&buffer, 6, [7]) }
        #expect(throws: TransportError(.finalSizeError, "final size changed")) { try buffer.onReset(finalSize: 7) }
        try buffer.onReset(finalSize: 6)
        var small = ReassemblyBuffer(capacity: 10)
        #expect(throws: TransportError(.flowControlError, "data beyond the receive buffer")) { try insert(&small, 5, [UInt8](repeating: 0, count: 6)) }
    }

    @Test("too many disjoint ranges: the extra frame is dropped, not stored")
    func rangeCap() throws {
        var buffer = ReassemblyBuffer(capacity: 1000)
        for i in 0..<UInt64(ReassemblyBuffer.maxRanges + 5) { try insert(&buffer, 1 + i * 3, [0xaa]) }
        try insert(&buffer, 0, [0x01])
        #expect(readAll(&buffer) == [0x01, 0xaa])
    }

    @Test("receive flow control: violation is FLOW_CONTROL_ERROR; updates at half window; window auto-tunes")
    func receiveFlowControl() throws {
        var fc = ReceiveFlowControl(initialWindow: 1000, maximumWindow: 4000)
        #expect(try fc.onDataReceived(upTo: 600) == 600)
        #expect(try fc.onDataReceived(upTo: 500) == 0)
        #expect(throws: TransportError(.flowControlError, "peer exceeded the flow-control limit")) { try fc.onDataReceived(upTo: 1001) }
        fc.onConsumed(400)
        #expect(fc.pollUpdate(now: at(0), rtt: .milliseconds(100)) == nil)  // 600 left > 500
        fc.onConsumed(200)
        #expect(fc.pollUpdate(now: at(0), rtt: .milliseconds(100)) == 1600)
        _ = try fc.onDataReceived(upTo: 1600)
        fc.onConsumed(1000)
        // The previous update was 50 ms ago (< 2 RTT): the window doubles.
        #expect(fc.pollUpdate(now: at(50), rtt: .milliseconds(100)) == 1600 + 2000)
        #expect(fc.window == 2000)
    }

    @Test("send flow control: limits only grow; blocked is reported once per limit")
    func sendFlowControl() {
        var fc = SendFlowControl(initialMaximum: 100)
        fc.onSent(100)
        #expect(fc.pollBlocked() == 100)
        #expect(fc.pollBlocked() == nil)
        fc.onMaximumRaised(to: 50)
        #expect(fc.maximum == 100)
        fc.onMaximumRaised(to: 150)
        #expect(fc.available == 50)
        fc.onSent(50)
        #expect(fc.pollBlocked() == 150)
    }
}
