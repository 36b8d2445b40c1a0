import CKoriumSys
import Glibc
import Synchronization

/// A non-blocking UDP socket (IPv4 or IPv6) with batched `sendmmsg`/`recvmmsg`, optional
/// GSO/GRO, packet info and ECN. Closed when the last reference goes away.
///
/// Sendable: its stored state is immutable or atomic, and the kernel serialises concurrent
/// system calls on one descriptor. The `SendBatch`/`ReceiveBatch` buffers passed to it are not
/// shared: each belongs to the thread that uses it.
public final class UDPSocket: DatagramTransport {
    /// How to create the socket. Defaults suit a QUIC endpoint.
    public struct Options: Sendable {
        /// `SO_RCVBUF` in bytes (the kernel doubles it and caps it at `net.core.rmem_max`); nil keeps the default.
        public var receiveBufferSize: Int? = nil
        /// `SO_SNDBUF` in bytes (capped at `net.core.wmem_max`); nil keeps the default.
        public var sendBufferSize: Int? = nil
        /// `IPV6_V6ONLY` for IPv6 sockets: false makes `[::]` dual-stack (IPv4 peers appear as IPv4).
        public var ipv6Only = false
        /// `SO_REUSEADDR`.
        public var reuseAddress = false
        /// `SO_REUSEPORT` (several sockets share one port; the kernel spreads flows over them).
        public var reusePort = false
        /// Report each datagram's local destination address (`IP_PKTINFO`/`IPV6_RECVPKTINFO`).
        public var receivePacketInfo = true
        /// Report each datagram's ECN bits (`IP_RECVTOS`/`IPV6_RECVTCLASS`).
        public var receiveECN = true
        /// Send runs of equal-sized datagrams to one destination as one GSO super-datagram
        /// (`UDP_SEGMENT`) when the kernel supports it; turned off for good if the kernel refuses.
        public var segmentationOffload = false
        /// RFC 9000 §14: never fragment. Sets the IPv4 DF bit (`IP_MTU_DISCOVER` =
        /// `IP_PMTUDISC_PROBE`) and `IPV6_DONTFRAG`/`IPV6_PMTUDISC_PROBE`: a datagram above the
        /// interface MTU fails with `EMSGSIZE` (dropped like a lost packet) instead of leaving as
        /// IP fragments. PROBE rather than DO: the kernel's ICMP-learned route MTU is ignored, so
        /// forged "packet too big" messages cannot shrink what PMTU discovery confirmed by
        /// acknowledgment (RFC 9000 §14.2.1 asks for ICMP to be validated; QUIC's DPLPMTUD does
        /// not need it).
        public var dontFragment = true
        /// Let the kernel coalesce received datagrams (`UDP_GRO`); needs `ReceiveBatch` slots of
        /// `KoriumIO.maxGROBufferSize` bytes.
        public var receiveOffload = false

        /// The defaults.
        public init() {}
    }

    /// The socket's descriptor: poll it for readability/writability (`DatagramTransport.pollDescriptor`).
    public let fileDescriptor: Int32
    /// The address the socket is bound to (with the kernel-chosen port when bound to port 0).
    public let localAddress: SocketAddress
    /// `AF_INET` or `AF_INET6`.
    let family: Int32
    private let gso: Atomic<Bool>
    /// Whether receive offload (GRO) was accepted by the kernel.
    public let isReceiveOffloadEnabled: Bool
    private let gsoFallbacks = Atomic<Int>(0)

    /// Whether sends currently use GSO (false if not requested, unsupported, or refused at run time).
    public var isSegmentationOffloadEnabled: Bool { gso.load(ordering: .relaxed) }
    /// How many times GSO was refused by the kernel and turned off.
    public var segmentationOffloadFallbacks: Int { gsoFallbacks.load(ordering: .relaxed) }

    /// `DatagramTransport`: the descriptor to poll.
    public var pollDescriptor: Int32 { fileDescriptor }

    /// Creates a non-blocking UDP socket bound to `address` (port 0 picks a free port).
    public init(binding address: SocketAddress, options: Options = Options()) throws(IOError) {
        let family = address.family
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                        Int32(IPPROTO_UDP))
        guard fd >= 0 else { throw IOError.fromErrno(errno, .socket, address: address) }
        do {
            let configured = try Self.configure(fd: fd, family: family, address: address, options: options)
            fileDescriptor = fd
            self.family = family
            localAddress = configured.local
            gso = Atomic(configured.gso)
            isReceiveOffloadEnabled = configured.gro
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fileDescriptor) }

    private static func configure(fd: Int32, family: Int32, address: SocketAddress, options: Options)
        throws(IOError) -> (local: SocketAddress, gso: Bool, gro: Bool) {
        let ip = Int32(IPPROTO_IP), ipv6 = Int32(IPPROTO_IPV6)
        if options.reuseAddress { try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) }
        if options.reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        if let size = options.receiveBufferSize { try setOption(fd, SOL_SOCKET, SO_RCVBUF, Int32(clamping: size)) }
        if let size = options.sendBufferSize { try setOption(fd, SOL_SOCKET, SO_SNDBUF, Int32(clamping: size)) }
        let dualStack = family == AF_INET6 && !options.ipv6Only
        if family == AF_INET6 { try setOption(fd, ipv6, IPV6_V6ONLY, options.ipv6Only ? 1 : 0) }
        if options.receivePacketInfo {
            if family == AF_INET6 { try setOption(fd, ipv6, korium_IPV6_RECVPKTINFO, 1) }
            if family == AF_INET || dualStack { try setOption(fd, ip, IP_PKTINFO, 1) }
        }
        if options.dontFragment {
            if family == AF_INET6 {
                try setOption(fd, ipv6, korium_IPV6_MTU_DISCOVER, korium_IPV6_PMTUDISC_PROBE)
                try setOption(fd, ipv6, korium_IPV6_DONTFRAG, 1)
            }
            if family == AF_INET || dualStack { try setOption(fd, ip, korium_IP_MTU_DISCOVER, korium_IP_PMTUDISC_PROBE) }
        }
        if options.receiveECN {
            if family == AF_INET6 { try setOption(fd, ipv6, korium_IPV6_RECVTCLASS, 1) }
            if family == AF_INET || dualStack { try setOption(fd, ip, IP_RECVTOS, 1) }
        }
        let bound = withUnsafeTemporaryAllocation(of: sockaddr_storage.self, capacity: 1) { buf -> Int32 in
            let raw = UnsafeMutableRawPointer(buf.baseAddress!)
            let len = address.write(to: raw, family: family)
            return bind(fd, raw.assumingMemoryBound(to: sockaddr.self), len)
        }
        guard bound == 0 else { throw IOError.fromErrno(errno, .bind, address: address) }
        let local = try localName(fd)
        var gso = false
        if options.segmentationOffload {
            // Probe: kernels with UDP GSO (4.18+) answer getsockopt(UDP_SEGMENT).
            var value: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            gso = getsockopt(fd, korium_SOL_UDP, korium_UDP_SEGMENT, &value, &len) == 0
        }
        var gro = false
        if options.receiveOffload {
            var one: Int32 = 1
            gro = setsockopt(fd, korium_SOL_UDP, korium_UDP_GRO, &one, socklen_t(MemoryLayout<Int32>.size)) == 0
        }
        return (local, gso, gro)
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(IOError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError.fromErrno(errno, .setsockopt)
        }
    }

    private static func localName(_ fd: Int32) throws(IOError) -> SocketAddress {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { throw IOError.fromErrno(errno, .getsockname) }
        guard let address = withUnsafeBytes(of: storage, { SocketAddress(sockaddr: $0.baseAddress!, length: len) }) else {
            throw IOError.system(.getsockname, errno: EAFNOSUPPORT)
        }
        return address
    }

    /// The effective `SO_RCVBUF` (as the kernel reports it, i.e. doubled).
    public var receiveBufferSize: Int { Self.intOption(fileDescriptor, SOL_SOCKET, SO_RCVBUF) }
    /// The effective `SO_SNDBUF` (as the kernel reports it, i.e. doubled).
    public var sendBufferSize: Int { Self.intOption(fileDescriptor, SOL_SOCKET, SO_SNDBUF) }

    private static func intOption(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int {
        var value: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, level, name, &value, &len) == 0 ? Int(value) : -1
    }

    /// Turns GSO off after the kernel refused a segmented send.
    func disableSegmentationOffload() {
        if gso.exchange(false, ordering: .relaxed) { gsoFallbacks.wrappingAdd(1, ordering: .relaxed) }
    }
}
