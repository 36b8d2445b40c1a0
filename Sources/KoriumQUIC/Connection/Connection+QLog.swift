import KoriumTLS

/// qlog events (draft-ietf-quic-qlog-quic-events; where each is emitted: `QLogEvent`). Every
/// hook returns at once when no sink is configured, and none allocates: events are plain values
/// handed to the sink.
extension Connection {
    /// The qlog packet type of a packet-number space.
    static func qlogPacketType(space s: Int) -> PacketType { s == 0 ? .initial : (s == 1 ? .handshake : .oneRTT) }

    /// `packet_sent`, once per sealed packet.
    func qlogPacketSent(space s: Int, packetNumber: UInt64, length: Int, isProbe: Bool, now: Instant) {
        guard let sink = config.qlog else { return }
        let header = QLogPacketHeader(packetType: Self.qlogPacketType(space: s), packetNumber: packetNumber,
                                      keyPhaseBit: s == 2 ? oneRTT?.keyPhase : nil)
        sink.record(.packetSent(header, length: length, trigger: isProbe ? .ptoProbe : nil), at: now)
    }

    /// `packet_received`, once per decrypted, non-duplicate packet.
    func qlogPacketReceived(type: PacketType, packetNumber: UInt64, keyPhase: Bool?, length: Int, now: Instant) {
        guard let sink = config.qlog else { return }
        sink.record(.packetReceived(QLogPacketHeader(packetType: type, packetNumber: packetNumber, keyPhaseBit: keyPhase),
                                    length: length), at: now)
    }

    /// `packet_lost` for every packet in ``lostScratch`` (all of `space`).
    func qlogPacketsLost(space: PacketNumberSpace, byTimeout: Bool, now: Instant) {
        guard let sink = config.qlog else { return }
        let type = Self.qlogPacketType(space: space.rawValue)
        for packet in lostScratch {
            sink.record(.packetLost(QLogPacketHeader(packetType: type, packetNumber: packet.packetNumber),
                                    trigger: byTimeout ? .timeThreshold : .reorderingThreshold), at: now)
        }
    }

    /// `recovery_metrics_updated` after an ACK or a loss, then `congestion_state_updated` if
    /// the controller's state changed (RFC 9002 §7.3).
    mutating func qlogRecoveryUpdated(lossOccurred: Bool, now: Instant) {
        guard let sink = config.qlog else { return }
        let rtt = recovery.rtt
        let ssthresh = recovery.slowStartThreshold
        sink.record(.recoveryMetricsUpdated(QLogRecoveryMetrics(
            minRTT: rtt.minimum, smoothedRTT: rtt.smoothed, latestRTT: rtt.latest, rttVariance: rtt.variance,
            ptoCount: recovery.ptoCount, congestionWindow: recovery.congestionWindow, bytesInFlight: recovery.bytesInFlight,
            slowStartThreshold: ssthresh == Int.max ? nil : ssthresh)), at: now)
        let state: QLogCongestionState
        if lossOccurred {
            state = .recovery
        } else if recovery.isAppLimited {
            state = .applicationLimited
        } else {
            state = recovery.congestionWindow < ssthresh ? .slowStart : .congestionAvoidance
        }
        guard state != qlogCongestionState else { return }
        sink.record(.congestionStateUpdated(old: qlogCongestionState, new: state), at: now)
        qlogCongestionState = state
    }

    /// `packet_lost` for a loss-timer expiry: the space is the one whose table shrank (as in
    /// ``onLossDetectionTimeout(now:)``).
    func qlogTimeoutLosses(outstanding: (Int, Int, Int), now: Instant) {
        guard config.qlog != nil else { return }
        let space: PacketNumberSpace
        if recovery.outstandingCount(space: .initial) < outstanding.0 {
            space = .initial
        } else if recovery.outstandingCount(space: .handshake) < outstanding.1 {
            space = .handshake
        } else {
            space = .applicationData
        }
        qlogPacketsLost(space: space, byTimeout: true, now: now)
    }

    /// `key_updated` (trigger `tls`) for both directions of keys TLS just installed.
    func qlogKeysInstalled(_ change: KeyChange, now: Instant) {
        guard let sink = config.qlog else { return }
        for server in [false, true] {
            switch change {
            case .handshake: sink.record(.keyUpdated(.handshake(server: server), trigger: .tls), at: now)
            case .oneRTT: sink.record(.keyUpdated(.oneRTT(server: server), keyPhase: 0, trigger: .tls), at: now)
            }
        }
    }

    /// `key_updated` for both 1-RTT directions after a key update (RFC 9001 §6); `key_phase` is
    /// the generation (key updates so far).
    func qlogOneRTTKeyUpdate(trigger: QLogKeyTrigger, now: Instant) {
        guard let sink = config.qlog else { return }
        for server in [false, true] {
            sink.record(.keyUpdated(.oneRTT(server: server), keyPhase: statsStorage.keyUpdates, trigger: trigger), at: now)
        }
    }
}

extension RecoveryState {
    /// The controller's slow-start threshold (`Int.max` until the first congestion event).
    var slowStartThreshold: Int {
        if usesNewReno { return reno!.congestion.slowStartThreshold }; return cubic!.congestion.slowStartThreshold
    }
}
