import KoriumWire

/// A stream's outgoing bytes from the lowest unacknowledged offset to the end of what the
/// application wrote, in a ring that grows (doubling) up to a fixed limit: the limit is the
/// back-pressure point, and a ring in steady use never allocates on write or send.
struct SendBuffer: Sendable {
    /// The smallest ring allocated on the first write.
    static let minimumAllocation = 4096

    private var storage: [UInt8] = []
    /// Stream offset of the first byte not yet acknowledged (everything below is released).
    private(set) var base: UInt64 = 0
    /// Stream offset one past the last byte written by the application.
    private(set) var end: UInt64 = 0
    /// Most bytes held at once (unacknowledged + unsent).
    let limit: Int

    init(limit: Int) {
        precondition(limit > 0, "send buffer limit must be positive")
        self.limit = limit
    }

    /// Bytes held.
    var count: Int { Int(end - base) }
    /// Bytes the application may still write before being pushed back.
    var space: Int { limit - count }

    /// Copies as much of `bytes` as fits; returns the count accepted.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(bytes.count, space)
        guard n > 0 else { return 0 }
        if count + n > storage.count { grow(toHold: count + n) }
        storage.withUnsafeMutableBytes { ring in
            var copied = 0
            while copied < n {
                let index = Int((end + UInt64(copied)) % UInt64(ring.count))
                let run = Swift.min(n - copied, ring.count - index)
                (ring.baseAddress! + index).copyMemory(from: bytes.baseAddress! + copied, byteCount: run)
                copied += run
            }
        }
        end += UInt64(n)
        return n
    }

    /// Writes the held bytes `range` (within `base..<end`) into `writer`; the caller has
    /// checked that they fit.
    func write(_ range: Range<UInt64>, to writer: inout ByteWriter) throws(WireError) {
        precondition(range.lowerBound >= base && range.upperBound <= end, "range outside the send buffer")
        var position = range.lowerBound
        while position < range.upperBound {
            let index = Int(position % UInt64(storage.count))
            let run = Swift.min(Int(range.upperBound - position), storage.count - index)
            let result: Result<Void, WireError> = storage.withUnsafeBytes { ring in
                do throws(WireError) {
                    return .success(try writer.writeBytes(UnsafeRawBufferPointer(rebasing: ring[index..<(index + run)])))
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
            position += UInt64(run)
        }
    }

    /// Releases everything below `offset` (acknowledged).
    mutating func release(upTo offset: UInt64) {
        precondition(offset <= end, "released beyond the written data")
        if offset > base { base = offset }
    }

    /// Drops all held bytes and the storage (the stream was reset).
    mutating func discard() {
        base = end
        storage = []
    }

    /// Reallocates so `needed` bytes fit, keeping each held byte at `offset % size`.
    private mutating func grow(toHold needed: Int) {
        let size = Swift.min(limit, Swift.max(needed, storage.count * 2, Self.minimumAllocation))
        var grown = [UInt8](repeating: 0, count: size)
        if !storage.isEmpty && end > base {
            storage.withUnsafeBytes { old in
                grown.withUnsafeMutableBytes { new in
                    var position = base
                    while position < end {
                        let from = Int(position % UInt64(old.count))
                        let to = Int(position % UInt64(new.count))
                        let run = Swift.min(Int(end - position), old.count - from, new.count - to)
                        (new.baseAddress! + to).copyMemory(from: old.baseAddress! + from, byteCount: run)
                        position += UInt64(run)
                    }
                }
            }
        }
        storage = grown
    }
}
