import CKoriumSys
import Glibc

extension UDPSocket {
    /// Sends from the front of `batch` with `sendmmsg` (`batch.messagesPerCall` messages per call),
    /// coalescing runs of equal-sized datagrams to one destination into GSO super-datagrams when
    /// GSO is on. Datagrams the kernel refuses individually (too long, unreachable, wrong family)
    /// are dropped and counted; if the kernel refuses GSO itself (`EIO`/`EINVAL`), GSO is turned
    /// off for this socket and the datagrams are resent without it.
    public func send(_ batch: SendBatch) throws(IOError) -> SendResult {
        var result = SendResult()
        while !batch.isEmpty {
            let useGSO = isSegmentationOffloadEnabled
            let messageCount = Self.fill(batch, family: family, gso: useGSO)
            let rc = korium_sendmmsg(fileDescriptor, batch.messages, UInt32(messageCount), 0)
            if rc > 0 {
                var datagrams = 0
                for i in 0..<Int(rc) { datagrams += batch.groupSizes[i] }
                batch.consume(datagrams)
                result.sent += datagrams
                continue
            }
            let code = rc == 0 ? EAGAIN : errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                result.wouldBlock = true
                return result
            case EIO where useGSO, EINVAL where useGSO && batch.groupSizes[0] > 1:
                // The device or kernel cannot segment (e.g. no checksum offload): fall back.
                disableSegmentationOffload()
            case EIO, EMSGSIZE, ENETUNREACH, EHOSTUNREACH, ECONNREFUSED, EACCES, EPERM, EAFNOSUPPORT,
                 EADDRNOTAVAIL, EINVAL, EDESTADDRREQ, ENETDOWN, EHOSTDOWN:
                // The first message's datagrams are undeliverable; drop them like a lost packet.
                let n = batch.groupSizes[0]
                batch.consume(n)
                result.dropped += n
                result.lastDropReason = IOError.fromErrno(code, .sendmmsg)
            default:
                throw IOError.fromErrno(code, .sendmmsg)
            }
        }
        return result
    }

    /// Builds up to `messagesPerCall` mmsghdrs from the front of the batch; returns how many.
    private static func fill(_ batch: SendBatch, family: Int32, gso: Bool) -> Int {
        var index = batch.head
        var m = 0
        while index < batch.tail && m < batch.messagesPerCall {
            let first = batch.entries[index]
            var group = 1
            var total = first.length
            if gso {
                // A GSO message: segments of `first.length` bytes to one destination with one
                // ECN mark; only the last segment may be shorter.
                var last = first.length
                while index + group < batch.tail, group < KoriumIO.maxSegmentsPerSend, last == first.length {
                    let next = batch.entries[index + group]
                    guard next.destination == first.destination, next.ecn == first.ecn,
                          next.length <= first.length, total + next.length <= KoriumIO.maxUDPPayload else { break }
                    total += next.length
                    last = next.length
                    group += 1
                }
            }
            batch.groupSizes[m] = group
            batch.iovecs[m] = iovec(iov_base: batch.arena + first.offset, iov_len: total)
            let name = UnsafeMutableRawPointer(batch.names + m)
            let nameLength = first.destination.write(to: name, family: family)
            let control = batch.controls + m * SendBatch.controlStride
            let hdr = batch.messages + m
            hdr.pointee.msg_len = 0
            hdr.pointee.msg_hdr.msg_name = name
            hdr.pointee.msg_hdr.msg_namelen = nameLength
            hdr.pointee.msg_hdr.msg_iov = batch.iovecs + m
            hdr.pointee.msg_hdr.msg_iovlen = 1
            hdr.pointee.msg_hdr.msg_flags = 0
            var controlLength = 0
            if group > 1 {
                controlLength += writeControl(control + controlLength, level: korium_SOL_UDP, type: korium_UDP_SEGMENT,
                                              value: UInt16(first.length))
            }
            if first.ecn != .notECT {
                // An IPv4 destination (also IPv4-mapped on a dual-stack socket) takes IP_TOS.
                if case .v6(let a) = first.destination.ip, a.mappedIPv4 == nil {
                    controlLength += writeControl(control + controlLength, level: Int32(IPPROTO_IPV6),
                                                  type: korium_IPV6_TCLASS, value: Int32(first.ecn.rawValue))
                } else {
                    controlLength += writeControl(control + controlLength, level: Int32(IPPROTO_IP),
                                                  type: Int32(IP_TOS), value: Int32(first.ecn.rawValue))
                }
            }
            hdr.pointee.msg_hdr.msg_control = controlLength > 0 ? control : nil
            hdr.pointee.msg_hdr.msg_controllen = controlLength
            index += group
            m += 1
        }
        return m
    }

    /// Writes one cmsg at `at` (cmsg-aligned) and returns the space it takes.
    private static func writeControl<T: FixedWidthInteger>(_ at: UnsafeMutableRawPointer, level: Int32, type: Int32,
                                                           value: T) -> Int {
        let space = korium_CMSG_SPACE(MemoryLayout<T>.size)
        at.initializeMemory(as: UInt8.self, repeating: 0, count: space)
        let header = at.assumingMemoryBound(to: cmsghdr.self)
        header.pointee.cmsg_len = korium_CMSG_LEN(MemoryLayout<T>.size)
        header.pointee.cmsg_level = level
        header.pointee.cmsg_type = type
        UnsafeMutableRawPointer(korium_CMSG_DATA(header)!).storeBytes(of: value, as: T.self)
        return space
    }

    /// Receives the datagrams already waiting (up to `batch.maxMessages` slots) with one
    /// `recvmmsg`; returns the number of datagrams (GRO slots count each segment), 0 when none wait.
    public func receive(into batch: ReceiveBatch) throws(IOError) -> Int {
        batch.prepare()
        while true {
            let rc = korium_recvmmsg(fileDescriptor, batch.messages, UInt32(batch.maxMessages), Int32(MSG_DONTWAIT))
            if rc >= 0 {
                batch.complete(count: Int(rc), localPort: localAddress.port)
                return batch.datagramCount
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return 0
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
                // A queued ICMP error for an earlier send: consumed by this call; datagrams may still wait.
                continue
            default:
                throw IOError.fromErrno(code, .recvmmsg)
            }
        }
    }
}
