extension StreamsState {
    /// Which part of a stream a received frame addresses.
    enum Part { case receiving, sending }

    /// Finds (or implicitly opens) the stream a peer frame names; nil when the stream existed
    /// and is already closed (late or duplicate frames are then ignored).
    mutating func slotForPeerFrame(_ rawID: UInt64, part: Part, frameType: UInt64) throws(TransportError) -> Int? {
        let id = StreamID(rawValue: rawID)
        switch part {
        case .receiving:
            // RFC 9000 §19.4, §19.8, §19.13: STREAM, RESET_STREAM or STREAM_DATA_BLOCKED on a
            // send-only stream is a STREAM_STATE_ERROR.
            guard id.canReceive(role) else { throw TransportError(.streamStateError, frameType: frameType, "frame for a send-only stream") }
        case .sending:
            // RFC 9000 §19.5, §19.10: STOP_SENDING or MAX_STREAM_DATA on a receive-only stream
            // is a STREAM_STATE_ERROR.
            guard id.canSend(role) else { throw TransportError(.streamStateError, frameType: frameType, "frame for a receive-only stream") }
        }
        if id.initiator == role {
            // RFC 9000 §19.4–§19.13: a frame for a locally initiated stream not yet created is a STREAM_STATE_ERROR.
            guard id.index < limits(id.isBidirectional).localOpened else {
                throw TransportError(.streamStateError, frameType: frameType, "frame for a stream we have not opened")
            }
            return index[id]
        }
        let limits = limits(id.isBidirectional)
        // RFC 9000 §4.6: a stream ID beyond the limit we advertised is a STREAM_LIMIT_ERROR.
        guard id.index < limits.localMaximum else {
            throw TransportError(.streamLimitError, frameType: frameType, "stream beyond the advertised limit")
        }
        if id.index < limits.remoteOpened { return index[id] }
        // RFC 9000 §3.2: opening a stream implicitly opens every lower-numbered stream of its type.
        var slot = 0
        for streamIndex in limits.remoteOpened...id.index {
            let opened = StreamID(index: streamIndex, initiator: role.peer, isBidirectional: id.isBidirectional)
            slot = insertEntry(opened)
            events.append(.opened(opened))
        }
        updateLimits(id.isBidirectional) { $0.remoteOpened = id.index + 1 }
        return slot
    }

    /// Counts `growth` new bytes against connection flow control (RFC 9000 §4.1).
    mutating func receiveConnectionData(_ growth: UInt64, frameType: UInt64) throws(TransportError) {
        guard growth > 0 else { return }
        let (total, overflow) = connectionReceive.highestReceived.addingReportingOverflow(growth)
        guard !overflow, total <= connectionReceive.maximum else {
            throw TransportError(.flowControlError, frameType: frameType, "peer exceeded the connection flow-control limit")
        }
        _ = try connectionReceive.onDataReceived(upTo: total)
    }

    /// A STREAM frame (RFC 9000 §19.8).
    public mutating func onStream(_ frame: StreamFrame) throws(TransportError) {
        let frameType = Frame.stream(frame).frameType
        guard let slot = try slotForPeerFrame(frame.streamID, part: .receiving, frameType: frameType) else { return }
        guard entries[slot].recv != nil, !entries[slot].recv!.isDone else { return }
        var credit: UInt64 = 0
        let growth: UInt64
        do {
            growth = try entries[slot].recv!.onData(offset: frame.offset, data: frame.data, isFinal: frame.isFinal, credit: &credit)
        } catch {
            throw TransportError(error.code, frameType: frameType, error.reason)
        }
        try receiveConnectionData(growth, frameType: frameType)
        creditConnection(credit)
        signalReadable(slot)
        releaseIfClosed(slot)
    }

    /// Emits `.readable` once per drain of the stream.
    mutating func signalReadable(_ slot: Int) {
        guard let recv = entries[slot].recv, recv.isReadable, !recv.isReadableSignalled else { return }
        entries[slot].recv!.isReadableSignalled = true
        events.append(.readable(entries[slot].id))
    }

    /// A RESET_STREAM frame (RFC 9000 §19.4): the peer abandoned its sending part.
    public mutating func onResetStream(streamID: UInt64, errorCode: UInt64, finalSize: UInt64) throws(TransportError) {
        let frameType = FrameType.resetStream
        guard let slot = try slotForPeerFrame(streamID, part: .receiving, frameType: frameType) else { return }
        guard entries[slot].recv != nil, !entries[slot].recv!.isDone else { return }
        let wasReset = entries[slot].recv!.resetCode != nil
        let result: (growth: UInt64, credit: UInt64)
        do {
            result = try entries[slot].recv!.onReset(errorCode: errorCode, finalSize: finalSize)
        } catch {
            throw TransportError(error.code, frameType: frameType, error.reason)
        }
        try receiveConnectionData(result.growth, frameType: frameType)
        creditConnection(result.credit)
        entries[slot].recv!.isMaxStreamDataPending = false
        if !wasReset, entries[slot].recv!.resetCode != nil {
            events.append(.reset(entries[slot].id, errorCode: errorCode))
        }
        releaseIfClosed(slot)
    }

    /// A STOP_SENDING frame (RFC 9000 §19.5): RFC 9000 §3.5 requires resetting the sending
    /// part; the peer's error code is reused.
    public mutating func onStopSending(streamID: UInt64, errorCode: UInt64) throws(TransportError) {
        guard let slot = try slotForPeerFrame(streamID, part: .sending, frameType: FrameType.stopSending) else { return }
        guard let send = entries[slot].send, send.stopCode == nil, !send.isTerminal else { return }
        entries[slot].send!.stopCode = errorCode
        if send.resetCode == nil { resetSendPart(slot, errorCode: errorCode) }
        events.append(.stopSending(entries[slot].id, errorCode: errorCode))
        releaseIfClosed(slot)
    }

    /// A MAX_DATA frame (RFC 9000 §19.9); smaller limits are ignored (§4.1).
    public mutating func onMaxData(_ maximum: UInt64) {
        connectionSend.onMaximumRaised(to: maximum)
        if connectionSend.available > 0 { dataBlockedLimit = nil }
        wakeConnectionBlocked()
    }

    /// A MAX_STREAM_DATA frame (RFC 9000 §19.10).
    public mutating func onMaxStreamData(streamID: UInt64, maximum: UInt64) throws(TransportError) {
        guard let slot = try slotForPeerFrame(streamID, part: .sending, frameType: FrameType.maxStreamData),
              entries[slot].send != nil else { return }
        entries[slot].send!.flow.onMaximumRaised(to: maximum)
        if entries[slot].send!.flow.available > 0 { entries[slot].send!.blockedLimit = nil }
        schedule(slot)
    }

    /// A MAX_STREAMS frame (RFC 9000 §19.11); values above 2^60 are a FRAME_ENCODING_ERROR,
    /// smaller limits are ignored.
    public mutating func onMaxStreams(bidirectional: Bool, maximum: UInt64) throws(TransportError) {
        guard maximum <= Frame.maxStreamCount else {
            throw .frameEncoding(bidirectional ? FrameType.maxStreamsBidi : FrameType.maxStreamsUni, "MAX_STREAMS above 2^60")
        }
        raisePeerStreamLimit(bidirectional: bidirectional, to: maximum)
    }

    /// A DATA_BLOCKED frame (RFC 9000 §19.12): informational; an update that is due goes out.
    public mutating func onDataBlocked(limit: UInt64) {
        if connectionReceive.isUpdateDue { isMaxDataPending = true }
    }

    /// A STREAM_DATA_BLOCKED frame (RFC 9000 §19.13): checked like STREAM; an update that is
    /// due goes out.
    public mutating func onStreamDataBlocked(streamID: UInt64, limit: UInt64) throws(TransportError) {
        guard let slot = try slotForPeerFrame(streamID, part: .receiving, frameType: FrameType.streamDataBlocked),
              let recv = entries[slot].recv, recv.wantsMaxStreamData else { return }
        entries[slot].recv!.isMaxStreamDataPending = true
        scheduleControl(slot)
    }

    /// A STREAMS_BLOCKED frame (RFC 9000 §19.14): informational; above 2^60 is a
    /// FRAME_ENCODING_ERROR.
    public mutating func onStreamsBlocked(bidirectional: Bool, limit: UInt64) throws(TransportError) {
        guard limit <= Frame.maxStreamCount else {
            throw .frameEncoding(bidirectional ? FrameType.streamsBlockedBidi : FrameType.streamsBlockedUni, "STREAMS_BLOCKED above 2^60")
        }
    }
}
