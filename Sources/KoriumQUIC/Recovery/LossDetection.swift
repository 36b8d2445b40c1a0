/// Loss detection and congestion control driver (RFC 9002 §6, Appendix A and B), sans-IO.
///
/// Feed it every sent packet (``onPacketSent(_:space:now:)``), every ACK frame
/// (``onAckReceived(ranges:ackDelay:space:now:acked:lost:)``) and every expiry of
/// ``lossDetectionTimer`` (``onLossDetectionTimeout(now:lost:)``); it keeps the RTT estimate,
/// bytes in flight and the congestion controller `CC`, and hands back the packets that were
/// acknowledged or declared lost so the connection can retire or retransmit their frames.
/// Result arrays are caller-owned and reused, so steady state allocates nothing.
public struct LossDetection<CC: CongestionController>: Sendable {
    /// RFC 9002 §6.1.1: kPacketThreshold = 3.
    public static var packetThreshold: UInt64 { 3 }
    /// RFC 9002 §7.6.1: kPersistentCongestionThreshold = 3.
    public static var persistentCongestionThreshold: Int64 { 3 }
    /// Cap on packets tracked per space; past it the oldest are declared lost, so a peer that
    /// never acknowledges cannot grow the table without bound.
    public static var maxTrackedPackets: Int { 16_384 }

    struct Space: Sendable {
        var sent: [SentPacket] = []
        var largestAcked: UInt64?
        var largestSent: UInt64?
        var lossTime: Instant?
        var timeOfLastAckEliciting: Instant?
        var ackElicitingInFlight = 0
        var isDiscarded = false
    }

    /// What to do when the loss-detection timer fires.
    public enum TimeoutAction: Sendable, Hashable {
        /// Packets were declared lost (in `lost`); retransmit their frames.
        case packetsLost
        /// RFC 9002 §6.2.4: send one or two ack-eliciting probe packets in `space`.
        case probe(space: PacketNumberSpace, count: Int)
        /// The timer had nothing to do (it was stale).
        case none
    }

    /// The RTT estimate.
    public private(set) var rtt: RTTEstimator
    /// The congestion controller.
    public private(set) var congestion: CC
    /// Bytes of in-flight packets not yet acknowledged or lost.
    public private(set) var bytesInFlight = 0
    /// Consecutive PTO expirations (RFC 9002 §6.2.1).
    public private(set) var ptoCount = 0
    /// The peer's max_ack_delay (RFC 9000 §18.2), applied to Application Data PTOs.
    public var maxAckDelay: Duration = .milliseconds(25)
    /// Whether the handshake is confirmed (RFC 9001 §4.1.2).
    public var isHandshakeConfirmed = false
    /// Whether Handshake keys are available (for the client anti-deadlock probe).
    public var hasHandshakeKeys = false
    /// Whether the peer has validated our address (servers: always; RFC 9002 §A.6).
    public var peerCompletedAddressValidation: Bool
    /// Whether a server is blocked by the anti-amplification limit (RFC 9000 §8.1).
    public var isAtAmplificationLimit = false
    /// Whether the sender had less to send than the window allows (RFC 9002 §7.8).
    public var isAppLimited = false

    var spaces: [Space] = [Space(), Space(), Space()]
    /// When the loss-detection timer fires next; nil when disarmed.
    public private(set) var lossDetectionTimer: Instant?

    /// A detector for `role` (servers consider the peer's address validated from the start,
    /// RFC 9002 §A.6), with controller `congestion`.
    public init(role: Role, congestion: CC, initialRTT: Duration = RTTEstimator.initialRTT) {
        rtt = RTTEstimator(initialRTT: initialRTT)
        self.congestion = congestion
        peerCompletedAddressValidation = role == .server
        for i in 0..<3 { spaces[i].sent.reserveCapacity(64) }
    }

    /// RFC 9000 §9.4, RFC 9002 §9.4: the peer moved to a new address: the RTT estimate and the
    /// congestion controller start over (`fresh` is the controller in its initial state); the
    /// PTO backoff resets with them. Packets in flight stay tracked for loss detection.
    public mutating func resetForNewPath(congestion fresh: CC) {
        rtt = RTTEstimator()
        congestion = fresh
        ptoCount = 0
    }

    /// The path's maximum datagram size changed (PMTU discovery): tells the controller.
    public mutating func setMaxDatagramSize(_ size: Int) {
        congestion.setMaxDatagramSize(size)
    }

    /// Whether any ack-eliciting packet is in flight in any space.
    public var hasAckElicitingInFlight: Bool { spaces.contains { $0.ackElicitingInFlight > 0 } }

    /// Bytes the congestion window still allows.
    public var sendableBytes: Int { Swift.max(0, congestion.congestionWindow - bytesInFlight) }

    /// RFC 9002 §A.5: records a sent packet.
    public mutating func onPacketSent(_ packet: SentPacket, space: PacketNumberSpace, now: Instant) {
        let s = space.rawValue
        precondition(!spaces[s].isDiscarded, "sending in a discarded packet-number space")
        precondition(spaces[s].largestSent.map { $0 < packet.packetNumber } ?? true, "packet numbers must increase")
        spaces[s].sent.append(packet)
        spaces[s].largestSent = packet.packetNumber
        if packet.isInFlight {
            if packet.isAckEliciting {
                spaces[s].timeOfLastAckEliciting = packet.timeSent
                spaces[s].ackElicitingInFlight += 1
            }
            bytesInFlight += packet.sentBytes
            congestion.onPacketSent(bytes: packet.sentBytes, now: now)
            setLossDetectionTimer(now: now)
        }
    }

    /// RFC 9002 §A.7: processes an ACK frame's ranges (highest first) for `space`. Appends the
    /// newly acknowledged packets to `acked` and lost ones to `lost`. The ACK delay is the
    /// peer's, already scaled (RFC 9000 §19.3).
    ///
    /// RFC 9000 §13.1: acknowledging a packet that was never sent is a PROTOCOL_VIOLATION.
    public mutating func onAckReceived(
        ranges: some Sequence<ClosedRange<UInt64>>, ackDelay: Duration, space: PacketNumberSpace, now: Instant,
        acked: inout [SentPacket], lost: inout [SentPacket]
    ) throws(TransportError) {
        let s = space.rawValue
        let firstAcked = acked.count
        var largestInFrame: UInt64?
        for range in ranges {
            if largestInFrame == nil { largestInFrame = range.upperBound }
            try removeAcked(range, space: s, into: &acked)
        }
        guard let largest = largestInFrame else { return }
        spaces[s].largestAcked = Swift.max(spaces[s].largestAcked ?? 0, largest)
        let newly = acked[firstAcked...]
        guard !newly.isEmpty else { return }
        // RFC 9002 §5.1: an RTT sample when the largest acknowledged is newly acknowledged and
        // at least one newly acknowledged packet is ack-eliciting.
        if let top = newly.max(by: { $0.packetNumber < $1.packetNumber }), top.packetNumber == largest,
           newly.contains(where: \.isAckEliciting) {
            rtt.update(latestRTT: now - top.timeSent, ackDelay: space == .applicationData ? ackDelay : .zero,
                       maxAckDelay: maxAckDelay, handshakeConfirmed: isHandshakeConfirmed, now: now)
        }
        let firstLost = lost.count
        detectAndRemoveLostPackets(space: s, now: now, into: &lost)
        if lost.count > firstLost { onPacketsLost(lost[firstLost...], now: now) }
        for packet in newly where packet.isInFlight {
            bytesInFlight -= packet.sentBytes
            congestion.onPacketAcked(bytes: packet.sentBytes, sentTime: packet.timeSent, isAppLimited: isAppLimited, rtt: rtt, now: now)
        }
        // RFC 9002 §A.7: reset the PTO backoff unless a client is unsure the server validated it.
        if peerCompletedAddressValidation { ptoCount = 0 }
        setLossDetectionTimer(now: now)
    }

    /// Moves the packets in `range` from the sent table to `acked`.
    mutating func removeAcked(_ range: ClosedRange<UInt64>, space s: Int, into acked: inout [SentPacket]) throws(TransportError) {
        // RFC 9000 §13.1: an ACK for a packet number never sent is a PROTOCOL_VIOLATION; packet
        // numbers are sent in order, so anything above the last sent number was never sent.
        guard let largestSent = spaces[s].largestSent, range.upperBound <= largestSent else {
            throw .protocolViolation(frameType: FrameType.ack, "ACK of a packet that was never sent")
        }
        // Binary search for the first packet ≥ range.lowerBound.
        var low = 0, high = spaces[s].sent.count
        while low < high {
            let mid = (low + high) / 2
            if spaces[s].sent[mid].packetNumber < range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < spaces[s].sent.count && spaces[s].sent[end].packetNumber <= range.upperBound {
            let packet = spaces[s].sent[end]
            acked.append(packet)
            if packet.isAckEliciting && packet.isInFlight { spaces[s].ackElicitingInFlight -= 1 }
            end += 1
        }
        if end > low { spaces[s].sent.removeSubrange(low..<end) }
    }

    /// RFC 9002 §A.10: declares lost what is 3 packets or 9/8 RTT behind the largest acknowledged.
    mutating func detectAndRemoveLostPackets(space s: Int, now: Instant, into lost: inout [SentPacket]) {
        spaces[s].lossTime = nil
        guard let largestAcked = spaces[s].largestAcked else { return }
        let lossDelay = rtt.lossDelay
        let lostSendTime = now - lossDelay
        var kept = 0
        var index = 0
        let count = spaces[s].sent.count
        while index < count {
            let packet = spaces[s].sent[index]
            index += 1
            if packet.packetNumber <= largestAcked,
               packet.timeSent <= lostSendTime || largestAcked >= packet.packetNumber + Self.packetThreshold {
                lost.append(packet)
                if packet.isAckEliciting && packet.isInFlight { spaces[s].ackElicitingInFlight -= 1 }
                continue
            }
            if packet.packetNumber <= largestAcked {
                let when = packet.timeSent + lossDelay
                spaces[s].lossTime = spaces[s].lossTime.map { Swift.min($0, when) } ?? when
            }
            spaces[s].sent[kept] = packet
            kept += 1
        }
        spaces[s].sent.removeSubrange(kept..<count)
        // Bound the table: a peer that never acknowledges must not grow it forever.
        if spaces[s].sent.count > Self.maxTrackedPackets {
            let excess = spaces[s].sent.count - Self.maxTrackedPackets
            for packet in spaces[s].sent[0..<excess] {
                lost.append(packet)
                if packet.isAckEliciting && packet.isInFlight { spaces[s].ackElicitingInFlight -= 1 }
            }
            spaces[s].sent.removeSubrange(0..<excess)
        }
    }

    /// RFC 9002 §B.8 (with §7.6): congestion event for the latest lost packet; persistent
    /// congestion when two ack-eliciting packets sent more than the persistent-congestion
    /// duration apart were lost with no acknowledged packet between them. RFC 9000 §14.4: a lost
    /// PMTU probe is no congestion signal; it only leaves bytes in flight.
    mutating func onPacketsLost(_ packets: ArraySlice<SentPacket>, now: Instant) {
        var latestLostSendTime: Instant?
        var probesOnly = true
        for packet in packets where packet.isInFlight {
            bytesInFlight -= packet.sentBytes
            guard !packet.isPMTUProbe else { continue }
            probesOnly = false
            latestLostSendTime = Swift.max(latestLostSendTime ?? packet.timeSent, packet.timeSent)
        }
        if probesOnly { return }
        if let latestLostSendTime { congestion.onCongestionEvent(sentTime: latestLostSendTime, now: now) }
        guard let firstSample = rtt.firstSampleTime else { return }
        if isPersistentCongestion(packets, after: firstSample) { congestion.onPersistentCongestion() }
    }

    /// RFC 9002 §7.6.1: `(smoothed_rtt + max(4 × rttvar, kGranularity) + max_ack_delay) × 3`.
    public var persistentCongestionDuration: Duration {
        (rtt.probeTimeoutBase + maxAckDelay) * Self.persistentCongestionThreshold
    }

    /// RFC 9002 §7.6.2: lost packets (in packet-number order) establish persistent congestion
    /// when a run of consecutively numbered lost packets, all sent after the first RTT sample,
    /// starts and ends with ack-eliciting packets further apart than the duration. A gap in
    /// the numbers means something between them was acknowledged (or never sent), ending the run.
    func isPersistentCongestion(_ packets: ArraySlice<SentPacket>, after firstSample: Instant) -> Bool {
        Self.establishesPersistentCongestion(packets, firstRTTSample: firstSample, duration: persistentCongestionDuration)
    }

    /// The RFC 9002 §7.6.2 test on lost packets given in packet-number order.
    public static func establishesPersistentCongestion(
        _ lostPackets: some Sequence<SentPacket>, firstRTTSample: Instant, duration: Duration
    ) -> Bool {
        var runStart: Instant?
        var previous: UInt64?
        for packet in lostPackets where packet.timeSent > firstRTTSample {
            if let p = previous, packet.packetNumber != p + 1 { runStart = nil }
            previous = packet.packetNumber
            // A lost PMTU probe continues a run but neither starts nor ends one (RFC 9000 §14.4).
            guard packet.isAckEliciting && !packet.isPMTUProbe else { continue }
            if let start = runStart {
                if packet.timeSent - start > duration { return true }
            } else {
                runStart = packet.timeSent
            }
        }
        return false
    }

    /// RFC 9002 §A.8: the earliest loss time and its space.
    func earliestLossTime() -> (Instant, Int)? {
        var best: (Instant, Int)?
        for s in 0..<3 {
            guard let t = spaces[s].lossTime else { continue }
            if best == nil || t < best!.0 { best = (t, s) }
        }
        return best
    }

    /// RFC 9002 §A.8: the PTO deadline and its space.
    func ptoTimeAndSpace(now: Instant) -> (Instant, PacketNumberSpace)? {
        var duration = rtt.probeTimeoutBase * (1 << Swift.min(ptoCount, 30))
        if !hasAckElicitingInFlight {
            // Anti-deadlock PTO (client before address validation), from now.
            return (now + duration, hasHandshakeKeys ? .handshake : .initial)
        }
        var best: (Instant, PacketNumberSpace)?
        for space in PacketNumberSpace.allCases {
            let s = space.rawValue
            guard spaces[s].ackElicitingInFlight > 0, let last = spaces[s].timeOfLastAckEliciting else { continue }
            if space == .applicationData {
                // RFC 9002 §6.2.1: no Application Data PTO before the handshake is confirmed.
                guard isHandshakeConfirmed else { return best }
                duration = duration + maxAckDelay * (1 << Swift.min(ptoCount, 30))
            }
            let t = last + duration
            if best == nil || t < best!.0 { best = (t, space) }
        }
        return best
    }

    /// RFC 9002 §A.8: arms the timer for the earliest loss time, else the PTO.
    mutating func setLossDetectionTimer(now: Instant) {
        if let (lossTime, _) = earliestLossTime() {
            lossDetectionTimer = lossTime
            return
        }
        // RFC 9002 §6.2.2.1: a server at the amplification limit must not arm the PTO.
        if isAtAmplificationLimit || (!hasAckElicitingInFlight && peerCompletedAddressValidation) {
            lossDetectionTimer = nil
            return
        }
        lossDetectionTimer = ptoTimeAndSpace(now: now)?.0
    }

    /// RFC 9002 §A.9: the timer fired at `now`. Lost packets are appended to `lost`.
    public mutating func onLossDetectionTimeout(now: Instant, lost: inout [SentPacket]) -> TimeoutAction {
        guard let timer = lossDetectionTimer, timer <= now else { return .none }
        if let (_, s) = earliestLossTime() {
            let first = lost.count
            detectAndRemoveLostPackets(space: s, now: now, into: &lost)
            if lost.count > first { onPacketsLost(lost[first...], now: now) }
            setLossDetectionTimer(now: now)
            return .packetsLost
        }
        let space: PacketNumberSpace
        let count: Int
        if !hasAckElicitingInFlight {
            // RFC 9002 §6.2.2.1: the client's anti-deadlock probe.
            space = hasHandshakeKeys ? .handshake : .initial
            count = 1
        } else {
            space = ptoTimeAndSpace(now: now)?.1 ?? .initial
            count = 2
        }
        ptoCount += 1
        setLossDetectionTimer(now: now)
        return .probe(space: space, count: count)
    }

    /// RFC 9002 §6.4 / §A.11: drops all state for a space whose keys were discarded; its
    /// in-flight bytes no longer count.
    public mutating func discard(space: PacketNumberSpace, now: Instant) {
        let s = space.rawValue
        for packet in spaces[s].sent where packet.isInFlight { bytesInFlight -= packet.sentBytes }
        spaces[s] = Space()
        spaces[s].isDiscarded = true
        ptoCount = 0
        setLossDetectionTimer(now: now)
    }

    /// Packets still awaiting acknowledgment in `space`.
    public func outstandingCount(space: PacketNumberSpace) -> Int { spaces[space.rawValue].sent.count }

    /// The largest packet number the peer has acknowledged in `space` (for packet-number
    /// encoding, RFC 9000 §17.1).
    public func largestAcknowledged(space: PacketNumberSpace) -> UInt64? { spaces[space.rawValue].largestAcked }
}
