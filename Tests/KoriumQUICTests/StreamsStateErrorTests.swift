import KoriumQUIC
import KoriumWire
import Testing

/// Feeds a STREAM frame to `state`.
func deliverStream(_ state: inout StreamsState, id: UInt64, offset: UInt64 = 0, _ bytes: [UInt8], fin: Bool = false) throws(TransportError) {
    let result: Result<Void, TransportError> = bytes.withUnsafeBytes { raw in
        do throws(TransportError) {
            return .success(try state.onStream(StreamFrame(streamID: id, offset: offset, data: raw, isFinal: fin)))
        } catch {
            return .failure(error)
        }
    }
    try result.get()
}

/// The code of the error `body` throws, or nil.
func errorCode(_ body: () throws -> Void) -> TransportErrorCode? {
    do { try body(); return nil } catch let error as TransportError { return error.code } catch { return nil }
}

@Suite("StreamsState: every peer error gets its RFC 9000 transport error code")
struct StreamsStateErrorTests {
    static func fresh(_ role: Role, streams: UInt64 = 4, window: UInt64 = 100, maxData: UInt64 = 250) -> StreamsState {
        let p = StreamsPair.parameters(streams: streams, maxData: maxData, streamData: window)
        var s = StreamsState(role: role, local: p, maxStreamReceiveWindow: window, maxConnectionReceiveWindow: maxData,
                             streamSendBufferSize: 1000)
        s.applyPeerParameters(p)
        return s
    }

    @Test("STREAM_STATE_ERROR: frames for the wrong direction or for streams we never opened (§19.4, §19.5, §19.8, §19.10, §19.13)")
    func streamState() {
        var client = Self.fresh(.client)
        // Stream 2 is the client's own unidirectional (send-only) stream; 3 is the server's (receive-only for us).
        let uni = client.openStream(bidirectional: false)!
        #expect(uni.rawValue == 2)
        #expect(errorCode { try deliverStream(&client, id: 2, [1]) } == .streamStateError)
        #expect(errorCode { try client.onResetStream(streamID: 2, errorCode: 0, finalSize: 0) } == .streamStateError)
        #expect(errorCode { try client.onStreamDataBlocked(streamID: 2, limit: 0) } == .streamStateError)
        #expect(errorCode { try client.onStopSending(streamID: 3, errorCode: 0) } == .streamStateError)
        #expect(errorCode { try client.onMaxStreamData(streamID: 3, maximum: 10) } == .streamStateError)
        // Client bidi stream 4 (#1) was never opened.
        #expect(errorCode { try deliverStream(&client, id: 4, [1]) } == .streamStateError)
        #expect(errorCode { try client.onStopSending(streamID: 4, errorCode: 0) } == .streamStateError)
        #expect(errorCode { try client.onMaxStreamData(streamID: 4, maximum: 10) } == .streamStateError)
        #expect(errorCode { try client.onResetStream(streamID: 4, errorCode: 0, finalSize: 0) } == .streamStateError)
        // The same frames on valid streams are fine.
        #expect(errorCode { try deliverStream(&client, id: 3, [1]) } == nil)
        #expect(errorCode { try client.onStopSending(streamID: 2, errorCode: 9) } == nil)
    }

    @Test("STREAM_LIMIT_ERROR: a peer stream beyond the advertised limit (§4.6)")
    func streamLimit() {
        var server = Self.fresh(.server, streams: 4)
        #expect(errorCode { try deliverStream(&server, id: StreamID(index: 3, initiator: .client, isBidirectional: true).rawValue, [1]) } == nil)
        #expect(errorCode { try deliverStream(&server, id: StreamID(index: 4, initiator: .client, isBidirectional: true).rawValue, [1]) } == .streamLimitError)
        #expect(errorCode { try server.onStopSending(streamID: StreamID(index: 4, initiator: .client, isBidirectional: true).rawValue, errorCode: 0) } == .streamLimitError)
        #expect(errorCode { try server.onResetStream(streamID: StreamID(index: 9, initiator: .client, isBidirectional: false).rawValue, errorCode: 0, finalSize: 0) } == .streamLimitError)
    }

    @Test("FLOW_CONTROL_ERROR: beyond the stream window, the connection window, or a RESET_STREAM final size beyond them (§4.1, §4.5)")
    func flowControl() {
        var server = Self.fresh(.server, window: 100, maxData: 250)
        #expect(errorCode { try deliverStream(&server, id: 0, offset: 0, [UInt8](repeating: 1, count: 100)) } == nil)
        #expect(errorCode { try deliverStream(&server, id: 0, offset: 100, [1]) } == .flowControlError)
        var connection = Self.fresh(.server, window: 100, maxData: 250)
        #expect(errorCode { try deliverStream(&connection, id: 0, [UInt8](repeating: 1, count: 100)) } == nil)
        #expect(errorCode { try deliverStream(&connection, id: 4, [UInt8](repeating: 1, count: 100)) } == nil)
        #expect(errorCode { try deliverStream(&connection, id: 8, [UInt8](repeating: 1, count: 50)) } == nil)
        // Stream 12 stays within its own window but the connection total would be 251.
        #expect(errorCode { try deliverStream(&connection, id: 12, [1]) } == .flowControlError)
        var reset = Self.fresh(.server, window: 100, maxData: 250)
        #expect(errorCode { try reset.onResetStream(streamID: 0, errorCode: 1, finalSize: 101) } == .flowControlError)
    }

    @Test("FINAL_SIZE_ERROR: a changed final size, data beyond it, a final size below received data (§4.5)")
    func finalSize() {
        var server = Self.fresh(.server)
        #expect(errorCode { try deliverStream(&server, id: 0, [1, 2, 3], fin: true) } == nil)
        #expect(errorCode { try deliverStream(&server, id: 0, offset: 3, [4]) } == .finalSizeError)
        #expect(errorCode { try deliverStream(&server, id: 0, offset: 1, [2, 3, 4], fin: true) } == .finalSizeError)
        #expect(errorCode { try server.onResetStream(streamID: 0, errorCode: 0, finalSize: 5) } == .finalSizeError)
        #expect(errorCode { try server.onResetStream(streamID: 0, errorCode: 0, finalSize: 3) } == nil)
        var below = Self.fresh(.server)
        #expect(errorCode { try deliverStream(&below, id: 4, offset: 10, [1, 2]) } == nil)
        #expect(errorCode { try deliverStream(&below, id: 4, offset: 0, [1], fin: true) } == .finalSizeError)
        #expect(errorCode { try below.onResetStream(streamID: 4, errorCode: 0, finalSize: 11) } == .finalSizeError)
    }

    @Test("FRAME_ENCODING_ERROR: MAX_STREAMS or STREAMS_BLOCKED above 2^60 (§4.6, §19.11, §19.14)")
    func frameEncoding() {
        var client = Self.fresh(.client)
        #expect(errorCode { try client.onMaxStreams(bidirectional: true, maximum: (1 << 60) + 1) } == .frameEncodingError)
        #expect(errorCode { try client.onStreamsBlocked(bidirectional: false, limit: (1 << 60) + 1) } == .frameEncodingError)
        #expect(errorCode { try client.onMaxStreams(bidirectional: true, maximum: 1 << 60) } == nil)
    }

    @Test("the error names the offending frame type")
    func frameType() {
        var client = Self.fresh(.client)
        do throws(TransportError) {
            try deliverStream(&client, id: 4, offset: 7, [1], fin: true)
            Issue.record("no error")
        } catch {
            #expect(error.code == .streamStateError && error.frameType == 0x0f)
        }
    }
}
