import Glibc

/// The system call an `IOError` comes from.
public enum SystemCall: String, Sendable {
    case socket, bind, setsockopt, getsockopt, getsockname, sendmmsg, recvmmsg
    case epollCreate = "epoll_create1", epollControl = "epoll_ctl", epollWait = "epoll_wait"
    case eventfd, threadCreate = "pthread_create"
    case open
}

/// A failed socket or event-loop operation, mapped from `errno` to a case the caller can act on.
///
/// No case carries a heap-allocated payload, so errors on the datagram path cost no allocation.
public enum IOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another socket already holds this address and port (`EADDRINUSE`).
    case addressInUse(SocketAddress)
    /// The address is not configured on any local interface (`EADDRNOTAVAIL`).
    case addressNotAvailable(SocketAddress)
    /// The operation needs a privilege we do not have (`EACCES`, `EPERM`).
    case permissionDenied(SystemCall)
    /// The address family does not match the socket (IPv6 address on an IPv4 socket,
    /// or IPv6 disabled on this host) (`EAFNOSUPPORT`).
    case addressFamilyNotSupported(SystemCall)
    /// A process or system limit was hit: file descriptors, socket buffers, memory
    /// (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`).
    case resourceLimit(SystemCall, errno: Int32)
    /// A datagram is larger than the path or the socket allows (`EMSGSIZE`).
    case messageTooLong(SystemCall)
    /// No route to the destination (`ENETUNREACH`, `EHOSTUNREACH`), or the peer refused (`ECONNREFUSED`).
    case unreachable(SystemCall, errno: Int32)
    /// The kernel rejected an argument (`EINVAL`), e.g. an unsupported socket option value.
    case invalidArgument(SystemCall)
    /// The event loop has shut down; nothing more can be submitted to it.
    case loopShutDown
    /// More than `limit` jobs are waiting for the event loop: the loop thread is not keeping up.
    case submissionQueueFull(limit: Int)
    /// The loop already watches `limit` file descriptors.
    case tooManyRegistrations(limit: Int)
    /// The loop already holds `limit` pending timers.
    case tooManyTimers(limit: Int)
    /// The file descriptor is already registered with this loop (`EEXIST`).
    case alreadyRegistered
    /// Any other failure of `call`, with its `errno`.
    case system(SystemCall, errno: Int32)

    /// Maps the current `errno` of a failed `call`; `address` is the address involved, if any.
    static func fromErrno(_ code: Int32, _ call: SystemCall, address: SocketAddress? = nil) -> IOError {
        switch code {
        case EADDRINUSE: if let address { return .addressInUse(address) }
        case EADDRNOTAVAIL: if let address { return .addressNotAvailable(address) }
        case EACCES, EPERM: return .permissionDenied(call)
        case EAFNOSUPPORT: return .addressFamilyNotSupported(call)
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .resourceLimit(call, errno: code)
        case EMSGSIZE: return .messageTooLong(call)
        case ENETUNREACH, EHOSTUNREACH, ECONNREFUSED: return .unreachable(call, errno: code)
        case EINVAL: return .invalidArgument(call)
        case EEXIST: return .alreadyRegistered
        default: break
        }
        return .system(call, errno: code)
    }

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .addressInUse(let a):
            return "\(a) is already in use by another socket: pick another port, or port 0 for an ephemeral one"
        case .addressNotAvailable(let a):
            return "\(a) is not an address of this host: bind to an address of a local interface, or to 0.0.0.0 / ::"
        case .permissionDenied(let c):
            return "\(c.rawValue): permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)"
        case .addressFamilyNotSupported(let c):
            return "\(c.rawValue): address family not supported: use an address of the socket's family (or IPv6 is disabled here)"
        case .resourceLimit(let c, let e):
            return "\(c.rawValue): \(Self.errnoText(e)): raise the limit (ulimit -n, net.core.rmem_max) or use fewer sockets"
        case .messageTooLong(let c):
            return "\(c.rawValue): datagram too long for the socket or path: send smaller datagrams"
        case .unreachable(let c, let e):
            return "\(c.rawValue): \(Self.errnoText(e)): check the destination address and the routing table"
        case .invalidArgument(let c):
            return "\(c.rawValue): invalid argument: the kernel rejected this option or address"
        case .loopShutDown:
            return "the event loop has shut down: create a new loop"
        case .submissionQueueFull(let limit):
            return "more than \(limit) jobs wait for the event loop: submit less work or use more loops"
        case .tooManyRegistrations(let limit):
            return "the event loop already watches \(limit) descriptors: use another loop"
        case .tooManyTimers(let limit):
            return "the event loop already holds \(limit) timers: cancel unused timers"
        case .alreadyRegistered:
            return "this descriptor is already registered with the event loop"
        case .system(let c, let e):
            return "\(c.rawValue): \(Self.errnoText(e)) (errno \(e))"
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
