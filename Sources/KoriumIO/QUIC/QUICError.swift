import KoriumQUIC

/// Why a ``QUICEndpoint``, ``QUICConnection`` or ``QUICStream`` operation failed.
public enum QUICError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection ended (closed by either side, idle timeout, stateless reset, handshake
    /// failure); the error says how.
    case connectionClosed(ConnectionError)
    /// A stream operation was refused (peer reset or STOP_SENDING, finished stream, …).
    case stream(StreamError)
    /// An unreliable datagram could not be queued.
    case datagram(DatagramError)
    /// The endpoint refused the operation (too many connections, bad version to offer).
    case endpoint(EndpointError)
    /// The endpoint was closed; nothing more can be done with it or its connections.
    case endpointClosed
    /// A socket or event-loop failure.
    case io(IOError)
    /// `readToEnd(limit:)` received more than `limit` bytes.
    case readLimitExceeded(limit: Int)
    /// The endpoint has no client configuration, so it cannot connect.
    case notAClient
    /// A host/port that is not a numeric address.
    case invalidAddress(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .connectionClosed(let e): return "connection closed: \(e)"
        case .stream(let e): return "stream error: \(e)"
        case .datagram(let e): return "datagram error: \(e)"
        case .endpoint(let e): return "endpoint error: \(e)"
        case .endpointClosed: return "the endpoint is closed"
        case .io(let e): return "I/O error: \(e)"
        case .readLimitExceeded(let limit): return "stream carried more than \(limit) bytes"
        case .notAClient: return "the endpoint has no client configuration"
        case .invalidAddress(let text): return "not a numeric address: \(text)"
        }
    }
}
