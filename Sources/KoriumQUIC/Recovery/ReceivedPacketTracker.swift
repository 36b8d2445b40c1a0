import KoriumWire

/// What one packet-number space has received, and when to acknowledge it (RFC 9000 §13.2).
///
/// Ranges are kept in descending order in storage reserved once, capped at
/// ``maxRanges``: when a new range would exceed the cap, the lowest range is dropped and
/// everything at or below it is thereafter treated as already received (RFC 9000 §13.2.3
/// lets a receiver forget old ranges; late packets below the floor are discarded as
/// duplicates).
public struct ReceivedPacketTracker: Sendable {
    /// Cap on tracked ranges (and so on ACK frame size).
    public static let maxRanges = 64
    /// RFC 9000 §13.2.2: acknowledge at least every second ack-eliciting packet.
    public static let ackElicitingThreshold = 2

    /// The received ranges, highest first.
    public private(set) var ranges: [ClosedRange<UInt64>]
    /// Packets at or below this number are treated as duplicates (forgotten or pruned ranges).
    public private(set) var floor: UInt64?
    /// Arrival time of the largest packet number received.
    public private(set) var largestReceivedTime: Instant?
    /// Ack-eliciting packets received since the last ACK was sent.
    public private(set) var unacknowledgedAckEliciting = 0
    /// When an ACK must be sent at the latest; nil when nothing needs acknowledging.
    public private(set) var ackDeadline: Instant?
    /// Whether anything was received since the last ACK (an ACK may be bundled).
    public private(set) var hasNewPackets = false
    /// Whether this space acknowledges without delay (Initial and Handshake, RFC 9000 §13.2.1).
    public let acknowledgesImmediately: Bool

    /// A tracker for a space; `acknowledgesImmediately` for Initial and Handshake.
    public init(acknowledgesImmediately: Bool) {
        self.acknowledgesImmediately = acknowledgesImmediately
        ranges = []
        ranges.reserveCapacity(Self.maxRanges + 1)
    }

    /// The largest packet number received.
    @inlinable
    public var largestReceived: UInt64? { ranges.first?.upperBound }

    /// Whether `packetNumber` was already received (or is below the forgotten floor).
    public func isDuplicate(_ packetNumber: UInt64) -> Bool {
        if let floor, packetNumber <= floor { return true }
        for range in ranges {
            if range.contains(packetNumber) { return true }
            if range.upperBound < packetNumber { return false }
        }
        return false
    }

    /// Records an authenticated packet (call only after decryption succeeded). Returns false for a
    /// duplicate, which must not be processed again (RFC 9000 §12.3).
    @discardableResult
    public mutating func onPacketReceived(
        _ packetNumber: UInt64, isAckEliciting: Bool, now: Instant, maxAckDelay: Duration
    ) -> Bool {
        guard !isDuplicate(packetNumber) else { return false }
        let previousLargest = largestReceived
        insert(packetNumber)
        hasNewPackets = true
        if previousLargest == nil || packetNumber > previousLargest! { largestReceivedTime = now }
        guard isAckEliciting else { return true }
        unacknowledgedAckEliciting += 1
        // RFC 9000 §13.2.1: Initial/Handshake immediately; §13.2.2: every second packet;
        // out of order (below the largest, or leaving a gap) also immediately.
        let outOfOrder = previousLargest.map { packetNumber < $0 || packetNumber > $0 + 1 } ?? false
        if acknowledgesImmediately || unacknowledgedAckEliciting >= Self.ackElicitingThreshold || outOfOrder {
            ackDeadline = now
        } else if ackDeadline == nil {
            ackDeadline = now + maxAckDelay
        }
        return true
    }

    mutating func insert(_ pn: UInt64) {
        // Find the first range (descending) whose upper bound is below pn.
        var index = 0
        while index < ranges.count && ranges[index].upperBound >= pn { index += 1 }
        // Merge with the range above (index − 1) when adjacent, and with the one below.
        let extendsAbove = index > 0 && ranges[index - 1].lowerBound == pn + 1
        let extendsBelow = index < ranges.count && ranges[index].upperBound + 1 == pn
        switch (extendsAbove, extendsBelow) {
        case (true, true):
            ranges[index - 1] = ranges[index].lowerBound...ranges[index - 1].upperBound
            ranges.remove(at: index)
        case (true, false):
            ranges[index - 1] = pn...ranges[index - 1].upperBound
        case (false, true):
            ranges[index] = ranges[index].lowerBound...pn
        case (false, false):
            ranges.insert(pn...pn, at: index)
            if ranges.count > Self.maxRanges {
                let dropped = ranges.removeLast()
                floor = Swift.max(floor ?? 0, dropped.upperBound)
            }
        }
    }

    /// Writes an ACK frame for everything received, with the delay since the largest packet
    /// arrived encoded with `ackDelayExponent` (RFC 9000 §19.3), then resets the ACK timer.
    public mutating func writeAck(now: Instant, ackDelayExponent: UInt64, ecn: ECNCounts? = nil, to writer: inout ByteWriter) throws(WireError) {
        guard !ranges.isEmpty else { preconditionFailure("no packets to acknowledge") }
        let delay = largestReceivedTime.map { Swift.max(.zero, now - $0) } ?? .zero
        let micros = UInt64(delay.nanoseconds / 1000)
        try AckFrame.write(ranges: ranges, encodedAckDelay: micros >> Swift.min(ackDelayExponent, 63), ecn: ecn, to: &writer)
        unacknowledgedAckEliciting = 0
        ackDeadline = nil
        hasNewPackets = false
    }

    /// RFC 9000 §13.2.4: once an ACK frame we sent is itself acknowledged, ranges at or below its
    /// largest acknowledged need not be reported again.
    public mutating func onAckFrameAcknowledged(largestAcknowledged: UInt64) {
        while let last = ranges.last, last.upperBound <= largestAcknowledged, ranges.count > 1 {
            floor = Swift.max(floor ?? 0, last.upperBound)
            ranges.removeLast()
        }
        if let last = ranges.last, last.lowerBound <= largestAcknowledged, last.upperBound > largestAcknowledged {
            floor = Swift.max(floor ?? 0, largestAcknowledged)
            ranges[ranges.count - 1] = (largestAcknowledged + 1)...last.upperBound
        }
    }
}
