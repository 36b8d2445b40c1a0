// Fuzz target: ACK frame range handling (RFC 9000 §19.3.1) in KoriumQUIC.
//
// The input is an ACK frame body (type byte forced to 0x02/0x03). Whatever parses must give
// ranges that are non-empty, strictly descending with gaps of at least one packet, end at
// smallestAcknowledged, and re-encode to a frame with the same ranges. The ranges are also
// compared with an independent decoder written from the RFC's pseudocode.
import FuzzSupport
import KoriumQUIC

/// RFC 9000 §19.3.1 decoding, independent of KoriumQUIC: nil when any range goes below 0.
func referenceRanges(_ bytes: [UInt8]) -> [ClosedRange<UInt64>]? {
    bytes.withReader { r -> [ClosedRange<UInt64>]? in
        guard let type = try? r.readUInt8(), type == 2 || type == 3,
              let largest = try? r.readVarInt().value, (try? r.readVarInt()) != nil,
              let count = try? r.readVarInt().value, let first = try? r.readVarInt().value, first <= largest
        else { return nil }
        var ranges = [(largest - first)...largest]
        var smallest = largest - first
        var i: UInt64 = 0
        while i < count {
            guard let gap = try? r.readVarInt().value, let length = try? r.readVarInt().value else { return nil }
            guard smallest >= 2 && gap <= smallest - 2 else { return nil }
            let high = smallest - gap - 2
            guard length <= high else { return nil }
            smallest = high - length
            ranges.append(smallest...high)
            i += 1
        }
        return ranges
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAckRanges(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var bytes = FuzzInput(data, size).bytes
    guard !bytes.isEmpty else { return 0 }
    bytes[0] = 0x02 | (bytes[0] & 1)
    let reference = referenceRanges(bytes)
    bytes.withUnsafeBytes { raw in
        var reader = FrameReader(payload: raw, packetType: .handshake)
        let frame: Frame?
        do throws(TransportError) { frame = try reader.next() } catch {
            fuzzCheck(error.code == .frameEncodingError, "wrong error code \(error.code)")
            // The reference may accept a count the frame cannot hold only if it also ran out of bytes.
            fuzzCheck(reference == nil || error.reason.description == "ACK frame truncated", "rejected valid ranges")
            return
        }
        guard case .ack(let ack)? = frame else { fuzzCheck(false, "ACK type parsed as something else"); return }
        let ranges = Array(ack.ranges)
        fuzzCheck(reference != nil && reference! == ranges, "ranges differ from the RFC decoder")
        fuzzCheck(ranges.count == ack.additionalRangeCount + 1, "wrong range count")
        fuzzCheck(ranges.first?.upperBound == ack.largestAcknowledged, "first range does not end at largest")
        fuzzCheck(ranges.last?.lowerBound == ack.smallestAcknowledged, "last range does not start at smallest")
        for (a, b) in zip(ranges, ranges.dropFirst()) {
            fuzzCheck(b.upperBound + 2 <= a.lowerBound, "ranges overlap or touch")
        }
        var writer = ByteWriter(capacity: 64)
        do throws(WireError) {
            try AckFrame.write(ranges: ranges, encodedAckDelay: ack.encodedAckDelay, ecn: ack.ecn, to: &writer)
        } catch { fuzzCheck(false, "re-encode failed") }
        writer.bytes.withUnsafeBytes { again in
            var r = FrameReader(payload: again, packetType: .handshake)
            guard case .ack(let back)?? = try? r.next() else { fuzzCheck(false, "re-encoded ACK did not parse"); return }
            fuzzCheck(Array(back.ranges) == ranges, "re-encoded ranges differ")
        }
    }
    return 0
}
