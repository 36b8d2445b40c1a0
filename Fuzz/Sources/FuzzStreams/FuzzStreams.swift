// Fuzz target: the QUIC stream layer (RFC 9000 §2–§4, §19.4–§19.14) in KoriumQUIC.
//
// The first bytes pick the role and small limits; the rest is a script of operations: a
// length-prefixed 1-RTT payload decoded by FrameReader whose stream frames go to
// `StreamsState.handle`, application calls (open, write, finish, read, reset, stop sending),
// `writeFrames` into a buffer of fuzzed size, and acknowledging or losing a recorded frame.
// Invariants: no trap; a peer error carries a stream-layer RFC code and ends the run (the
// connection would close); every packet written parses back into stream-layer frames with
// one record per frame; the stream table never exceeds the limits. When bit 1 of the first
// byte is set the input drives two StreamsStates talking to each other instead (PairMode.swift).
import FuzzSupport
import KoriumQUIC

let peerErrorCodes: Set<TransportErrorCode> = [
    .streamStateError, .streamLimitError, .flowControlError, .finalSizeError, .frameEncodingError, .protocolViolation,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreams(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.takeUInt8()
    let role: Role = mode & 1 == 0 ? .client : .server
    var local = TransportParameters()
    local.initialMaxStreamsBidi = UInt64(input.takeInt(below: 9))
    local.initialMaxStreamsUni = UInt64(input.takeInt(below: 9))
    local.initialMaxData = UInt64(input.takeInt(below: 4096))
    local.initialMaxStreamDataBidiLocal = UInt64(input.takeInt(below: 2048))
    local.initialMaxStreamDataBidiRemote = UInt64(input.takeInt(below: 2048))
    local.initialMaxStreamDataUni = UInt64(input.takeInt(below: 2048))
    var peer = local
    peer.initialMaxStreamsBidi = UInt64(input.takeInt(below: 9))
    peer.initialMaxStreamsUni = UInt64(input.takeInt(below: 9))
    peer.initialMaxData = UInt64(input.takeInt(below: 4096))
    let sendBuffer = 1 + input.takeInt(below: 3000)
    if mode & 2 != 0 {
        runPair(&input, client: local, server: peer, sendBuffer: sendBuffer)
        return 0
    }
    var streams = StreamsState(role: role, local: local, maxStreamReceiveWindow: 8192,
                               maxConnectionReceiveWindow: 16384, streamSendBufferSize: sendBuffer)
    streams.applyPeerParameters(peer)
    var records: [StreamFrameRecord] = []
    var now = Instant(nanoseconds: 1_000_000)
    var packet = [UInt8](repeating: 0, count: 1500)
    var scratch = [UInt8](repeating: 0, count: 512)
    // Peer streams live at once are bounded by our limits; ours by what we opened.
    var maxLive = Int(local.initialMaxStreamsBidi + local.initialMaxStreamsUni)

    while !input.isEmpty {
        // Streams named by the script: any of the first few IDs of each type.
        let id = StreamID(rawValue: UInt64(input.takeInt(below: 48)))
        switch input.takeInt(below: 12) {
        case 0, 1:
            let payload = input.takeLengthPrefixed()
            var failed: TransportError?
            payload.withUnsafeBytes { raw in
                var reader = FrameReader(payload: raw, packetType: .oneRTT)
                do throws(TransportError) {
                    while let frame = try reader.next() { _ = try streams.handle(frame) }
                } catch {
                    failed = error
                }
            }
            if let failed {
                fuzzCheck(peerErrorCodes.contains(failed.code), "unexpected error code \(failed.code)")
                return 0
            }
        case 2: if streams.openStream(bidirectional: input.takeUInt8() & 1 == 0) != nil { maxLive += 1 }
        case 3:
            let bytes = input.takeLengthPrefixed()
            if let accepted = try? bytes.withUnsafeBytes({ try streams.write($0, to: id) }) {
                fuzzCheck(accepted <= bytes.count, "accepted more than offered")
            }
        case 4: try? streams.finish(id)
        case 5:
            let count = input.takeInt(below: scratch.count)
            if let result = try? scratch.withUnsafeMutableBytes({ try streams.read(id, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }) {
                fuzzCheck(result.count <= count, "read more than the buffer")
            }
        case 6: try? streams.resetStream(id, errorCode: UInt64(input.takeUInt8()))
        case 7: try? streams.stopSending(id, errorCode: UInt64(input.takeUInt8()))
        case 8, 9:
            let room = 1 + input.takeInt(below: packet.count)
            let before = records.count
            let (wrote, written) = packet.withUnsafeMutableBytes { raw in
                var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<room]))
                let wrote = streams.writeFrames(into: &writer, now: now, rtt: .milliseconds(10), records: &records)
                return (wrote, writer.bytesWritten)
            }
            fuzzCheck(wrote == (written > 0), "return value disagrees with bytes written")
            var frames = 0
            packet.withUnsafeBytes { raw in
                guard written > 0 else { return }
                var reader = FrameReader(payload: UnsafeRawBufferPointer(rebasing: raw[0..<written]), packetType: .oneRTT)
                do throws(TransportError) {
                    while let frame = try reader.next() {
                        let type = frame.frameType
                        fuzzCheck(FrameType.streamRange.contains(type) || type == FrameType.resetStream || type == FrameType.stopSending
                                  || (FrameType.maxData...FrameType.streamsBlockedUni).contains(type), "not a stream-layer frame")
                        frames += 1
                    }
                } catch {
                    fuzzCheck(false, "written packet does not parse: \(error)")
                }
            }
            fuzzCheck(frames == records.count - before, "one record per frame")
            now = now + .milliseconds(Int64(input.takeInt(below: 50)))
        case 10, 11:
            guard !records.isEmpty else { break }
            let record = records.remove(at: input.takeInt(below: records.count))
            if input.takeUInt8() & 1 == 0 { streams.onAcked(record) } else { streams.onLost(record) }
        default: break
        }
        _ = streams.pollEvent()
        fuzzCheck(streams.streamCount <= maxLive, "stream table beyond the limits")
    }
    return 0
}
