/// Loss detection with the congestion controller chosen at run time. `LossDetection` is
/// generic over its controller (no existential on the hot path); exactly one of the two
/// optionals is set and every call is forwarded in place through `&x!` (no copy of the tables).
/// Reads test `reno != nil` rather than `reno?.x ?? cubic!.x`: the `??` autoclosure copied the
/// whole optional detector (its arrays retained and released) on every read.
struct RecoveryState: Sendable {
    var reno: LossDetection<NewReno>?
    var cubic: LossDetection<Cubic>?

    init(role: Role, algorithm: CongestionAlgorithm, maxDatagramSize: Int) {
        let constants = CongestionConstants(maxDatagramSize: maxDatagramSize)
        switch algorithm {
        case .newReno: reno = LossDetection(role: role, congestion: NewReno(constants: constants))
        case .cubic: cubic = LossDetection(role: role, congestion: Cubic(constants: constants))
        }
    }

    var rtt: RTTEstimator { if reno != nil { return reno!.rtt }; return cubic!.rtt }
    var congestionWindow: Int {
        if reno != nil { return reno!.congestion.congestionWindow }; return cubic!.congestion.congestionWindow
    }
    var bytesInFlight: Int { if reno != nil { return reno!.bytesInFlight }; return cubic!.bytesInFlight }
    var sendableBytes: Int { if reno != nil { return reno!.sendableBytes }; return cubic!.sendableBytes }
    var lossDetectionTimer: Instant? { reno != nil ? reno!.lossDetectionTimer : cubic!.lossDetectionTimer }
    var ptoCount: Int { if reno != nil { return reno!.ptoCount }; return cubic!.ptoCount }
    var hasAckElicitingInFlight: Bool {
        if reno != nil { return reno!.hasAckElicitingInFlight }; return cubic!.hasAckElicitingInFlight
    }

    /// RFC 9002 §6.2.1: the PTO period without backoff (application space adds max_ack_delay).
    var probeTimeout: Duration {
        let base = rtt.probeTimeoutBase
        return base + (reno != nil ? reno!.maxAckDelay : cubic!.maxAckDelay)
    }

    func largestAcknowledged(space: PacketNumberSpace) -> UInt64? {
        if reno != nil { return reno!.largestAcknowledged(space: space) }; return cubic!.largestAcknowledged(space: space)
    }

    func outstandingCount(space: PacketNumberSpace) -> Int {
        if reno != nil { return reno!.outstandingCount(space: space) }; return cubic!.outstandingCount(space: space)
    }

    mutating func setMaxAckDelay(_ value: Duration) {
        if reno != nil { reno!.maxAckDelay = value } else { cubic!.maxAckDelay = value }
    }
    mutating func setHandshakeConfirmed() {
        if reno != nil { reno!.isHandshakeConfirmed = true } else { cubic!.isHandshakeConfirmed = true }
    }
    mutating func setHasHandshakeKeys() {
        if reno != nil { reno!.hasHandshakeKeys = true } else { cubic!.hasHandshakeKeys = true }
    }
    mutating func setPeerCompletedAddressValidation() {
        if reno != nil { reno!.peerCompletedAddressValidation = true } else { cubic!.peerCompletedAddressValidation = true }
    }
    mutating func setAtAmplificationLimit(_ value: Bool) {
        if reno != nil { reno!.isAtAmplificationLimit = value } else { cubic!.isAtAmplificationLimit = value }
    }
    mutating func setAppLimited(_ value: Bool) {
        if reno != nil { reno!.isAppLimited = value } else { cubic!.isAppLimited = value }
    }

    mutating func setMaxDatagramSize(_ size: Int) {
        if reno != nil { reno!.setMaxDatagramSize(size) } else { cubic!.setMaxDatagramSize(size) }
    }

    mutating func onPacketSent(_ packet: SentPacket, space: PacketNumberSpace, now: Instant) {
        if reno != nil { reno!.onPacketSent(packet, space: space, now: now) } else { cubic!.onPacketSent(packet, space: space, now: now) }
    }

    mutating func onAckReceived(
        _ ack: AckFrame, ackDelay: Duration, space: PacketNumberSpace, now: Instant,
        acked: inout [SentPacket], lost: inout [SentPacket]
    ) throws(TransportError) {
        if reno != nil {
            try reno!.onAckReceived(ranges: ack.ranges, ackDelay: ackDelay, space: space, now: now, acked: &acked, lost: &lost)
        } else {
            try cubic!.onAckReceived(ranges: ack.ranges, ackDelay: ackDelay, space: space, now: now, acked: &acked, lost: &lost)
        }
    }

    mutating func onLossDetectionTimeout(now: Instant, lost: inout [SentPacket]) -> LossDetection<NewReno>.TimeoutAction {
        if reno != nil { return reno!.onLossDetectionTimeout(now: now, lost: &lost) }
        switch cubic!.onLossDetectionTimeout(now: now, lost: &lost) {
        case .packetsLost: return .packetsLost
        case .probe(let space, let count): return .probe(space: space, count: count)
        case .none: return .none
        }
    }

    mutating func discard(space: PacketNumberSpace, now: Instant) {
        if reno != nil { reno!.discard(space: space, now: now) } else { cubic!.discard(space: space, now: now) }
    }
}
