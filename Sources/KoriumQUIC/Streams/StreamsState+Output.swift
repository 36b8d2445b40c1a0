import KoriumWire

extension StreamsState {
    /// How one attempt to write a STREAM frame for a stream went.
    enum FrameOutcome { case wrote, noRoom, nothing, streamBlocked, connectionBlocked }

    /// Below this much space for data (and with more to send) a STREAM frame is not worth its
    /// header; the packet is left to other frames.
    static let minimumFramePayload = 32

    /// Appends pending stream-layer frames to `writer` while they fit: flow-control and limit
    /// updates and RESET_STREAM / STOP_SENDING first, then STREAM frames round-robin across
    /// streams (lost ranges before new data), then *_BLOCKED reports. Each frame written is
    /// described in `records` (hand it back via ``onAcked(_:)`` / ``onLost(_:)``). Returns
    /// whether anything was written (all these frames are ack-eliciting). `now` and `rtt` drive
    /// receive-window auto-tuning. Allocates nothing in steady state.
    public mutating func writeFrames(
        into writer: inout ByteWriter, now: Instant, rtt: Duration,
        records: inout some RangeReplaceableCollection<StreamFrameRecord>
    ) -> Bool {
        let start = writer.bytesWritten
        writeConnectionFrames(into: &writer, now: now, rtt: rtt, records: &records)
        writeControlFrames(into: &writer, now: now, rtt: rtt, records: &records)
        while let id = sendQueue.first {
            guard let slot = index[id], entries[slot].isQueued else {
                _ = sendQueue.popFirst()
                continue
            }
            let outcome = writeStreamFrame(slot, into: &writer, records: &records)
            if case .noRoom = outcome { break }
            _ = sendQueue.popFirst()
            switch outcome {
            case .wrote:
                // Round-robin: a stream with more to send goes to the back of the queue.
                let send = entries[slot].send!
                if send.resetCode == nil && (!send.lost.isEmpty || send.unsentCount > 0 || send.needsFin) {
                    sendQueue.append(id)
                } else {
                    entries[slot].isQueued = false
                }
            case .noRoom, .nothing:
                entries[slot].isQueued = false
            case .streamBlocked:
                entries[slot].isQueued = false
                // RFC 9000 §4.1: a sender blocked by stream flow control SHOULD send STREAM_DATA_BLOCKED.
                if let limit = entries[slot].send!.flow.pollBlocked() {
                    entries[slot].send!.blockedLimit = limit
                    scheduleControl(slot)
                }
            case .connectionBlocked:
                entries[slot].isQueued = false
                if !entries[slot].isConnectionBlocked {
                    entries[slot].isConnectionBlocked = true
                    connectionBlocked.append(id)
                }
                // RFC 9000 §4.1: likewise DATA_BLOCKED for the connection limit.
                if let limit = connectionSend.pollBlocked() { dataBlockedLimit = limit }
            }
        }
        writeConnectionFrames(into: &writer, now: now, rtt: rtt, records: &records)
        writeControlFrames(into: &writer, now: now, rtt: rtt, records: &records)
        return writer.bytesWritten > start
    }

    /// MAX_DATA, MAX_STREAMS, DATA_BLOCKED and STREAMS_BLOCKED.
    mutating func writeConnectionFrames(
        into writer: inout ByteWriter, now: Instant, rtt: Duration,
        records: inout some RangeReplaceableCollection<StreamFrameRecord>
    ) {
        if isMaxDataPending {
            // RFC 9000 §4.2: advertise more once half the window is used; the window auto-tunes.
            _ = connectionReceive.pollUpdate(now: now, rtt: rtt)
            if (try? Frame.maxData(connectionReceive.maximum).encode(to: &writer)) != nil {
                isMaxDataPending = false
                records.append(.maxData)
            }
        }
        if let limit = dataBlockedLimit, (try? Frame.dataBlocked(limit: limit).encode(to: &writer)) != nil {
            dataBlockedLimit = nil
            records.append(.dataBlocked)
        }
        writeLimitFrames(bidirectional: true, into: &writer, records: &records)
        writeLimitFrames(bidirectional: false, into: &writer, records: &records)
    }

    /// MAX_STREAMS and STREAMS_BLOCKED for one direction.
    mutating func writeLimitFrames(
        bidirectional: Bool, into writer: inout ByteWriter, records: inout some RangeReplaceableCollection<StreamFrameRecord>
    ) {
        let limits = limits(bidirectional)
        if limits.isMaxStreamsPending,
           (try? Frame.maxStreams(bidirectional: bidirectional, maximum: limits.localMaximum).encode(to: &writer)) != nil {
            updateLimits(bidirectional) {
                $0.isMaxStreamsPending = false
                $0.advertised = $0.localMaximum
            }
            records.append(.maxStreams(bidirectional: bidirectional))
        }
        if let limit = limits.blockedLimit,
           (try? Frame.streamsBlocked(bidirectional: bidirectional, limit: limit).encode(to: &writer)) != nil {
            updateLimits(bidirectional) { $0.blockedLimit = nil }
            records.append(.streamsBlocked(bidirectional: bidirectional))
        }
    }

    /// Per-stream control frames, in queue order, until one does not fit.
    mutating func writeControlFrames(
        into writer: inout ByteWriter, now: Instant, rtt: Duration,
        records: inout some RangeReplaceableCollection<StreamFrameRecord>
    ) {
        while let id = controlQueue.first {
            guard let slot = index[id], entries[slot].isControlQueued else {
                _ = controlQueue.popFirst()
                continue
            }
            let raw = id.rawValue
            if let send = entries[slot].send, send.isResetPending, let code = send.resetCode {
                guard (try? Frame.resetStream(streamID: raw, errorCode: code, finalSize: send.resetFinalSize).encode(to: &writer)) != nil
                else { return }
                entries[slot].send!.isResetPending = false
                records.append(.resetStream(id))
            }
            if let recv = entries[slot].recv, recv.isStopPending, let code = recv.stopCode {
                guard (try? Frame.stopSending(streamID: raw, errorCode: code).encode(to: &writer)) != nil else { return }
                entries[slot].recv!.isStopPending = false
                records.append(.stopSending(id))
            }
            if let recv = entries[slot].recv, recv.isMaxStreamDataPending {
                if recv.flow.isUpdateDue, entries[slot].recv!.flow.pollUpdate(now: now, rtt: rtt) != nil {
                    let recv = entries[slot].recv!
                    entries[slot].recv!.buffer.raiseCapacity(to: Int(clamping: recv.flow.maximum - recv.buffer.readOffset))
                    let (scaled, overflow) = recv.flow.window.multipliedReportingOverflow(by: 3)
                    connectionReceive.raiseWindow(toAtLeast: overflow ? UInt64.max : scaled / 2)
                }
                let maximum = entries[slot].recv!.flow.maximum
                guard (try? Frame.maxStreamData(streamID: raw, maximum: maximum).encode(to: &writer)) != nil else { return }
                entries[slot].recv!.isMaxStreamDataPending = false
                records.append(.maxStreamData(id))
            }
            if let send = entries[slot].send, let limit = send.blockedLimit {
                guard (try? Frame.streamDataBlocked(streamID: raw, limit: limit).encode(to: &writer)) != nil else { return }
                entries[slot].send!.blockedLimit = nil
                records.append(.streamDataBlocked(id))
            }
            entries[slot].isControlQueued = false
            _ = controlQueue.popFirst()
        }
    }

    /// Encoded size of a STREAM frame header with a Length field of up to `room` bytes.
    static func streamHeaderSize(_ id: StreamID, offset: UInt64, room: Int) -> Int {
        1 + VarInt(truncating: id.rawValue).encodedLength + (offset == 0 ? 0 : VarInt(truncating: offset).encodedLength)
            + VarInt(truncating: UInt64(Swift.min(room, 1 << 30))).encodedLength
    }

    /// Writes one STREAM frame for the stream at `slot`: lost bytes first, else new data (or a
    /// lone FIN) within both flow-control limits.
    mutating func writeStreamFrame(
        _ slot: Int, into writer: inout ByteWriter, records: inout some RangeReplaceableCollection<StreamFrameRecord>
    ) -> FrameOutcome {
        guard let send = entries[slot].send, send.resetCode == nil else { return .nothing }
        let id = entries[slot].id
        let room = writer.remainingCapacity
        let offset: UInt64
        let length: Int
        let isRetransmission: Bool
        if let lost = send.lost.first {
            offset = lost.lowerBound
            let space = room - Self.streamHeaderSize(id, offset: offset, room: room)
            let wanted = Int(clamping: lost.upperBound - lost.lowerBound)
            guard space >= Swift.min(wanted, Self.minimumFramePayload), space > 0 else { return .noRoom }
            length = Swift.min(wanted, space)
            isRetransmission = true
        } else {
            offset = send.flow.sent
            let unsent = send.unsentCount
            if unsent == 0 {
                guard send.needsFin else { return .nothing }
                guard room >= Self.streamHeaderSize(id, offset: offset, room: 0) else { return .noRoom }
                length = 0
            } else {
                guard send.flow.available > 0 else { return .streamBlocked }
                guard connectionSend.available > 0 else { return .connectionBlocked }
                let allowed = Swift.min(unsent, send.flow.available, connectionSend.available)
                let space = room - Self.streamHeaderSize(id, offset: offset, room: room)
                let wanted = Int(clamping: allowed)
                guard space >= Swift.min(wanted, Self.minimumFramePayload), space > 0 else { return .noRoom }
                length = Swift.min(wanted, space)
            }
            isRetransmission = false
        }
        let end = offset + UInt64(length)
        let fin = send.isFinishRequested && !send.isFinSent && end == send.buffer.end
        do {
            try writer.atomically { (w: inout ByteWriter) throws(WireError) in
                try Frame.writeStreamHeader(streamID: id.rawValue, offset: offset, length: length, isFinal: fin, to: &w)
                try send.buffer.write(offset..<end, to: &w)
            }
        } catch {
            return .noRoom
        }
        if isRetransmission {
            _ = entries[slot].send!.lost.popFirst(maxLength: length)
        } else {
            entries[slot].send!.flow.onSent(UInt64(length))
            connectionSend.onSent(UInt64(length))
        }
        if fin { entries[slot].send!.isFinSent = true }
        records.append(.stream(id, offset: offset, length: length, fin: fin))
        return .wrote
    }

    /// A packet carrying `record` was acknowledged: release send buffer space (signalling
    /// `.writable` after a short write), complete resets, and forget finished streams.
    public mutating func onAcked(_ record: StreamFrameRecord) {
        switch record {
        case .stream(let id, let offset, let length, let fin):
            guard let slot = index[id], entries[slot].send != nil else { return }
            if entries[slot].send!.onAcked(offset: offset, length: length, fin: fin),
               entries[slot].send!.wantsWritable, entries[slot].send!.buffer.space > 0 {
                entries[slot].send!.wantsWritable = false
                events.append(.writable(id))
            }
            releaseIfClosed(slot)
        case .resetStream(let id):
            guard let slot = index[id], entries[slot].send != nil else { return }
            entries[slot].send!.isResetAcked = true
            releaseIfClosed(slot)
        case .stopSending, .maxData, .maxStreamData, .maxStreams, .dataBlocked, .streamDataBlocked, .streamsBlocked:
            return
        }
    }

    /// A packet carrying `record` was declared lost: queue the same information again if it
    /// is still needed (current values, not the old ones, RFC 9000 §13.3).
    public mutating func onLost(_ record: StreamFrameRecord) {
        switch record {
        case .stream(let id, let offset, let length, let fin):
            guard let slot = index[id], entries[slot].send != nil else { return }
            entries[slot].send!.onLost(offset: offset, length: length, fin: fin)
            schedule(slot)
        case .resetStream(let id):
            guard let slot = index[id], let send = entries[slot].send, send.resetCode != nil, !send.isResetAcked else { return }
            entries[slot].send!.isResetPending = true
            scheduleControl(slot)
        case .stopSending(let id):
            guard let slot = index[id], let recv = entries[slot].recv, recv.stopCode != nil, recv.finalSize == nil else { return }
            entries[slot].recv!.isStopPending = true
            scheduleControl(slot)
        case .maxData:
            isMaxDataPending = true
        case .maxStreamData(let id):
            guard let slot = index[id], let recv = entries[slot].recv,
                  recv.finalSize == nil, recv.resetCode == nil, recv.stopCode == nil else { return }
            entries[slot].recv!.isMaxStreamDataPending = true
            scheduleControl(slot)
        case .maxStreams(let bidirectional):
            updateLimits(bidirectional) { $0.isMaxStreamsPending = true }
        case .dataBlocked:
            if connectionSend.available == 0 { dataBlockedLimit = connectionSend.maximum }
        case .streamDataBlocked(let id):
            guard let slot = index[id], let send = entries[slot].send, send.resetCode == nil,
                  send.flow.available == 0, send.unsentCount > 0 else { return }
            entries[slot].send!.blockedLimit = send.flow.maximum
            scheduleControl(slot)
        case .streamsBlocked(let bidirectional):
            let limits = limits(bidirectional)
            if limits.wantsAvailable { updateLimits(bidirectional) { $0.blockedLimit = $0.peerMaximum } }
        }
    }
}

extension StreamsState {
    /// RFC 9000 §4.1: a sender blocked by flow control SHOULD repeat DATA_BLOCKED /
    /// STREAM_DATA_BLOCKED when it has no ack-eliciting packets in flight, or an idle peer may
    /// time the connection out. The connection calls this then (it knows what is in flight);
    /// every report still true is queued again. Returns whether any was.
    @discardableResult
    public mutating func requeueBlockedReports() -> Bool {
        var queued = false
        if connectionSend.available == 0 && !connectionBlocked.isEmpty {
            dataBlockedLimit = connectionSend.maximum
            queued = true
        }
        for slot in entries.indices {
            guard let send = entries[slot].send, send.resetCode == nil, send.unsentCount > 0, send.flow.available == 0 else { continue }
            entries[slot].send!.blockedLimit = send.flow.maximum
            scheduleControl(slot)
            queued = true
        }
        return queued
    }
}
