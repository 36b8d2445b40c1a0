import KoriumWire

extension StreamsState {
    /// The slot of a live stream for an application call.
    func slot(for id: StreamID) throws(StreamError) -> Int {
        guard !isConnectionClosed else { throw .connectionClosed }
        guard let slot = index[id] else { throw .unknownStream }
        return slot
    }

    /// Opens our next stream; nil when the peer's MAX_STREAMS (RFC 9000 §4.6) or
    /// ``maxLocalStreamsPerDirection`` does not allow another now (STREAMS_BLOCKED is then
    /// queued, and `.streamsAvailable` follows when the peer raises its limit).
    public mutating func openStream(bidirectional: Bool) -> StreamID? {
        guard !isConnectionClosed else { return nil }
        let live = bidirectional ? liveLocal.bidi : liveLocal.uni
        let limits = limits(bidirectional)
        guard limits.localOpened < limits.peerMaximum, live < Self.maxLocalStreamsPerDirection else {
            updateLimits(bidirectional) { $0.onOpenBlocked() }
            return nil
        }
        let id = StreamID(index: limits.localOpened, initiator: role, isBidirectional: bidirectional)
        updateLimits(bidirectional) { $0.localOpened += 1 }
        if bidirectional { liveLocal.bidi += 1 } else { liveLocal.uni += 1 }
        _ = insertEntry(id)
        return id
    }

    /// Queues as many of `bytes` as the stream's send buffer has room for and returns that
    /// count (0 when full: wait for `.writable`). Flow control only delays sending.
    public mutating func write(_ bytes: UnsafeRawBufferPointer, to id: StreamID) throws(StreamError) -> Int {
        let slot = try slot(for: id)
        guard let send = entries[slot].send else { throw .notWritable }
        if let code = send.stopCode { throw .stoppedByPeer(errorCode: code) }
        guard send.isWritable else { throw .alreadyFinished }
        let accepted = entries[slot].send!.buffer.append(bytes)
        if accepted < bytes.count { entries[slot].send!.wantsWritable = true }
        if accepted > 0 { schedule(slot) }
        return accepted
    }

    /// Ends the sending part after the data written so far (FIN, RFC 9000 §3.1).
    public mutating func finish(_ id: StreamID) throws(StreamError) {
        let slot = try slot(for: id)
        guard let send = entries[slot].send else { throw .notWritable }
        if let code = send.stopCode { throw .stoppedByPeer(errorCode: code) }
        guard send.isWritable else { throw .alreadyFinished }
        entries[slot].send!.isFinishRequested = true
        schedule(slot)
    }

    /// Copies in-order bytes into `buffer`. Throws `.resetByPeer` when the peer reset the
    /// stream; after a read reports `isFinished` (or the reset was thrown) the receiving part is
    /// done and the stream is forgotten once its sending part is done too (`.unknownStream`
    /// from then on). `.readable` is signalled again only after a read has drained the stream,
    /// so read until a call returns 0 bytes.
    public mutating func read(_ id: StreamID, into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        let slot = try slot(for: id)
        guard let recv = entries[slot].recv, recv.stopCode == nil else { throw .notReadable }
        if let code = recv.resetCode {
            entries[slot].recv!.isDone = true
            releaseIfClosed(slot)
            throw .resetByPeer(errorCode: code)
        }
        let count = entries[slot].recv!.buffer.read(into: buffer)
        if count > 0 {
            entries[slot].recv!.flow.onConsumed(UInt64(count))
            creditConnection(UInt64(count))
            if entries[slot].recv!.wantsMaxStreamData {
                entries[slot].recv!.isMaxStreamDataPending = true
                scheduleControl(slot)
            }
        }
        let after = entries[slot].recv!
        let finished = after.finalSize != nil && after.buffer.readOffset == after.finalSize
        if finished {
            entries[slot].recv!.isDone = true
            releaseIfClosed(slot)
        } else if after.buffer.readableCount == 0 {
            entries[slot].recv!.isReadableSignalled = false
        }
        return StreamRead(count: count, isFinished: finished)
    }

    /// Abandons the sending part with RESET_STREAM carrying `errorCode` (RFC 9000 §3.1, §19.4);
    /// unsent and unacknowledged data is dropped. A no-op when already reset or fully sent.
    public mutating func resetStream(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        precondition(errorCode <= VarInt.maxValue, "application error codes are 62-bit (RFC 9000 §20.2)")
        let slot = try slot(for: id)
        guard entries[slot].send != nil else { throw .notWritable }
        resetSendPart(slot, errorCode: errorCode)
        releaseIfClosed(slot)
    }

    /// Asks the peer to stop sending with STOP_SENDING carrying `errorCode` (RFC 9000 §3.5,
    /// §19.5); data received from now on is discarded and reads fail with `.notReadable`.
    public mutating func stopSending(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        precondition(errorCode <= VarInt.maxValue, "application error codes are 62-bit (RFC 9000 §20.2)")
        let slot = try slot(for: id)
        guard entries[slot].recv != nil else { throw .notReadable }
        let credit = entries[slot].recv!.stop(errorCode: errorCode)
        creditConnection(credit)
        scheduleControl(slot)
        releaseIfClosed(slot)
    }

    /// The connection is closed or draining: every stream is dropped and further application
    /// calls fail with `.connectionClosed`.
    public mutating func onConnectionClosed() {
        isConnectionClosed = true
        entries.removeAll()
        freeEntries.removeAll()
        index.removeAll()
        sendQueue.removeAll()
        connectionBlocked.removeAll()
        controlQueue.removeAll()
        liveLocal = (0, 0)
    }

    /// Resets the sending part at `slot` and queues RESET_STREAM.
    mutating func resetSendPart(_ slot: Int, errorCode: UInt64) {
        entries[slot].send!.reset(errorCode: errorCode)
        scheduleControl(slot)
    }
}
