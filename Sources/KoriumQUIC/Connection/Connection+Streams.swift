import KoriumWire

extension Connection {
    /// Whether the stream layer has frames to send.
    var streamsHavePendingFrames: Bool { streams.hasPendingFrames }

    /// Appends stream-layer frames (STREAM, flow control, limits, resets) and records each one
    /// in the packet's log; returns whether any was written.
    mutating func writeStreamFrames(into writer: inout ByteWriter, now: Instant) -> Bool {
        guard streams.hasPendingFrames else { return false }
        streamRecords.removeAll(keepingCapacity: true)
        let wrote = streams.writeFrames(into: &writer, now: now, rtt: recovery.rtt.smoothed, records: &streamRecords)
        for record in streamRecords { spaces[2].sent.append(.stream(record)) }
        return wrote
    }

    /// Stream-layer frames (RFC 9000 §19.4–§19.14) go to ``StreamsState``, which throws the
    /// RFC error (STREAM_LIMIT_ERROR, FLOW_CONTROL_ERROR, STREAM_STATE_ERROR, FINAL_SIZE_ERROR, …).
    mutating func handleStreamFrame(_ frame: Frame, now: Instant) throws(TransportError) {
        _ = try streams.handle(frame)
    }

    /// Moves stream events into the connection's queue, one to one.
    mutating func drainStreamEvents() {
        while let event = streams.pollEvent() {
            switch event {
            case .opened(let id): events.append(.streamOpened(id))
            case .readable(let id): events.append(.streamReadable(id))
            case .writable(let id): events.append(.streamWritable(id))
            case .reset(let id, let code): events.append(.streamReset(id, errorCode: code))
            case .stopSending(let id, let code): events.append(.stopSendingReceived(id, errorCode: code))
            case .streamsAvailable(let bidirectional): events.append(.streamsAvailable(bidirectional: bidirectional))
            }
        }
    }

    // MARK: application API

    /// Opens a stream; nil when the peer's MAX_STREAMS (or the handshake) does not allow one yet
    /// (a ``ConnectionEvent/streamsAvailable(bidirectional:)`` follows when it does).
    public mutating func openStream(bidirectional: Bool) -> StreamID? {
        guard !isClosed, isHandshakeComplete else { return nil }
        return streams.openStream(bidirectional: bidirectional)
    }

    /// Buffers up to `bytes.count` bytes for the stream; returns how many were accepted (0 when
    /// flow control or the send buffer is full: wait for ``ConnectionEvent/streamWritable(_:)``).
    public mutating func write(_ bytes: UnsafeRawBufferPointer, to id: StreamID) throws(StreamError) -> Int {
        guard !isClosed else { throw .connectionClosed }
        return try streams.write(bytes, to: id)
    }

    /// Ends the sending part of the stream (FIN) after the buffered bytes.
    public mutating func finish(_ id: StreamID) throws(StreamError) {
        guard !isClosed else { throw .connectionClosed }
        try streams.finish(id)
    }

    /// Reads received bytes in order into `buffer`.
    public mutating func read(_ id: StreamID, into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        guard !isClosed else { throw .connectionClosed }
        return try streams.read(id, into: buffer)
    }

    /// Abandons the sending part with RESET_STREAM (RFC 9000 §19.4).
    public mutating func resetStream(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        guard !isClosed else { throw .connectionClosed }
        try streams.resetStream(id, errorCode: errorCode)
    }

    /// Asks the peer to stop sending with STOP_SENDING (RFC 9000 §19.5).
    public mutating func stopSending(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        guard !isClosed else { throw .connectionClosed }
        try streams.stopSending(id, errorCode: errorCode)
    }

    /// Bytes buffered but not yet acknowledged on a stream, nil if unknown.
    public func sendBufferedBytes(_ id: StreamID) -> Int? { streams.sendBufferedBytes(id) }
}
