/// The result of one ``StreamsState/read(_:into:)``: how many bytes were copied and whether the
/// stream's data is now complete (the peer's FIN has been read; no more bytes will come).
public struct StreamRead: Sendable, Hashable {
    /// Bytes copied into the caller's buffer (0 when nothing is ready yet).
    public var count: Int
    /// True once every byte up to the final size has been read.
    public var isFinished: Bool

    /// Creates a read result.
    @inlinable
    public init(count: Int, isFinished: Bool) {
        self.count = count
        self.isFinished = isFinished
    }
}

/// Why an application stream operation was refused. None of these close the connection.
public enum StreamError: Error, Sendable, Hashable {
    /// No such open stream: never opened, already closed and forgotten, or not yet opened by the peer.
    case unknownStream
    /// The stream has no sending part (the peer's unidirectional stream).
    case notWritable
    /// The stream has no receiving part (our unidirectional stream), or reading was stopped.
    case notReadable
    /// The sending part was already finished or reset; no more data may be written.
    case alreadyFinished
    /// The peer's stream limit does not allow opening another stream now.
    case limitReached
    /// The peer abandoned its sending part with RESET_STREAM carrying `errorCode`.
    case resetByPeer(errorCode: UInt64)
    /// The peer asked us to stop sending (STOP_SENDING with `errorCode`); the stream was reset.
    case stoppedByPeer(errorCode: UInt64)
    /// The connection is closed; no stream can be used.
    case connectionClosed
}

/// What one sent packet carried that the stream layer must retransmit or release. The
/// connection keeps these per packet and hands each back once through
/// ``StreamsState/onAcked(_:)`` or ``StreamsState/onLost(_:)``.
public enum StreamFrameRecord: Sendable, Hashable {
    /// A STREAM frame: `length` bytes at `offset`, with FIN when `fin`.
    case stream(StreamID, offset: UInt64, length: Int, fin: Bool)
    /// A RESET_STREAM frame.
    case resetStream(StreamID)
    /// A STOP_SENDING frame.
    case stopSending(StreamID)
    /// A MAX_DATA frame.
    case maxData
    /// A MAX_STREAM_DATA frame.
    case maxStreamData(StreamID)
    /// A MAX_STREAMS frame.
    case maxStreams(bidirectional: Bool)
    /// A DATA_BLOCKED frame.
    case dataBlocked
    /// A STREAM_DATA_BLOCKED frame.
    case streamDataBlocked(StreamID)
    /// A STREAMS_BLOCKED frame.
    case streamsBlocked(bidirectional: Bool)
}

/// Something the application should know about a stream; `Connection` maps these one to one
/// onto its own events.
public enum StreamEvent: Sendable, Hashable {
    /// The peer opened the stream (explicitly or implicitly, RFC 9000 §3.2).
    case opened(StreamID)
    /// Data (or the end of the stream) can be read.
    case readable(StreamID)
    /// Send buffer space was freed after a write accepted fewer bytes than offered.
    case writable(StreamID)
    /// The peer reset its sending part (RESET_STREAM).
    case reset(StreamID, errorCode: UInt64)
    /// The peer asked us to stop sending (STOP_SENDING); the sending part was reset.
    case stopSending(StreamID, errorCode: UInt64)
    /// The peer raised its stream limit after ``StreamsState/openStream(bidirectional:)`` failed.
    case streamsAvailable(bidirectional: Bool)
}
