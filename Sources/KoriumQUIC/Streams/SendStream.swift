/// The sending part of a stream (RFC 9000 §3.1): a bounded buffer, what was acknowledged or
/// lost, FIN and RESET_STREAM progress, and stream-level send flow control.
///
/// States map as: Ready/Send = `!isFinishRequested && resetCode == nil`; Data Sent = FIN sent;
/// Data Recvd = ``isTerminal`` through acknowledgements; Reset Sent = `resetCode != nil`;
/// Reset Recvd = ``isTerminal`` through the RESET_STREAM acknowledgement.
struct SendStream: Sendable {
    var buffer: SendBuffer
    var flow: SendFlowControl
    /// Acknowledged ranges above `buffer.base`.
    var acked = ByteRangeSet()
    /// Sent ranges declared lost, to send again before new data.
    var lost = ByteRangeSet()
    /// The application called finish.
    var isFinishRequested = false
    /// A FIN is in flight or acknowledged (cleared when it is lost).
    var isFinSent = false
    var isFinAcked = false
    /// Set when we reset the stream (on request or after STOP_SENDING).
    var resetCode: UInt64?
    /// The final size sent in RESET_STREAM.
    var resetFinalSize: UInt64 = 0
    var isResetPending = false
    var isResetAcked = false
    /// The peer's STOP_SENDING error code, once received.
    var stopCode: UInt64?
    /// A write was cut short: signal `.writable` when space frees up.
    var wantsWritable = false
    /// STREAM_DATA_BLOCKED to send, with this limit.
    var blockedLimit: UInt64?

    init(bufferLimit: Int, peerMaximum: UInt64) {
        buffer = SendBuffer(limit: bufferLimit)
        flow = SendFlowControl(initialMaximum: peerMaximum)
    }

    /// Data Recvd or Reset Recvd: nothing more will ever be sent.
    var isTerminal: Bool {
        if resetCode != nil { return isResetAcked }
        return isFinAcked && buffer.base == buffer.end
    }

    /// Whether the application may still write or finish.
    var isWritable: Bool { resetCode == nil && !isFinishRequested }

    /// Bytes written but never sent.
    var unsentCount: UInt64 { buffer.end - flow.sent }

    /// Whether a FIN can go out now: requested, not in flight, and all data already sent.
    var needsFin: Bool { isFinishRequested && !isFinSent && flow.sent == buffer.end }

    /// Whether a STREAM frame could be produced ignoring connection-level flow control
    /// (`connectionAvailable` says whether new data may use it).
    func hasSendableData(connectionAvailable: Bool) -> Bool {
        guard resetCode == nil else { return false }
        if !lost.isEmpty || needsFin { return true }
        return unsentCount > 0 && flow.available > 0 && connectionAvailable
    }

    /// RFC 9000 §3.1: a reset abandons all buffered data; the final size is what was sent (§4.5).
    mutating func reset(errorCode: UInt64) {
        guard resetCode == nil, !isTerminal else { return }
        resetCode = errorCode
        resetFinalSize = flow.sent
        isResetPending = true
        buffer.discard()
        acked.removeAll()
        lost.removeAll()
        blockedLimit = nil
        wantsWritable = false
    }

    /// A STREAM frame was acknowledged: release the buffer prefix now contiguous with it.
    /// Returns true when buffer space was freed.
    mutating func onAcked(offset: UInt64, length: Int, fin: Bool) -> Bool {
        guard resetCode == nil else { return false }
        let range = offset..<(offset + UInt64(length))
        if fin { isFinAcked = true }
        lost.remove(range)
        guard range.upperBound > buffer.base else { return false }
        acked.insert(range)
        guard let first = acked.first, first.lowerBound <= buffer.base else { return false }
        acked.removeAll(below: first.upperBound)
        buffer.release(upTo: first.upperBound)
        // Data Recvd: the storage is no longer needed even if the receiving part lives on.
        if isTerminal { buffer.discard() }
        return true
    }

    /// A STREAM frame was lost: queue its unacknowledged bytes (and FIN) again.
    mutating func onLost(offset: UInt64, length: Int, fin: Bool) {
        guard resetCode == nil else { return }
        let start = Swift.max(offset, buffer.base)
        let end = offset + UInt64(length)
        if start < end {
            lost.insert(start..<end)
            for range in acked.ranges where range.lowerBound < end {
                if range.upperBound > start { lost.remove(range) }
            }
        }
        if fin && !isFinAcked { isFinSent = false }
    }
}
