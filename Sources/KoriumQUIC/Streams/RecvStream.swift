/// The receiving part of a stream (RFC 9000 §3.2): reassembly, the final size, stream-level
/// receive flow control with an auto-tuned window, RESET_STREAM and STOP_SENDING.
///
/// States map as: Recv = `finalSize == nil`; Size Known = `finalSize != nil`; Data Read =
/// ``isTerminal`` after the FIN was read; Reset Recvd = `resetCode != nil`; Reset Read =
/// ``isTerminal`` after the application saw the reset. A stream we stopped (STOP_SENDING)
/// discards data and is terminal once its final size is known.
struct RecvStream: Sendable {
    var buffer: ReassemblyBuffer
    var flow: ReceiveFlowControl
    /// Learned from a FIN or RESET_STREAM; never changes afterwards (§4.5).
    var finalSize: UInt64?
    /// The peer's RESET_STREAM code.
    var resetCode: UInt64?
    /// Our STOP_SENDING code: data is discarded from then on.
    var stopCode: UInt64?
    var isStopPending = false
    var isMaxStreamDataPending = false
    /// A `.readable` event is outstanding (cleared when the application drains the stream).
    var isReadableSignalled = false
    /// The application has seen the end: FIN read or reset reported.
    var isDone = false

    init(window: UInt64, maximumWindow: UInt64) {
        flow = ReceiveFlowControl(initialWindow: window, maximumWindow: Swift.max(window, maximumWindow))
        buffer = ReassemblyBuffer(capacity: Int(clamping: Swift.max(window, 1)))
    }

    /// Nothing more will be delivered or needed from this part.
    var isTerminal: Bool {
        if isDone { return true }
        return stopCode != nil && finalSize != nil
    }

    /// Whether a read would return data, the end of the stream, or the reset.
    var isReadable: Bool {
        guard stopCode == nil else { return false }
        return resetCode != nil || buffer.readableCount > 0 || (finalSize != nil && finalSize == buffer.readOffset)
    }

    /// Whether MAX_STREAM_DATA is worth sending: still receiving and half the window used.
    var wantsMaxStreamData: Bool {
        finalSize == nil && resetCode == nil && stopCode == nil && flow.isUpdateDue
    }

    /// RFC 9000 §4.5: checks a FIN or RESET_STREAM final size against what is known.
    mutating func learnFinalSize(_ size: UInt64) throws(TransportError) {
        if let finalSize {
            guard finalSize == size else { throw TransportError(.finalSizeError, "final size changed") }
            return
        }
        guard size >= flow.highestReceived else { throw TransportError(.finalSizeError, "final size below received data") }
        finalSize = size
    }

    /// Accepts a STREAM frame; returns how much the highest received offset grew (connection
    /// flow control counts that) and, in `credit`, bytes to count as consumed at once
    /// (discarded after STOP_SENDING or RESET_STREAM).
    mutating func onData(offset: UInt64, data: UnsafeRawBufferPointer, isFinal: Bool,
                         credit: inout UInt64) throws(TransportError) -> UInt64 {
        let end = offset + UInt64(data.count)
        // RFC 9000 §4.5: data at or beyond a known final size, or a changed final size, is a FINAL_SIZE_ERROR.
        if let finalSize, end > finalSize { throw TransportError(.finalSizeError, "data beyond the final size") }
        if isFinal { try learnFinalSize(end) }
        // RFC 9000 §4.1: beyond the advertised limit is a FLOW_CONTROL_ERROR.
        let growth = try flow.onDataReceived(upTo: end)
        if resetCode != nil || stopCode != nil {
            // RFC 9000 §3.5, §4.4: data after a reset or STOP_SENDING is discarded, its credit returned.
            flow.onConsumed(growth)
            credit = growth
            return growth
        }
        buffer.raiseCapacity(to: Int(clamping: flow.maximum - buffer.readOffset))
        try buffer.insert(offset: offset, data: data, isFinal: isFinal)
        return growth
    }

    /// RFC 9000 §3.2, §4.5: RESET_STREAM ends the part with a final size; bytes never read are
    /// returned to connection flow control at once. Returns (growth, credit) as ``onData``.
    mutating func onReset(errorCode: UInt64, finalSize size: UInt64) throws(TransportError) -> (growth: UInt64, credit: UInt64) {
        try learnFinalSize(size)
        let growth = try flow.onDataReceived(upTo: size)
        guard resetCode == nil, !isDone else { return (growth, 0) }
        let unread = size - flow.consumed
        flow.onConsumed(unread)
        if stopCode == nil { resetCode = errorCode } else { isDone = true }
        return (growth, unread)
    }

    /// The application stops reading: buffered and future data are discarded (returned as
    /// credit). Returns the bytes credited now.
    mutating func stop(errorCode: UInt64) -> UInt64 {
        guard stopCode == nil, !isDone else { return 0 }
        // Already reset by the peer: nothing to ask for; the application no longer wants the reset reported.
        if resetCode != nil {
            isDone = true
            return 0
        }
        stopCode = errorCode
        isStopPending = finalSize == nil
        isMaxStreamDataPending = false
        let unread = flow.highestReceived - flow.consumed
        flow.onConsumed(unread)
        buffer = ReassemblyBuffer(capacity: 1)
        return unread
    }
}
