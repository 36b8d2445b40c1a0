// Fuzz target: QUIC frames (RFC 9000 §12.4, §19; RFC 9221) in KoriumQUIC.
//
// The first byte picks the packet type (Initial, 0-RTT, Handshake, 1-RTT); the rest is a
// decrypted payload. FrameReader must yield frames permitted in that packet type, stop for
// good after the first error, and every frame it yields must re-encode to a frame that parses
// to the same bytes again (canonical form is a fixed point). The concatenated re-encodings of
// an error-free payload must parse to the same frame types.
import FuzzSupport
import KoriumQUIC

let packetTypes: [PacketType] = [.initial, .zeroRTT, .handshake, .oneRTT]

func encodeCanonical(_ frame: Frame) -> [UInt8]? {
    var writer = ByteWriter(capacity: 64)
    do throws(WireError) { try frame.encode(to: &writer) } catch { return nil }
    return writer.bytes
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let packetType = packetTypes[Int(input.takeUInt8() & 3)]
    let payload = input.takeRest()
    var types: [UInt64] = []
    var canonical: [UInt8] = []
    var clean = true
    payload.withUnsafeBytes { raw in
        var reader = FrameReader(payload: raw, packetType: packetType)
        while true {
            let frame: Frame?
            do throws(TransportError) { frame = try reader.next() } catch {
                fuzzCheck(error.code == .frameEncodingError || error.code == .protocolViolation, "unexpected error code \(error.code)")
                fuzzCheck((try? reader.next()) == nil, "reader continued after an error")
                clean = false
                break
            }
            guard let frame else { break }
            fuzzCheck(FrameType.isPermitted(frame.frameType, in: packetType) || frame.frameType == FrameType.datagramWithLength,
                      "frame not permitted in the packet type was accepted")
            types.append(frame.frameType)
            guard let bytes = encodeCanonical(frame) else { fuzzCheck(false, "accepted frame failed to encode"); return }
            // Canonical encoding is a fixed point: parse it alone and encode again.
            bytes.withUnsafeBytes { one in
                var again = FrameReader(payload: one, packetType: .oneRTT)
                if case let reparsed?? = try? again.next() {
                    fuzzCheck(encodeCanonical(reparsed) == bytes, "re-encoding is not a fixed point")
                } else {
                    fuzzCheck(false, "canonical encoding did not parse")
                }
            }
            canonical += bytes
        }
    }
    if clean, packetType == .oneRTT, !canonical.isEmpty {
        canonical.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            var reparsed: [UInt64] = []
            while case let frame?? = try? reader.next() { reparsed.append(frame.frameType) }
            fuzzCheck(reparsed == types, "canonical payload parses to different frames")
        }
    }
    return 0
}
