/// Where a ``Connection`` is in its life (RFC 9000 §10).
public enum ConnectionState: Sendable, Hashable {
    /// The TLS handshake is in progress.
    case handshaking
    /// The handshake completed: application data flows.
    case established
    /// We sent CONNECTION_CLOSE and wait out three PTOs, answering the peer with it (§10.2.1).
    case closing
    /// The peer closed (or we received its CONNECTION_CLOSE) and we stay silent for three PTOs (§10.2.2).
    case draining
    /// Terminal: the connection can be dropped.
    case closed(ConnectionError)
}
