/// Ordered reassembly of one stream's (or one CRYPTO level's) incoming bytes into a bounded
/// ring buffer (RFC 9000 §2.2, §4.5).
///
/// Frames may arrive out of order, overlap or repeat; bytes are copied once into the ring at
/// their offset and handed to the reader in order. The ring holds at most ``capacity`` bytes
/// beyond the read offset (the receive window), and at most ``rangeLimit`` disjoint received
/// ranges. The ring is allocated lazily and doubles only when data lands beyond it (a stream
/// that never receives much never pays for its whole window); once grown, frames do not
/// allocate. Final-size rules of §4.5 give FINAL_SIZE_ERROR.
public struct ReassemblyBuffer: Sendable {
    /// Floor of the cap on disjoint received ranges; a frame that would exceed the cap is
    /// dropped, which bounds work per frame.
    public static let maxRanges = 32
    /// Window bytes per allowed gap: the cap grows with the window (``rangeLimit``), so a peer
    /// sending full-size frames through heavy loss never hits it, while a peer spraying tiny
    /// frames only stalls its own stream.
    public static let bytesPerRange = 256

    /// The cap on disjoint received ranges for the current capacity.
    public var rangeLimit: Int { Swift.max(Self.maxRanges, capacity / Self.bytesPerRange) }

    /// The smallest ring allocated once data arrives.
    static let minimumAllocation = 4096

    /// Ring storage: grows (doubling) up to `capacity` bytes as data arrives further ahead.
    var storage: [UInt8] = []
    /// The most unread bytes the buffer accepts (the receive window).
    public private(set) var capacity: Int
    /// The stream offset of the next byte to read.
    public private(set) var readOffset: UInt64 = 0
    /// Received ranges beyond `readOffset` (stream offsets, half-open), ascending, disjoint.
    var received: [Range<UInt64>] = []
    /// The final size, once known (from a FIN or RESET_STREAM).
    public private(set) var finalSize: UInt64?
    /// The largest offset received so far (end of data).
    public private(set) var highestOffset: UInt64 = 0

    /// A buffer for up to `capacity` unread bytes.
    public init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        received.reserveCapacity(Self.maxRanges + 1)
    }

    /// Raises the cap on unread bytes (the receive window grew); never lowers it.
    public mutating func raiseCapacity(to newCapacity: Int) {
        if newCapacity > capacity { capacity = newCapacity }
    }

    /// Bytes of ring storage currently allocated (≤ ``capacity``).
    public var allocatedBytes: Int { storage.count }

    /// Bytes ready to read in order.
    public var readableCount: Int {
        guard let first = received.first, first.lowerBound == readOffset else { return 0 }
        return Int(first.upperBound - first.lowerBound)
    }

    /// Whether everything up to the final size has been read.
    public var isFinished: Bool { finalSize == readOffset }

    /// RFC 9000 §4.5: the final size may be learned once and never change; data beyond it, or a
    /// final size below data already received, is a FINAL_SIZE_ERROR.
    mutating func setFinalSize(_ size: UInt64) throws(TransportError) {
        if let finalSize, finalSize != size { throw TransportError(.finalSizeError, "final size changed") }
        guard size >= highestOffset else { throw TransportError(.finalSizeError, "final size below received data") }
        finalSize = size
    }

    /// Accepts a STREAM/CRYPTO frame's data at `offset`. Bytes beyond `readOffset + capacity`
    /// are a caller error to prevent with flow control first; here they are a FLOW_CONTROL_ERROR
    /// (the window was exceeded). Already-read or duplicate bytes are ignored.
    public mutating func insert(offset: UInt64, data: UnsafeRawBufferPointer, isFinal: Bool) throws(TransportError) {
        let end = offset + UInt64(data.count)
        if let finalSize, end > finalSize { throw TransportError(.finalSizeError, "data beyond the final size") }
        if isFinal { try setFinalSize(end) }
        guard end <= readOffset + UInt64(capacity) else {
            throw TransportError(.flowControlError, "data beyond the receive buffer")
        }
        highestOffset = Swift.max(highestOffset, end)
        let start = Swift.max(offset, readOffset)
        guard start < end else { return }
        guard add(start..<end) else { return }
        if end - readOffset > UInt64(storage.count) { grow(toHold: Int(end - readOffset)) }
        // Copy into the ring (overlapping bytes are identical by RFC 9000 §2.2, so rewriting is harmless).
        var position = start
        storage.withUnsafeMutableBytes { ring in
            while position < end {
                let ringIndex = Int(position % UInt64(ring.count))
                let run = Swift.min(Int(end - position), ring.count - ringIndex)
                let source = data.baseAddress! + Int(position - offset)
                (ring.baseAddress! + ringIndex).copyMemory(from: source, byteCount: run)
                position += UInt64(run)
            }
        }
    }

    /// Reallocates the ring so `needed` bytes beyond `readOffset` fit, moving the received bytes
    /// to their positions in the larger ring (positions are offsets modulo the ring size).
    mutating func grow(toHold needed: Int) {
        let size = Swift.min(capacity, Swift.max(needed, storage.count * 2, Self.minimumAllocation))
        var grown = [UInt8](repeating: 0, count: size)
        if !storage.isEmpty {
            storage.withUnsafeBytes { old in
                grown.withUnsafeMutableBytes { new in
                    for range in received {
                        var position = range.lowerBound
                        while position < range.upperBound {
                            let from = Int(position % UInt64(old.count))
                            let to = Int(position % UInt64(new.count))
                            let run = Swift.min(Int(range.upperBound - position), old.count - from, new.count - to)
                            (new.baseAddress! + to).copyMemory(from: old.baseAddress! + from, byteCount: run)
                            position += UInt64(run)
                        }
                    }
                }
            }
        }
        storage = grown
    }

    /// Merges `range` into the received list; false when the list is full and the range
    /// touches nothing (the frame is then dropped).
    mutating func add(_ range: Range<UInt64>) -> Bool {
        var merged = range
        var first = 0
        while first < received.count && received[first].upperBound < merged.lowerBound { first += 1 }
        var last = first
        while last < received.count && received[last].lowerBound <= merged.upperBound {
            merged = Swift.min(merged.lowerBound, received[last].lowerBound)..<Swift.max(merged.upperBound, received[last].upperBound)
            last += 1
        }
        if first == last && received.count >= rangeLimit { return false }
        received.replaceSubrange(first..<last, with: CollectionOfOne(merged))
        return true
    }

    /// Copies up to `buffer.count` in-order bytes into `buffer` and consumes them; returns the
    /// count (0 when nothing is ready).
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = Swift.min(readableCount, buffer.count)
        guard n > 0 else { return 0 }
        storage.withUnsafeBytes { ring in
            var copied = 0
            while copied < n {
                let ringIndex = Int((readOffset + UInt64(copied)) % UInt64(ring.count))
                let run = Swift.min(n - copied, ring.count - ringIndex)
                (buffer.baseAddress! + copied).copyMemory(from: ring.baseAddress! + ringIndex, byteCount: run)
                copied += run
            }
        }
        readOffset += UInt64(n)
        if received[0].upperBound == readOffset { received.removeFirst() } else { received[0] = readOffset..<received[0].upperBound }
        return n
    }

    /// RFC 9000 §3.2 / §4.5: RESET_STREAM carries the final size; it must agree with what was seen.
    public mutating func onReset(finalSize: UInt64) throws(TransportError) {
        try setFinalSize(finalSize)
    }
}
