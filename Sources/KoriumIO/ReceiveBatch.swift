import CKoriumSys
import Glibc

/// One received datagram, lent to a closure by `ReceiveBatch.forEach`. `bytes` points into the
/// batch's reused buffer and is valid only inside that closure.
public struct ReceivedDatagram {
    /// Who sent it (IPv4-mapped sources on dual-stack sockets are reported as IPv4).
    public var source: SocketAddress
    /// The local address it was sent to (from `IP_PKTINFO`/`IPV6_PKTINFO`; port = the socket's),
    /// or nil when packet info is off.
    public var destination: SocketAddress?
    /// Its ECN codepoint (`.notECT` when ECN reception is off).
    public var ecn: ECN
    /// The payload, borrowed from the batch.
    public var bytes: UnsafeRawBufferPointer
}

/// Reused buffers for `recvmmsg`: `maxMessages` slots of `bufferSize` bytes plus address and
/// control space, allocated once. A GRO-coalesced slot is split back into its datagrams by
/// `forEach`. Nothing is allocated per datagram.
///
/// Not thread-safe: owned by the thread (normally the event loop) that receives.
public final class ReceiveBatch {
    struct Message {
        var source: SocketAddress
        var destination: SocketAddress?
        var ecn: ECN
        var length: Int
        var segmentSize: Int
    }

    /// Slots per `recvmmsg` call.
    public let maxMessages: Int
    /// Bytes per slot: at least the largest datagram expected, `KoriumIO.maxGROBufferSize` with GRO.
    public let bufferSize: Int

    let arena: UnsafeMutableRawPointer
    let messages: UnsafeMutablePointer<korium_mmsghdr>
    let iovecs: UnsafeMutablePointer<iovec>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let controls: UnsafeMutableRawPointer
    let received: UnsafeMutablePointer<Message>
    static let controlStride = 256

    /// Number of filled slots after the last `receive`.
    public internal(set) var messageCount = 0
    /// Number of datagrams after the last `receive` (GRO slots count each segment).
    public internal(set) var datagramCount = 0
    /// Datagrams cut short because a slot was smaller than the datagram (`MSG_TRUNC`), since creation.
    public internal(set) var truncatedCount = 0

    /// Buffers for `maxMessages` datagrams of up to `bufferSize` bytes each per call.
    public init(maxMessages: Int = 64, bufferSize: Int = 2_048) {
        precondition(maxMessages > 0 && bufferSize > 0, "ReceiveBatch sizes must be positive")
        self.maxMessages = maxMessages
        self.bufferSize = bufferSize
        arena = .allocate(byteCount: maxMessages * bufferSize, alignment: 16)
        messages = .allocate(capacity: maxMessages)
        messages.initialize(repeating: korium_mmsghdr(), count: maxMessages)
        iovecs = .allocate(capacity: maxMessages)
        names = .allocate(capacity: maxMessages)
        names.initialize(repeating: sockaddr_storage(), count: maxMessages)
        controls = .allocate(byteCount: maxMessages * Self.controlStride, alignment: 16)
        received = .allocate(capacity: maxMessages)
        for i in 0..<maxMessages {
            (iovecs + i).initialize(to: iovec(iov_base: arena + i * bufferSize, iov_len: bufferSize))
            messages[i].msg_hdr.msg_iov = iovecs + i
            messages[i].msg_hdr.msg_iovlen = 1
            messages[i].msg_hdr.msg_name = UnsafeMutableRawPointer(names + i)
            messages[i].msg_hdr.msg_control = controls + i * Self.controlStride
        }
    }

    deinit {
        received.deinitialize(count: messageCount)
        arena.deallocate()
        messages.deallocate()
        iovecs.deallocate()
        names.deallocate()
        controls.deallocate()
        received.deallocate()
    }

    /// Resets the per-call fields the kernel overwrites.
    func prepare() {
        received.deinitialize(count: messageCount)
        messageCount = 0
        datagramCount = 0
        for i in 0..<maxMessages {
            messages[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            messages[i].msg_hdr.msg_controllen = Self.controlStride
            messages[i].msg_hdr.msg_flags = 0
            messages[i].msg_len = 0
        }
    }

    /// Reads addresses and ancillary data of the `count` slots the kernel filled.
    func complete(count: Int, localPort: UInt16) {
        var datagrams = 0
        for i in 0..<count {
            let hdr = messages + i
            let length = Int(hdr.pointee.msg_len)
            if hdr.pointee.msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0 { truncatedCount += 1 }
            let source = SocketAddress(sockaddr: names + i, length: hdr.pointee.msg_hdr.msg_namelen)?.unmapped
                ?? SocketAddress(ip: .v4(.any), port: 0)
            var message = Message(source: source, destination: nil, ecn: .notECT, length: length, segmentSize: length)
            var cmsg = korium_CMSG_FIRSTHDR(&hdr.pointee.msg_hdr)
            while let c = cmsg {
                let level = c.pointee.cmsg_level, type = c.pointee.cmsg_type
                if let data = korium_CMSG_DATA(c) {
                    let raw = UnsafeRawPointer(data)
                    if level == Int32(IPPROTO_IP) && type == Int32(IP_PKTINFO) {
                        let info = raw.loadUnaligned(as: in_pktinfo.self)
                        message.destination = SocketAddress(ip: .v4(IPv4Address(info.ipi_addr)), port: localPort)
                    } else if level == Int32(IPPROTO_IPV6) && type == korium_IPV6_PKTINFO {
                        let info = raw.loadUnaligned(as: korium_in6_pktinfo.self)
                        let ip = IPAddress.v6(IPv6Address(info.ipi6_addr)).unmapped
                        message.destination = SocketAddress(ip: ip, port: localPort)
                    } else if level == Int32(IPPROTO_IP) && type == Int32(IP_TOS) {
                        message.ecn = ECN(trafficClass: raw.load(as: UInt8.self))
                    } else if level == Int32(IPPROTO_IPV6) && type == korium_IPV6_TCLASS {
                        message.ecn = ECN(trafficClass: UInt8(truncatingIfNeeded: raw.loadUnaligned(as: Int32.self)))
                    } else if level == korium_SOL_UDP && type == korium_UDP_GRO {
                        let segment = Int(raw.loadUnaligned(as: Int32.self))
                        if segment > 0 { message.segmentSize = segment }
                    }
                }
                cmsg = korium_CMSG_NXTHDR(&hdr.pointee.msg_hdr, c)
            }
            let segment = max(message.segmentSize, 1)
            datagrams += length == 0 ? 1 : (length + segment - 1) / segment
            (received + i).initialize(to: message)
        }
        messageCount = count
        datagramCount = datagrams
    }

    /// Calls `body` for each datagram of the last `receive`, in arrival order, splitting
    /// GRO-coalesced slots into their segments.
    public func forEach<E: Error>(_ body: (ReceivedDatagram) throws(E) -> Void) throws(E) {
        for i in 0..<messageCount {
            let m = received[i]
            let base = UnsafeRawPointer(arena + i * bufferSize)
            if m.length == 0 {
                try body(ReceivedDatagram(source: m.source, destination: m.destination, ecn: m.ecn,
                                          bytes: UnsafeRawBufferPointer(start: base, count: 0)))
                continue
            }
            var offset = 0
            while offset < m.length {
                let n = min(m.segmentSize, m.length - offset)
                try body(ReceivedDatagram(source: m.source, destination: m.destination, ecn: m.ecn,
                                          bytes: UnsafeRawBufferPointer(start: base + offset, count: n)))
                offset += n
            }
        }
    }
}

extension KoriumIO {
    /// Slot size for receiving with GRO: the kernel may coalesce up to 64 KiB into one slot.
    public static let maxGROBufferSize = 65_535
}
