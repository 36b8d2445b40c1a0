/// Length-prefixed frames on a long-lived QUIC stream (the demo's gossip streams): each frame is
/// a 4-byte big-endian length followed by that many bytes of one encoded `GossipRPC`.
enum DemoFrame {
    /// Why a stream's frames cannot be read.
    enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// A frame announced more than the cap allows.
        case tooLarge(length: Int, limit: Int)

        var description: String {
            switch self {
            case .tooLarge(let length, let limit): return "frame of \(length) bytes exceeds the \(limit)-byte cap"
            }
        }
    }

    /// `payload` with its 4-byte big-endian length in front.
    static func encode(_ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(truncatingIfNeeded: payload.count)
        var out: [UInt8] = [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        out.reserveCapacity(4 + payload.count)
        out += payload
        return out
    }
}

/// Splits a byte stream into frames. Holds at most one partial frame (≤ `limit` + 4 bytes): a
/// longer announced length is an error before any of its bytes are buffered.
struct DemoFrameDecoder {
    /// The largest payload accepted.
    let limit: Int
    private var buffer: [UInt8] = []
    private var head = 0

    /// A decoder accepting payloads of at most `limit` bytes.
    init(limit: Int) { self.limit = limit }

    /// Appends bytes read from the stream.
    mutating func append(_ bytes: [UInt8]) {
        if head > 0, head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        }
        buffer += bytes
    }

    /// The next complete payload, nil if more bytes are needed.
    mutating func next() throws(DemoFrame.Error) -> [UInt8]? {
        guard buffer.count - head >= 4 else { compact(); return nil }
        let length = Int(buffer[head]) << 24 | Int(buffer[head + 1]) << 16 | Int(buffer[head + 2]) << 8 | Int(buffer[head + 3])
        guard length <= limit else { throw .tooLarge(length: length, limit: limit) }
        guard buffer.count - head - 4 >= length else { compact(); return nil }
        let payload = Array(buffer[(head + 4)..<(head + 4 + length)])
        head += 4 + length
        return payload
    }

    /// Bytes held that do not yet form a frame.
    var pendingBytes: Int { buffer.count - head }

    private mutating func compact() {
        guard head > 0 else { return }
        buffer.removeFirst(head)
        head = 0
    }
}
