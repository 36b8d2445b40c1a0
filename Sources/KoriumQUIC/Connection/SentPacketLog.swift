/// A frame a sent packet carried that matters once the packet is acknowledged or lost.
enum SentFrame: Sendable, Hashable {
    /// CRYPTO bytes `offset..<offset+length` of this space's stream: retransmit when lost.
    case crypto(offset: UInt64, length: Int)
    /// An ACK frame whose largest acknowledged was this: once acknowledged, older ranges may go (RFC 9000 §13.2.4).
    case ack(largest: UInt64)
    /// HANDSHAKE_DONE: retransmit when lost (RFC 9000 §13.3).
    case handshakeDone
    /// NEW_CONNECTION_ID with this sequence number: resend when lost (unless retired).
    case newConnectionID(sequence: UInt64)
    /// RETIRE_CONNECTION_ID: resend when lost.
    case retireConnectionID(sequence: UInt64)
    /// NEW_TOKEN number `id` (its bytes wait in the connection until acknowledged).
    case newToken(id: UInt64)
    /// A stream-layer frame, handed back to the stream layer.
    case stream(StreamFrameRecord)
    /// PING or another frame with nothing to retransmit (PATH_RESPONSE, DATAGRAM).
    case unreliable
}

/// What each sent packet of one space carried, in packet-number order, in storage that is
/// reused: entries and frames are appended at the back and released from anywhere; the
/// released prefix is reclaimed in place, so steady state allocates nothing.
struct SentPacketLog: Sendable {
    struct Entry: Sendable {
        var packetNumber: UInt64
        var frameStart: Int
        var frameEnd: Int
        var isLive: Bool
    }

    private(set) var entries: [Entry] = []
    private var head = 0
    private(set) var frames: [SentFrame] = []

    init() {
        entries.reserveCapacity(64)
        frames.reserveCapacity(128)
    }

    /// Starts the record of packet `packetNumber` (numbers increase).
    mutating func beginPacket(_ packetNumber: UInt64) {
        entries.append(Entry(packetNumber: packetNumber, frameStart: frames.count, frameEnd: frames.count, isLive: true))
    }

    /// Adds a frame to the packet begun last.
    mutating func append(_ frame: SentFrame) {
        frames.append(frame)
        entries[entries.count - 1].frameEnd = frames.count
    }

    /// Drops the packet begun last (it was not sent after all).
    mutating func cancelLastPacket() {
        guard let last = entries.popLast() else { return }
        frames.removeSubrange(last.frameStart..<frames.count)
    }

    /// Releases packet `packetNumber`: returns the index range of its frames in ``frames``
    /// (valid until the next mutation), or nil if unknown or already released.
    mutating func release(_ packetNumber: UInt64) -> Range<Int>? {
        var low = head, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].packetNumber < packetNumber { low = mid + 1 } else { high = mid }
        }
        guard low < entries.count, entries[low].packetNumber == packetNumber, entries[low].isLive else { return nil }
        entries[low].isLive = false
        return entries[low].frameStart..<entries[low].frameEnd
    }

    /// Reclaims the released prefix; call after processing released frames.
    mutating func compact() {
        while head < entries.count && !entries[head].isLive { head += 1 }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            frames.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 256 && head * 2 >= entries.count {
            let frameShift = entries[head].frameStart
            entries.removeSubrange(0..<head)
            frames.removeSubrange(0..<frameShift)
            for i in entries.indices {
                entries[i].frameStart -= frameShift
                entries[i].frameEnd -= frameShift
            }
            head = 0
        }
    }

    /// The frames of every packet still live (for PTO retransmission of CRYPTO data).
    func liveFrames(_ body: (SentFrame) -> Void) {
        for i in head..<entries.count where entries[i].isLive {
            for f in entries[i].frameStart..<entries[i].frameEnd { body(frames[f]) }
        }
    }

    /// Forgets everything (the space's keys were discarded).
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: false)
        frames.removeAll(keepingCapacity: false)
        head = 0
    }
}
