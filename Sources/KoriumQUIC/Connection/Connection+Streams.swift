import KoriumWire

extension Connection {
    /// Whether the stream layer has frames to send.
    var streamsHavePendingFrames: Bool { false }

    /// Appends stream-layer frames; returns whether any was written.
    mutating func writeStreamFrames(into writer: inout ByteWriter, now: Instant) -> Bool { false }

    /// Stream-layer frames (RFC 9000 §19.4–§19.14).
    mutating func handleStreamFrame(_ frame: Frame, now: Instant) throws(TransportError) {
        // Stream IDs beyond what we allow are a STREAM_LIMIT_ERROR (RFC 9000 §4.6); streams
        // themselves are served by the stream layer.
        let id: UInt64
        switch frame {
        case .stream(let f): id = f.streamID
        case .resetStream(let s, _, _), .stopSending(let s, _), .maxStreamData(let s, _), .streamDataBlocked(let s, _): id = s
        default: return
        }
        let stream = StreamID(rawValue: id)
        guard stream.initiator != role else { return }
        let limit = stream.isBidirectional ? localParameters.initialMaxStreamsBidi : localParameters.initialMaxStreamsUni
        guard stream.index < limit else { throw TransportError(.streamLimitError, frameType: frame.frameType, "stream ID above the limit") }
    }
}
