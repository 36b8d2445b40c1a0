/// One row of the stream table: a stream's sending and receiving parts (absent for the half a
/// unidirectional stream does not have, or once that half was fully done) and its queue marks.
struct StreamEntry: Sendable {
    var id: StreamID
    var send: SendStream?
    var recv: RecvStream?
    /// In the round-robin send queue.
    var isQueued = false
    /// In the list of streams waiting for connection-level credit (retransmissions still go
    /// through the send queue meanwhile: they need no credit).
    var isConnectionBlocked = false
    /// In the control-frame queue (RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED).
    var isControlQueued = false

    /// Both parts are in a terminal state: the entry can be dropped (RFC 9000 §3.3 closed).
    var isClosed: Bool {
        (send.map { $0.isTerminal } ?? true) && (recv.map { $0.isTerminal } ?? true)
    }

    /// Whether any control frame for this stream is waiting.
    var hasControlFrames: Bool {
        if let send, send.isResetPending || send.blockedLimit != nil { return true }
        if let recv, recv.isStopPending || recv.isMaxStreamDataPending { return true }
        return false
    }
}
