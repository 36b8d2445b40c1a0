/// Packet-number truncation and recovery (RFC 9000 §17.1, Appendix A.2 and A.3).
///
/// Full packet numbers are 0...2^62−1 per packet-number space; on the wire only the low 1–4
/// bytes are sent, enough for the receiver to recover the full value from the largest number
/// it has already processed.
public enum PacketNumber {
    /// The largest packet number (RFC 9000 §12.3: a packet number is at most 2^62−1).
    public static let max: UInt64 = (1 << 62) - 1

    /// RFC 9000 §17.1, Appendix A.2: the number of bytes (1–4) needed to send `fullPacketNumber`
    /// so that a peer which has acknowledged `largestAcknowledged` (nil: nothing yet) recovers
    /// it. Uses twice the range of unacknowledged packets, as the RFC requires.
    @inlinable
    public static func encodedLength(of fullPacketNumber: UInt64, largestAcknowledged: UInt64?) -> Int {
        let unacknowledged: UInt64
        if let largestAcknowledged, largestAcknowledged < fullPacketNumber {
            unacknowledged = fullPacketNumber &- largestAcknowledged
        } else if largestAcknowledged == nil {
            unacknowledged = fullPacketNumber &+ 1
        } else {
            unacknowledged = 1
        }
        // num_bytes = ceil((log2(num_unacked) + 1) / 8), i.e. the smallest k with
        // num_unacked ≤ 2^(8k−1): the window must cover twice the unacknowledged range.
        if unacknowledged <= 1 << 7 { return 1 }
        if unacknowledged <= 1 << 15 { return 2 }
        if unacknowledged <= 1 << 23 { return 3 }
        return 4
    }

    /// RFC 9000 Appendix A.3: recovers a full packet number from its `length`-byte truncated
    /// form, given the largest packet number received so far in the space (nil: none yet).
    @inlinable
    public static func decode(truncated: UInt64, length: Int, largestReceived: UInt64?) -> UInt64 {
        let expected: UInt64 = largestReceived.map { $0 &+ 1 } ?? 0
        let window: UInt64 = 1 << UInt64(length &* 8)
        let halfWindow = window / 2
        let mask = window &- 1
        // The candidate is the value closest to `expected` with the received low bits.
        let candidate = (expected & ~mask) | truncated
        if candidate &+ halfWindow <= expected, candidate < (1 << 62) &- window {
            return candidate &+ window
        }
        if candidate > expected &+ halfWindow, candidate >= window {
            return candidate &- window
        }
        return candidate
    }
}
