/// What a connection reports to its owner through ``Connection/pollEvent()``.
public enum ConnectionEvent: Sendable, Hashable {
    /// The TLS handshake completed (peer identity and ALPN are now known).
    case handshakeCompleted
    /// A peer-initiated stream appeared.
    case streamOpened(StreamID)
    /// A stream has data (or its end) to read.
    case streamReadable(StreamID)
    /// Send window or buffer space freed after a short write.
    case streamWritable(StreamID)
    /// The peer reset its sending part (RESET_STREAM).
    case streamReset(StreamID, errorCode: UInt64)
    /// The peer asked us to stop sending (STOP_SENDING).
    case stopSendingReceived(StreamID, errorCode: UInt64)
    /// The peer raised MAX_STREAMS: more streams may be opened.
    case streamsAvailable(bidirectional: Bool)
    /// An unreliable DATAGRAM arrived (RFC 9221).
    case datagramReceived([UInt8])
    /// For the endpoint: route packets with this connection ID here; the token identifies stateless resets for it.
    case connectionIDIssued(ConnectionID, StatelessResetToken)
    /// For the endpoint: stop routing this connection ID here.
    case connectionIDRetired(ConnectionID)
    /// Client: a NEW_TOKEN from the server, to present in a later connection's Initial.
    case newToken([UInt8])
    /// Terminal: the connection ended and may be dropped.
    case closed(ConnectionError)
}
