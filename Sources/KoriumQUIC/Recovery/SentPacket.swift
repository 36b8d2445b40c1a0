/// What loss detection remembers about a sent packet (RFC 9002 §A.1.1). The connection keeps
/// its own record of which frames each packet carried, keyed by space and packet number.
public struct SentPacket: Sendable, Hashable {
    /// The packet number.
    public let packetNumber: UInt64
    /// When it was sent.
    public let timeSent: Instant
    /// UDP payload bytes it took (counts toward bytes in flight when ``isInFlight``).
    public let sentBytes: Int
    /// Whether it contained an ack-eliciting frame.
    public let isAckEliciting: Bool
    /// Whether it counts toward bytes in flight (ack-eliciting or PADDING-only, RFC 9002 §2).
    public let isInFlight: Bool
    /// Whether it was a PMTU probe (RFC 9000 §14.4): its loss says nothing about congestion.
    public let isPMTUProbe: Bool

    /// Describes a sent packet.
    @inlinable
    public init(packetNumber: UInt64, timeSent: Instant, sentBytes: Int, isAckEliciting: Bool, isInFlight: Bool,
                isPMTUProbe: Bool = false) {
        self.packetNumber = packetNumber
        self.timeSent = timeSent
        self.sentBytes = sentBytes
        self.isAckEliciting = isAckEliciting
        self.isInFlight = isInFlight
        self.isPMTUProbe = isPMTUProbe
    }
}
