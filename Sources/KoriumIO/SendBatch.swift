import CKoriumSys
import Glibc

/// Datagrams queued for one `send` system call batch, stored back to back in one reused byte
/// arena. Appending copies (or writes in place) into the arena; sending consumes from the front.
/// All memory is allocated once in `init`: nothing is allocated per datagram.
///
/// Not thread-safe: owned by the thread (normally the event loop) that sends.
public final class SendBatch {
    struct Entry {
        var destination: SocketAddress
        var offset: Int
        var length: Int
        var ecn: ECN
    }

    /// Most datagrams the batch holds.
    public let maxDatagrams: Int
    /// Total payload bytes the batch holds.
    public let byteCapacity: Int
    /// Datagrams handed to the kernel per `sendmmsg` call.
    public let messagesPerCall: Int

    let arena: UnsafeMutableRawPointer
    let entries: UnsafeMutablePointer<Entry>
    var head = 0
    var tail = 0
    var bytesEnd = 0

    // sendmmsg scratch, one slot per message of a call.
    let messages: UnsafeMutablePointer<korium_mmsghdr>
    let iovecs: UnsafeMutablePointer<iovec>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let controls: UnsafeMutableRawPointer
    let groupSizes: UnsafeMutablePointer<Int>
    static let controlStride = 64

    /// A batch of up to `maxDatagrams` datagrams totalling `byteCapacity` bytes, sent
    /// `messagesPerCall` messages per system call (64 is a good batch on Linux).
    public init(maxDatagrams: Int = 256, byteCapacity: Int = 256 * 1_500, messagesPerCall: Int = 64) {
        precondition(maxDatagrams > 0 && byteCapacity > 0 && messagesPerCall > 0, "SendBatch sizes must be positive")
        self.maxDatagrams = maxDatagrams
        self.byteCapacity = byteCapacity
        self.messagesPerCall = messagesPerCall
        arena = .allocate(byteCount: byteCapacity, alignment: 16)
        entries = .allocate(capacity: maxDatagrams)
        messages = .allocate(capacity: messagesPerCall)
        messages.initialize(repeating: korium_mmsghdr(), count: messagesPerCall)
        iovecs = .allocate(capacity: messagesPerCall)
        iovecs.initialize(repeating: iovec(), count: messagesPerCall)
        names = .allocate(capacity: messagesPerCall)
        names.initialize(repeating: sockaddr_storage(), count: messagesPerCall)
        controls = .allocate(byteCount: messagesPerCall * Self.controlStride, alignment: 16)
        controls.initializeMemory(as: UInt8.self, repeating: 0, count: messagesPerCall * Self.controlStride)
        groupSizes = .allocate(capacity: messagesPerCall)
        groupSizes.initialize(repeating: 0, count: messagesPerCall)
    }

    deinit {
        arena.deallocate()
        entries.deinitialize(count: tail - head)
        entries.deallocate()
        messages.deallocate()
        iovecs.deallocate()
        names.deallocate()
        controls.deallocate()
        groupSizes.deallocate()
    }

    /// Datagrams waiting to be sent.
    public var count: Int { tail - head }
    /// Whether nothing waits to be sent.
    public var isEmpty: Bool { tail == head }
    /// Bytes a new datagram can take (after moving the unsent ones to the front).
    public var freeBytes: Int { byteCapacity - (head < tail ? bytesEnd - entries[head].offset : 0) }

    /// Drops every queued datagram.
    public func removeAll() {
        entries.advanced(by: head).deinitialize(count: tail - head)
        head = 0
        tail = 0
        bytesEnd = 0
    }

    /// Queues a copy of `bytes` for `destination`; false (nothing queued) when the batch is full.
    @discardableResult
    public func append(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress, ecn: ECN = .notECT) -> Bool {
        append(to: destination, ecn: ecn, maxLength: bytes.count) { out in
            if let base = bytes.baseAddress, let dst = out.baseAddress { dst.copyMemory(from: base, byteCount: bytes.count) }
            return bytes.count
        }
    }

    /// Queues a copy of `bytes` for `destination`; false (nothing queued) when the batch is full.
    @discardableResult
    public func append(_ bytes: [UInt8], to destination: SocketAddress, ecn: ECN = .notECT) -> Bool {
        bytes.withUnsafeBytes { append($0, to: destination, ecn: ecn) }
    }

    /// Lends `write` up to `maxLength` bytes of the arena to build a datagram in place and queues
    /// the number of bytes it returns (0 queues nothing). False, without calling `write`, when
    /// the batch is full.
    @discardableResult
    public func append(to destination: SocketAddress, ecn: ECN = .notECT, maxLength: Int,
                       _ write: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        guard maxLength >= 0, maxLength <= byteCapacity else { return false }
        if tail == maxDatagrams || bytesEnd + maxLength > byteCapacity { compact() }
        guard tail < maxDatagrams, bytesEnd + maxLength <= byteCapacity else { return false }
        let written = write(UnsafeMutableRawBufferPointer(start: arena + bytesEnd, count: maxLength))
        precondition(written >= 0 && written <= maxLength, "SendBatch writer returned a length outside 0...maxLength")
        guard written > 0 else { return true }
        (entries + tail).initialize(to: Entry(destination: destination, offset: bytesEnd, length: written, ecn: ecn))
        tail += 1
        bytesEnd += written
        return true
    }

    /// Moves the unsent datagrams to the front of the arena.
    func compact() {
        guard head > 0 else { return }
        let pending = tail - head
        let firstOffset = pending > 0 ? entries[head].offset : bytesEnd
        let byteCount = bytesEnd - firstOffset
        if byteCount > 0 { arena.copyMemory(from: arena + firstOffset, byteCount: byteCount) }
        if pending > 0 {
            entries.moveInitialize(from: entries + head, count: pending)
            for i in 0..<pending { entries[i].offset -= firstOffset }
        }
        head = 0
        tail = pending
        bytesEnd = byteCount
    }

    /// Marks the first `n` queued datagrams as gone (sent or dropped).
    func consume(_ n: Int) {
        entries.advanced(by: head).deinitialize(count: n)
        head += n
        if head == tail {
            head = 0
            tail = 0
            bytesEnd = 0
        }
    }

    /// The bytes of the queued datagram at `index` (0 is the next to be sent), for inspection.
    public func withDatagram<R>(at index: Int, _ body: (SocketAddress, UnsafeRawBufferPointer) -> R) -> R {
        precondition(index >= 0 && index < count, "SendBatch index out of range")
        let e = entries[head + index]
        return body(e.destination, UnsafeRawBufferPointer(start: arena + e.offset, count: e.length))
    }
}

/// What one `send` call did.
public struct SendResult: Equatable, Sendable {
    /// Datagrams the kernel accepted.
    public var sent: Int = 0
    /// Datagrams removed from the batch unsent because the kernel refused that datagram
    /// (too long, unreachable, wrong address family): for QUIC, the same as a loss.
    public var dropped: Int = 0
    /// The socket buffer is full: wait for writability, then send the rest.
    public var wouldBlock = false
    /// Why the last dropped datagram was refused.
    public var lastDropReason: IOError?

    /// An empty result.
    public init() {}
}
