/// Why a connection ended, as the application sees it (the top of the error layering
/// `WireError` → ``TransportError`` → `ConnectionError`, STYLE.md item 9). Each case says
/// what the caller can do about it.
public enum ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// We detected a transport error and closed the connection with it; a bug in the peer or
    /// an attack. Reconnecting may help if the peer was restarted.
    case transport(TransportError)
    /// The peer closed the connection with a transport error code (CONNECTION_CLOSE 0x1c).
    case peerTransportClosed(code: TransportErrorCode, frameType: UInt64, reason: [UInt8])
    /// The peer's application closed the connection (CONNECTION_CLOSE 0x1d); the code's
    /// meaning belongs to the application protocol.
    case applicationClosed(code: UInt64, reason: [UInt8])
    /// The peer sent a stateless reset (RFC 9000 §10.3): it lost the connection state.
    case reset
    /// No packet arrived within the idle timeout (RFC 9000 §10.1): the peer or the path is gone.
    case timedOut
    /// This side closed the connection; further use of it is a caller error.
    case locallyClosed
    /// The server does not support any version we offered (RFC 9000 §6).
    case versionMismatch

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .transport(let error): return "transport error: \(error)"
        case .peerTransportClosed(let code, let frameType, let reason):
            return "peer closed with \(code) (frame 0x\(String(frameType, radix: 16))): \(String(decoding: reason, as: UTF8.self))"
        case .applicationClosed(let code, let reason):
            return "peer application closed with code \(code): \(String(decoding: reason, as: UTF8.self))"
        case .reset: return "peer reset the connection (stateless reset)"
        case .timedOut: return "idle timeout: no packets from the peer"
        case .locallyClosed: return "connection closed locally"
        case .versionMismatch: return "no QUIC version in common with the peer"
        }
    }
}
