/// State of one packet-number space (RFC 9000 §12.3): its keys (Initial and Handshake; 1-RTT
/// keys live in ``OneRTTKeys``), packet numbers, what was received (for ACKs), the CRYPTO
/// stream and what each sent packet carried.
struct PacketSpace: Sendable {
    /// Which space.
    let id: PacketNumberSpace
    /// Keys protecting what we send (Initial/Handshake only).
    var localKeys: PacketKeys?
    /// Keys opening what the peer sends (Initial/Handshake only).
    var remoteKeys: PacketKeys?
    /// The next packet number to send.
    var nextPacketNumber: UInt64 = 0
    /// Received packet numbers, ACK timing.
    var received: ReceivedPacketTracker
    /// CRYPTO frames.
    var crypto = CryptoStream()
    /// Frames carried by sent packets.
    var sent = SentPacketLog()
    /// Ack-eliciting probe packets still to send after a PTO (RFC 9002 §6.2.4).
    var probesDue = 0
    /// Set once the keys were discarded (RFC 9001 §4.9): nothing is sent or accepted any more.
    var isDiscarded = false

    init(_ id: PacketNumberSpace) {
        self.id = id
        received = ReceivedPacketTracker(acknowledgesImmediately: id != .applicationData)
    }

    /// Whether an ACK frame should go out now (`now` reached the ACK deadline).
    func isAckDue(now: Instant) -> Bool {
        guard let deadline = received.ackDeadline else { return false }
        return deadline <= now
    }

    /// Drops keys and buffers (RFC 9001 §4.9).
    mutating func discard() {
        localKeys = nil
        remoteKeys = nil
        crypto = CryptoStream()
        sent.removeAll()
        probesDue = 0
        isDiscarded = true
        received = ReceivedPacketTracker(acknowledgesImmediately: true)
    }
}
