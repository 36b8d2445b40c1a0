extension StreamsState {
    /// Feeds one decoded frame to the matching `on…` method if it belongs to the stream layer
    /// (STREAM, RESET_STREAM, STOP_SENDING, MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, DATA_BLOCKED,
    /// STREAM_DATA_BLOCKED, STREAMS_BLOCKED) and returns true; returns false for any other frame.
    public mutating func handle(_ frame: Frame) throws(TransportError) -> Bool {
        switch frame {
        case .stream(let stream): try onStream(stream)
        case .resetStream(let id, let code, let finalSize): try onResetStream(streamID: id, errorCode: code, finalSize: finalSize)
        case .stopSending(let id, let code): try onStopSending(streamID: id, errorCode: code)
        case .maxData(let maximum): onMaxData(maximum)
        case .maxStreamData(let id, let maximum): try onMaxStreamData(streamID: id, maximum: maximum)
        case .maxStreams(let bidirectional, let maximum): try onMaxStreams(bidirectional: bidirectional, maximum: maximum)
        case .dataBlocked(let limit): onDataBlocked(limit: limit)
        case .streamDataBlocked(let id, let limit): try onStreamDataBlocked(streamID: id, limit: limit)
        case .streamsBlocked(let bidirectional, let limit): try onStreamsBlocked(bidirectional: bidirectional, limit: limit)
        case .padding, .ping, .ack, .crypto, .newToken, .newConnectionID, .retireConnectionID, .pathChallenge,
             .pathResponse, .connectionClose, .handshakeDone, .datagram:
            return false
        }
        return true
    }
}
