/// The CRYPTO byte stream of one encryption level (RFC 9000 §19.6): QUIC owns the offsets,
/// TLS the bytes. Outgoing bytes stay buffered until the space is discarded (a handshake is a
/// few kilobytes) so lost ranges can be resent; incoming bytes are reassembled in a bounded
/// buffer created on first use.
struct CryptoStream: Sendable {
    /// RFC 9000 §7.5: at least 4096 bytes must be buffered; more out of order is CRYPTO_BUFFER_EXCEEDED.
    static let receiveCapacity = 32 * 1024
    /// Lost ranges waiting to be resent at most; beyond it they merge into one.
    static let maxRetransmitRanges = 32

    /// Everything TLS wrote at this level.
    private(set) var sendBuffer: [UInt8] = []
    /// The first byte never sent.
    private(set) var sendOffset: UInt64 = 0
    /// Ranges declared lost (or probed), to send again before new bytes.
    private(set) var retransmit: [Range<UInt64>] = []
    /// Incoming reassembly, created on the first CRYPTO frame.
    var receive: ReassemblyBuffer?

    /// Whether there are bytes to send (new or lost).
    var hasDataToSend: Bool { !retransmit.isEmpty || sendOffset < UInt64(sendBuffer.count) }

    /// Queues bytes TLS produced.
    mutating func enqueue(_ bytes: [UInt8]) { sendBuffer.append(contentsOf: bytes) }

    /// The next chunk to put in a CRYPTO frame of at most `maxLength` data bytes.
    mutating func nextChunk(maxLength: Int) -> Range<UInt64>? {
        guard maxLength > 0 else { return nil }
        if !retransmit.isEmpty {
            let range = retransmit[0]
            let end = Swift.min(range.upperBound, range.lowerBound + UInt64(maxLength))
            if end == range.upperBound { retransmit.removeFirst() } else { retransmit[0] = end..<range.upperBound }
            return range.lowerBound..<end
        }
        let total = UInt64(sendBuffer.count)
        guard sendOffset < total else { return nil }
        let end = Swift.min(total, sendOffset + UInt64(maxLength))
        defer { sendOffset = end }
        return sendOffset..<end
    }

    /// The bytes of `range` (which was returned by ``nextChunk(maxLength:)``).
    func bytes(_ range: Range<UInt64>, _ body: (UnsafeRawBufferPointer) -> Void) {
        sendBuffer.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[Int(range.lowerBound)..<Int(range.upperBound)]))
        }
    }

    /// Queues `range` to be sent again (lost, or probing).
    mutating func onLost(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        for existing in retransmit where existing.lowerBound <= range.lowerBound && range.upperBound <= existing.upperBound { return }
        if retransmit.count >= Self.maxRetransmitRanges {
            let merged = Swift.min(retransmit[0].lowerBound, range.lowerBound)..<Swift.max(retransmit[retransmit.count - 1].upperBound, range.upperBound)
            retransmit = [merged]
        } else {
            retransmit.append(range)
            retransmit.sort { $0.lowerBound < $1.lowerBound }
        }
    }

    /// Feeds a received CRYPTO frame; returns the bytes now contiguous for TLS (empty if none).
    mutating func onReceived(offset: UInt64, data: UnsafeRawBufferPointer) throws(TransportError) -> [UInt8] {
        if receive == nil { receive = ReassemblyBuffer(capacity: Self.receiveCapacity) }
        // RFC 9000 §7.5: data beyond what we can buffer is CRYPTO_BUFFER_EXCEEDED.
        let end = offset.addingReportingOverflow(UInt64(data.count))
        guard !end.overflow, end.partialValue <= receive!.readOffset + UInt64(Self.receiveCapacity) else {
            throw TransportError(.cryptoBufferExceeded, frameType: FrameType.crypto, "CRYPTO data beyond the buffer")
        }
        try receive!.insert(offset: offset, data: data, isFinal: false)
        let readable = receive!.readableCount
        guard readable > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: readable)
        let n = out.withUnsafeMutableBytes { receive!.read(into: $0) }
        out.removeLast(out.count - n)
        return out
    }
}
