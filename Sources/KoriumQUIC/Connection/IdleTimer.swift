/// The idle timeout (RFC 9000 §10.1): the connection is silently closed when nothing was
/// received for the effective timeout — the minimum of both sides' `max_idle_timeout` (zero
/// means "none"), but at least three PTOs so that a few lost packets do not kill it.
struct IdleTimer: Sendable {
    /// The negotiated timeout; nil for no timeout.
    var timeout: Duration?
    /// The last time the timer was restarted.
    var lastActivity: Instant?
    /// Whether an ack-eliciting packet was sent since the last packet was received.
    var sentAckElicitingSinceReceive = false

    /// RFC 9000 §10.1: the minimum of the non-zero values.
    static func effective(local: UInt64, peer: UInt64?) -> Duration? {
        let candidates = [local, peer ?? 0].filter { $0 > 0 }
        guard let ms = candidates.min() else { return nil }
        return .milliseconds(Int64(clamping: ms))
    }

    /// When the connection times out, given the current PTO.
    func deadline(probeTimeout: Duration) -> Instant? {
        guard let timeout, let lastActivity else { return nil }
        return lastActivity + Swift.max(timeout, probeTimeout * 3)
    }

    /// RFC 9000 §10.1: restart when a packet from the peer is processed.
    mutating func onPacketReceived(now: Instant) {
        lastActivity = now
        sentAckElicitingSinceReceive = false
    }

    /// RFC 9000 §10.1: also restart when sending the first ack-eliciting packet since the last receipt.
    mutating func onAckElicitingSent(now: Instant) {
        if !sentAckElicitingSinceReceive {
            lastActivity = now
            sentAckElicitingSinceReceive = true
        }
    }
}
