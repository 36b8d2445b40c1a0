/// Loss detection with the congestion controller chosen at run time. `LossDetection` is
/// generic over its controller (no existential on the hot path); exactly one of the two
/// optionals is set and every call is forwarded in place through `&x!` (no copy of the tables).
/// Reads test `usesNewReno` rather than `reno?.x ?? cubic!.x`: the `??` autoclosure copied the
/// whole optional detector (its arrays retained and released) on every read.
struct RecoveryState: Sendable {
    var reno: LossDetection<NewReno>?
    var cubic: LossDetection<Cubic>?
    /// Which of the two is set. A stored flag: `reno != nil` passes the whole optional detector
    /// by value (an outlined copy, its arrays retained and released) on every read.
    let usesNewReno: Bool

    init(role: Role, algorithm: CongestionAlgorithm, maxDatagramSize: Int) {
        let constants = CongestionConstants(maxDatagramSize: maxDatagramSize)
        usesNewReno = algorithm == .newReno
        switch algorithm {
        case .newReno: reno = LossDetection(role: role, congestion: NewReno(constants: constants))
        case .cubic: cubic = LossDetection(role: role, congestion: Cubic(constants: constants))
        }
    }

    var rtt: RTTEstimator { if usesNewReno { return reno!.rtt }; return cubic!.rtt }
    var congestionWindow: Int {
        if usesNewReno { return reno!.congestion.congestionWindow }; return cubic!.congestion.congestionWindow
    }
    var bytesInFlight: Int { if usesNewReno { return reno!.bytesInFlight }; return cubic!.bytesInFlight }
    var sendableBytes: Int { if usesNewReno { return reno!.sendableBytes }; return cubic!.sendableBytes }
    var lossDetectionTimer: Instant? { usesNewReno ? reno!.lossDetectionTimer : cubic!.lossDetectionTimer }
    var ptoCount: Int { if usesNewReno { return reno!.ptoCount }; return cubic!.ptoCount }
    var hasAckElicitingInFlight: Bool {
        if usesNewReno { return reno!.hasAckElicitingInFlight }; return cubic!.hasAckElicitingInFlight
    }

    /// RFC 9002 §6.2.1: the PTO period without backoff (application space adds max_ack_delay).
    var probeTimeout: Duration {
        let base = rtt.probeTimeoutBase
        return base + (usesNewReno ? reno!.maxAckDelay : cubic!.maxAckDelay)
    }

    func largestAcknowledged(space: PacketNumberSpace) -> UInt64? {
        if usesNewReno { return reno!.largestAcknowledged(space: space) }; return cubic!.largestAcknowledged(space: space)
    }

    func outstandingCount(space: PacketNumberSpace) -> Int {
        if usesNewReno { return reno!.outstandingCount(space: space) }; return cubic!.outstandingCount(space: space)
    }

    mutating func setMaxAckDelay(_ value: Duration) {
        if usesNewReno { reno!.maxAckDelay = value } else { cubic!.maxAckDelay = value }
    }
    mutating func setHandshakeConfirmed() {
        if usesNewReno { reno!.isHandshakeConfirmed = true } else { cubic!.isHandshakeConfirmed = true }
    }
    mutating func setHasHandshakeKeys() {
        if usesNewReno { reno!.hasHandshakeKeys = true } else { cubic!.hasHandshakeKeys = true }
    }
    mutating func setPeerCompletedAddressValidation() {
        if usesNewReno { reno!.peerCompletedAddressValidation = true } else { cubic!.peerCompletedAddressValidation = true }
    }
    mutating func setAtAmplificationLimit(_ value: Bool) {
        if usesNewReno { reno!.isAtAmplificationLimit = value } else { cubic!.isAtAmplificationLimit = value }
    }
    mutating func setAppLimited(_ value: Bool) {
        if usesNewReno { reno!.isAppLimited = value } else { cubic!.isAppLimited = value }
    }

    mutating func setMaxDatagramSize(_ size: Int) {
        if usesNewReno { reno!.setMaxDatagramSize(size) } else { cubic!.setMaxDatagramSize(size) }
    }

    mutating func onPacketSent(_ packet: SentPacket, space: PacketNumberSpace, now: Instant) {
        if usesNewReno { reno!.onPacketSent(packet, space: space, now: now) } else { cubic!.onPacketSent(packet, space: space, now: now) }
    }

    mutating func onAckReceived(
        _ ack: AckFrame, ackDelay: Duration, space: PacketNumberSpace, now: Instant,
        acked: inout [SentPacket], lost: inout [SentPacket]
    ) throws(TransportError) {
        if usesNewReno {
            try reno!.onAckReceived(ranges: ack.ranges, ackDelay: ackDelay, space: space, now: now, acked: &acked, lost: &lost)
        } else {
            try cubic!.onAckReceived(ranges: ack.ranges, ackDelay: ackDelay, space: space, now: now, acked: &acked, lost: &lost)
        }
    }

    mutating func onLossDetectionTimeout(now: Instant, lost: inout [SentPacket]) -> LossDetection<NewReno>.TimeoutAction {
        if usesNewReno { return reno!.onLossDetectionTimeout(now: now, lost: &lost) }
        switch cubic!.onLossDetectionTimeout(now: now, lost: &lost) {
        case .packetsLost: return .packetsLost
        case .probe(let space, let count): return .probe(space: space, count: count)
        case .none: return .none
        }
    }

    mutating func discard(space: PacketNumberSpace, now: Instant) {
        if usesNewReno { reno!.discard(space: space, now: now) } else { cubic!.discard(space: space, now: now) }
    }
}
