/// One qlog event of the QUIC event schema (draft-ietf-quic-qlog-quic-events-13), as the
/// connection reports it to a `QLogSink`. Plain values, no heap storage: emitting an event costs
/// nothing when no sink is installed and no allocation when one is.
///
/// Where `Connection` emits each event:
/// - `packetSent`: in `pollTransmit`, once per QUIC packet after it is sealed (coalesced
///   packets: one event each, `length` = that packet's bytes on the wire incl. header and tag).
/// - `packetReceived`: in `handle(datagram:from:now:)`, once per packet that decrypted and whose
///   packet number was not a duplicate, before its frames are processed.
/// - `packetDropped`: a packet that was not processed (undecryptable, unknown keys, duplicate
///   packet number, malformed header), with the reason as `trigger`.
/// - `packetLost`: when loss detection (RFC 9002 §6.1) declares a packet lost, or a PTO probe
///   declares it (`.ptoExpired`), once per packet.
/// - `recoveryMetricsUpdated`: after an ACK that produced an RTT sample or changed the
///   congestion window, and after a loss; only changed fields need to be set (the draft says
///   "SHOULD group all possible metric updates ... in a single event").
/// - `congestionStateUpdated`: when the controller moves between slow start, congestion
///   avoidance, recovery and application-limited (RFC 9002 §7.3), e.g. on entering recovery
///   after a loss, leaving it when a packet sent after its start is acknowledged, and on
///   persistent congestion (trigger `.persistentCongestion`).
/// - `keyUpdated`: when TLS installs handshake/1-RTT secrets (trigger `.tls`, one event per
///   direction) and on each 1-RTT key update (`.localUpdate` when we initiate, `.remoteUpdate`
///   when the peer does), with the new `keyPhase` (RFC 9001 §6).
public enum QLogEvent: Sendable, Hashable {
    /// `quic:packet_sent`.
    case packetSent(QLogPacketHeader, length: Int, trigger: QLogSendTrigger? = nil)
    /// `quic:packet_received`.
    case packetReceived(QLogPacketHeader, length: Int)
    /// `quic:packet_dropped`: `header` when known (at least its type).
    case packetDropped(QLogPacketHeader?, length: Int, trigger: QLogDropTrigger)
    /// `quic:packet_lost`.
    case packetLost(QLogPacketHeader, trigger: QLogLossTrigger)
    /// `quic:recovery_metrics_updated`.
    case recoveryMetricsUpdated(QLogRecoveryMetrics)
    /// `quic:congestion_state_updated`.
    case congestionStateUpdated(old: QLogCongestionState?, new: QLogCongestionState, trigger: QLogCongestionTrigger? = nil)
    /// `quic:key_updated`.
    case keyUpdated(QLogKeyType, keyPhase: UInt64? = nil, trigger: QLogKeyTrigger)

    /// The event's `name` field, e.g. `quic:packet_sent`.
    public var name: String {
        switch self {
        case .packetSent: return "quic:packet_sent"
        case .packetReceived: return "quic:packet_received"
        case .packetDropped: return "quic:packet_dropped"
        case .packetLost: return "quic:packet_lost"
        case .recoveryMetricsUpdated: return "quic:recovery_metrics_updated"
        case .congestionStateUpdated: return "quic:congestion_state_updated"
        case .keyUpdated: return "quic:key_updated"
        }
    }
}

/// The qlog `PacketHeader` fields the connection knows for a packet.
public struct QLogPacketHeader: Sendable, Hashable {
    /// The packet type (`packet_type`).
    public var packetType: PacketType
    /// The full packet number (`packet_number`); nil for Retry and Version Negotiation.
    public var packetNumber: UInt64?
    /// The 1-RTT key phase bit (`key_phase_bit`); nil for long headers.
    public var keyPhaseBit: Bool?
    /// The destination connection ID (`dcid`), when logged.
    public var destinationCID: ConnectionID?
    /// The source connection ID (`scid`, long headers), when logged.
    public var sourceCID: ConnectionID?

    /// A header of `packetType` with `packetNumber`.
    public init(packetType: PacketType, packetNumber: UInt64?, keyPhaseBit: Bool? = nil,
                destinationCID: ConnectionID? = nil, sourceCID: ConnectionID? = nil) {
        self.packetType = packetType
        self.packetNumber = packetNumber
        self.keyPhaseBit = keyPhaseBit
        self.destinationCID = destinationCID
        self.sourceCID = sourceCID
    }
}

/// Why a packet was sent (`packet_sent.trigger`), when it is not ordinary new data.
public enum QLogSendTrigger: Sendable, Hashable {
    /// RFC 9002 §6.1.1: retransmitting data of a packet lost by reordering.
    case retransmitReordered
    /// RFC 9002 §6.1.2: retransmitting data of a packet lost by the time threshold.
    case retransmitTimeout
    /// RFC 9002 §6.2.4: a probe after a PTO.
    case ptoProbe
    /// RFC 9002 §6.2.3: retransmitting CRYPTO data.
    case retransmitCrypto
}

/// Why a packet was declared lost (`packet_lost.trigger`).
public enum QLogLossTrigger: Sendable, Hashable {
    /// RFC 9002 §6.1.1: packet threshold.
    case reorderingThreshold
    /// RFC 9002 §6.1.2: time threshold.
    case timeThreshold
    /// RFC 9002 §6.2.4: declared lost when a PTO expired.
    case ptoExpired
}

/// Recovery metrics (`recovery_metrics_updated`); nil fields are not logged.
public struct QLogRecoveryMetrics: Sendable, Hashable {
    /// `min_rtt`.
    public var minRTT: Duration?
    /// `smoothed_rtt`.
    public var smoothedRTT: Duration?
    /// `latest_rtt`.
    public var latestRTT: Duration?
    /// `rtt_variance`.
    public var rttVariance: Duration?
    /// `pto_count`.
    public var ptoCount: Int?
    /// `congestion_window` in bytes.
    public var congestionWindow: Int?
    /// `bytes_in_flight`.
    public var bytesInFlight: Int?
    /// `ssthresh` in bytes (nil also while it is infinite).
    public var slowStartThreshold: Int?
    /// `packets_in_flight` (all packet number spaces).
    public var packetsInFlight: Int?
    /// `pacing_rate` in bits per second.
    public var pacingRate: UInt64?

    /// Metrics with the given fields set.
    public init(minRTT: Duration? = nil, smoothedRTT: Duration? = nil, latestRTT: Duration? = nil,
                rttVariance: Duration? = nil, ptoCount: Int? = nil, congestionWindow: Int? = nil,
                bytesInFlight: Int? = nil, slowStartThreshold: Int? = nil, packetsInFlight: Int? = nil,
                pacingRate: UInt64? = nil) {
        self.minRTT = minRTT
        self.smoothedRTT = smoothedRTT
        self.latestRTT = latestRTT
        self.rttVariance = rttVariance
        self.ptoCount = ptoCount
        self.congestionWindow = congestionWindow
        self.bytesInFlight = bytesInFlight
        self.slowStartThreshold = slowStartThreshold
        self.packetsInFlight = packetsInFlight
        self.pacingRate = pacingRate
    }
}

/// Congestion controller states (RFC 9002 §7.3 and Appendix B), as `congestion_state_updated` text.
public enum QLogCongestionState: Sendable, Hashable {
    /// `slow_start`.
    case slowStart
    /// `congestion_avoidance`.
    case congestionAvoidance
    /// `recovery`.
    case recovery
    /// `application_limited`.
    case applicationLimited
}

/// Which secret changed (`key_updated.key_type`).
public enum QLogKeyType: Sendable, Hashable {
    /// `server_initial_secret` / `client_initial_secret`.
    case initial(server: Bool)
    /// `server_handshake_secret` / `client_handshake_secret`.
    case handshake(server: Bool)
    /// `server_0rtt_secret` / `client_0rtt_secret`.
    case zeroRTT(server: Bool)
    /// `server_1rtt_secret` / `client_1rtt_secret`.
    case oneRTT(server: Bool)
}

/// What caused a key change (`key_updated.trigger`).
public enum QLogKeyTrigger: Sendable, Hashable {
    /// Keys produced by TLS (initial, handshake, 0-RTT, first 1-RTT).
    case tls
    /// The peer initiated a 1-RTT key update.
    case remoteUpdate
    /// We initiated a 1-RTT key update.
    case localUpdate
}

/// Why a packet was not processed (`packet_dropped.trigger`, the draft's categories).
public enum QLogDropTrigger: Sendable, Hashable {
    /// Not initialised, out of memory.
    case internalError
    /// Limits reached, DDoS protection.
    case rejected
    /// Unknown or unsupported version.
    case unsupported
    /// Packet parsing or validation error.
    case invalid
    /// Duplicate packet number.
    case duplicate
    /// No connection for its connection ID.
    case connectionUnknown
    /// Authentication (AEAD) failed.
    case decryptionFailure
    /// Keys for its packet number space are not (or no longer) available.
    case keyUnavailable
    /// Anything else.
    case general
}

/// What moved the congestion controller (`congestion_state_updated.trigger`); nil when the
/// new state has a single cause (e.g. leaving slow start at ssthresh).
public enum QLogCongestionTrigger: Sendable, Hashable {
    /// Entered recovery after a packet loss (RFC 9002 §7.3.2).
    case packetLoss
    /// Entered recovery after an ECN-CE mark (RFC 9002 §7.3.2).
    case ecn
    /// Persistent congestion collapsed the window (RFC 9002 §7.6).
    case persistentCongestion
}
