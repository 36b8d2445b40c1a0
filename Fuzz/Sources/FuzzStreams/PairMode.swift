// Two-party mode of FuzzStreams: a client and a server StreamsState exchange only what they
// write themselves, with fuzzed application calls, packet sizes, delivery order, loss and
// spurious loss. Invariant: neither side ever sees a transport error from the other (our
// sender never exceeds flow-control or stream limits, never changes a final size, never
// sends on a stream the peer cannot know).
import FuzzSupport
import KoriumQUIC

struct PairPacket {
    var bytes: [UInt8]
    var records: [StreamFrameRecord]
    var fromClient: Bool
}

func runPair(_ input: inout FuzzInput, client clientParameters: TransportParameters, server serverParameters: TransportParameters,
             sendBuffer: Int) {
    var sides = [
        StreamsState(role: .client, local: clientParameters, maxStreamReceiveWindow: 8192, maxConnectionReceiveWindow: 16384,
                     streamSendBufferSize: sendBuffer),
        StreamsState(role: .server, local: serverParameters, maxStreamReceiveWindow: 8192, maxConnectionReceiveWindow: 16384,
                     streamSendBufferSize: sendBuffer),
    ]
    sides[0].applyPeerParameters(serverParameters)
    sides[1].applyPeerParameters(clientParameters)
    var inFlight: [PairPacket] = []
    var now = Instant(nanoseconds: 1_000_000)
    var scratch = [UInt8](repeating: 0, count: 512)

    func deliver(_ packet: PairPacket, to sides: inout [StreamsState]) {
        let receiver = packet.fromClient ? 1 : 0
        packet.bytes.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            do throws(TransportError) {
                while let frame = try reader.next() {
                    let handled = try sides[receiver].handle(frame)
                    fuzzCheck(handled, "non-stream frame written by the stream layer")
                }
            } catch {
                fuzzCheck(false, "our own frames caused a transport error: \(error)")
            }
        }
    }

    while !input.isEmpty {
        let side = Int(input.takeUInt8() & 1)
        let id = StreamID(rawValue: UInt64(input.takeInt(below: 32)))
        switch input.takeInt(below: 11) {
        case 0: _ = sides[side].openStream(bidirectional: input.takeUInt8() & 1 == 0)
        case 1:
            let bytes = input.takeLengthPrefixed()
            _ = try? bytes.withUnsafeBytes { try sides[side].write($0, to: id) }
        case 2: try? sides[side].finish(id)
        case 3:
            let count = input.takeInt(below: scratch.count)
            _ = try? scratch.withUnsafeMutableBytes { try sides[side].read(id, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }
        case 4: try? sides[side].resetStream(id, errorCode: UInt64(input.takeUInt8()))
        case 5: try? sides[side].stopSending(id, errorCode: UInt64(input.takeUInt8()))
        case 6, 7:
            var packet = [UInt8](repeating: 0, count: 1 + input.takeInt(below: 1500))
            var records: [StreamFrameRecord] = []
            let written = packet.withUnsafeMutableBytes { raw in
                var writer = ByteWriter(into: raw)
                _ = sides[side].writeFrames(into: &writer, now: now, rtt: .milliseconds(10), records: &records)
                return writer.bytesWritten
            }
            guard written > 0 else { break }
            inFlight.append(PairPacket(bytes: Array(packet[0..<written]), records: records, fromClient: side == 0))
            if inFlight.count > 64 {
                let oldest = inFlight.removeFirst()
                for record in oldest.records { sides[oldest.fromClient ? 0 : 1].onLost(record) }
            }
        case 8, 9, 10:
            guard !inFlight.isEmpty else { break }
            let packet = inFlight.remove(at: input.takeInt(below: inFlight.count))
            let sender = packet.fromClient ? 0 : 1
            switch input.takeInt(below: 4) {
            case 0:
                for record in packet.records { sides[sender].onLost(record) }
            case 1:
                // Spurious loss: the data arrives, the sender hears "lost".
                deliver(packet, to: &sides)
                for record in packet.records { sides[sender].onLost(record) }
            default:
                deliver(packet, to: &sides)
                for record in packet.records { sides[sender].onAcked(record) }
            }
        default: break
        }
        now = now + .milliseconds(Int64(input.takeInt(below: 8)))
        _ = sides[0].pollEvent()
        _ = sides[1].pollEvent()
    }
}
