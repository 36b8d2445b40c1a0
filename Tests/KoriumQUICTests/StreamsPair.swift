import KoriumQUIC
import KoriumWire

/// Two `StreamsState`s joined by a lossy, reordering in-memory "network": every packet is
/// really encoded by `writeFrames` and decoded by `FrameReader`, and its records come back as
/// acknowledged or lost, like `Connection` will do. Deterministic for a given seed.
struct StreamsPair {
    struct Packet {
        var bytes: [UInt8]
        var records: [StreamFrameRecord]
        var fromClient: Bool
    }

    var client: StreamsState
    var server: StreamsState
    var rng: SeededGenerator
    var now = Instant(nanoseconds: 1_000_000_000)
    let rtt: Duration = .milliseconds(20)
    /// Percent of packets dropped / delivered out of order.
    var lossPercent: Int
    var reorderPercent: Int
    var packetSize: Int
    var inFlight: [Packet] = []
    var packetsSent = 0
    /// Every frame decoded, for flow-control checks by the tests.
    var observer: ((Frame, Bool) -> Void)?

    static func parameters(streams: UInt64 = 100, maxData: UInt64 = 64 * 1024, streamData: UInt64 = 16 * 1024) -> TransportParameters {
        var p = TransportParameters()
        p.initialMaxData = maxData
        p.initialMaxStreamDataBidiLocal = streamData
        p.initialMaxStreamDataBidiRemote = streamData
        p.initialMaxStreamDataUni = streamData
        p.initialMaxStreamsBidi = streams
        p.initialMaxStreamsUni = streams
        return p
    }

    init(seed: UInt64, loss: Int = 0, reorder: Int = 0, packetSize: Int = 1200,
         clientParameters: TransportParameters = StreamsPair.parameters(),
         serverParameters: TransportParameters = StreamsPair.parameters(),
         sendBuffer: Int = 8 * 1024, maxStreamWindow: UInt64 = 256 * 1024, maxConnectionWindow: UInt64 = 1024 * 1024) {
        rng = SeededGenerator(seed: seed)
        lossPercent = loss
        reorderPercent = reorder
        self.packetSize = packetSize
        client = StreamsState(role: .client, local: clientParameters, maxStreamReceiveWindow: maxStreamWindow,
                              maxConnectionReceiveWindow: maxConnectionWindow, streamSendBufferSize: sendBuffer)
        server = StreamsState(role: .server, local: serverParameters, maxStreamReceiveWindow: maxStreamWindow,
                              maxConnectionReceiveWindow: maxConnectionWindow, streamSendBufferSize: sendBuffer)
        client.applyPeerParameters(serverParameters)
        server.applyPeerParameters(clientParameters)
    }

    /// One packet from `client` or `server`, or nil when it had nothing to write.
    mutating func makePacket(fromClient: Bool) -> Packet? {
        var buffer = [UInt8](repeating: 0, count: packetSize)
        var records: [StreamFrameRecord] = []
        let now = self.now, rtt = self.rtt
        let (wrote, count) = buffer.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(into: raw)
            let wrote = fromClient
                ? client.writeFrames(into: &writer, now: now, rtt: rtt, records: &records)
                : server.writeFrames(into: &writer, now: now, rtt: rtt, records: &records)
            return (wrote, writer.bytesWritten)
        }
        guard wrote else { return nil }
        precondition(!records.isEmpty, "bytes written without records")
        return Packet(bytes: Array(buffer[0..<count]), records: records, fromClient: fromClient)
    }

    /// Delivers `packet` to its receiver; returns the transport error that would close the connection.
    mutating func deliver(_ packet: Packet) -> TransportError? {
        let result: TransportError? = packet.bytes.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            do throws(TransportError) {
                while let frame = try reader.next() {
                    observer?(frame, packet.fromClient)
                    let handled = packet.fromClient ? try server.handle(frame) : try client.handle(frame)
                    precondition(handled, "non-stream frame from the stream layer")
                }
                return nil
            } catch {
                return error
            }
        }
        for record in packet.records {
            if packet.fromClient { client.onAcked(record) } else { server.onAcked(record) }
        }
        return result
    }

    mutating func lose(_ packet: Packet) {
        for record in packet.records {
            if packet.fromClient { client.onLost(record) } else { server.onLost(record) }
        }
    }

    /// Sends what both sides have (up to `burst` packets each), then delivers, drops or
    /// holds back packets; returns false when nothing moved.
    mutating func step(burst: Int = 8) -> Bool {
        var moved = false
        for fromClient in [true, false] {
            for _ in 0..<burst {
                guard let packet = makePacket(fromClient: fromClient) else { break }
                packetsSent += 1
                inFlight.append(packet)
                moved = true
            }
        }
        now = now + .milliseconds(5)
        var held: [Packet] = []
        inFlight.shuffle(using: &rng)
        for packet in inFlight {
            if Int.random(in: 0..<100, using: &rng) < reorderPercent && held.count < 16 {
                held.append(packet)
            } else if Int.random(in: 0..<100, using: &rng) < lossPercent {
                // Sometimes a packet declared lost still arrives (spurious loss): the receiver
                // sees duplicates, the sender only hears "lost".
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    var duplicate = packet
                    duplicate.records = []
                    if let error = deliver(duplicate) { preconditionFailure("unexpected transport error \(error)") }
                }
                lose(packet)
                moved = true
            } else {
                if let error = deliver(packet) { preconditionFailure("unexpected transport error \(error)") }
                moved = true
            }
        }
        inFlight = held
        return moved || !inFlight.isEmpty
    }
}

extension StreamsState {
    /// Test shorthand: write an array.
    mutating func write(_ bytes: [UInt8], to id: StreamID) throws(StreamError) -> Int {
        let result: Result<Int, StreamError> = bytes.withUnsafeBytes { raw in
            do throws(StreamError) { return .success(try write(raw, to: id)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Test shorthand: read up to `max` bytes.
    mutating func read(_ id: StreamID, max: Int = 65536) throws(StreamError) -> ([UInt8], Bool) {
        var buffer = [UInt8](repeating: 0, count: max)
        let result: Result<StreamRead, StreamError> = buffer.withUnsafeMutableBytes { raw in
            do throws(StreamError) { return .success(try read(id, into: raw)) } catch { return .failure(error) }
        }
        let r = try result.get()
        return (Array(buffer[0..<r.count]), r.isFinished)
    }

    mutating func drainEvents() -> [StreamEvent] {
        var out: [StreamEvent] = []
        while let e = pollEvent() { out.append(e) }
        return out
    }
}
