/// Why ``Connection/sendDatagram(_:)`` refused a DATAGRAM (RFC 9221).
public enum DatagramError: Error, Sendable, Hashable {
    /// The peer did not advertise `max_datagram_frame_size` (or the handshake is not done yet).
    case unsupportedByPeer
    /// The payload does not fit the peer's `max_datagram_frame_size` or one packet.
    case tooLarge
    /// The outgoing queue is full; retry after some were sent (unreliable: no back-pressure beyond this).
    case queueFull
    /// The connection is closing or closed.
    case connectionClosed
}
