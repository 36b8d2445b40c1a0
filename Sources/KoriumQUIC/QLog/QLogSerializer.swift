/// qlog's JSON Text Sequences form (draft-ietf-quic-qlog-main-schema §"qlog to JSON Text
/// Sequences mapping", RFC 7464): every record is the ASCII record separator 0x1E, one JSON
/// object, and a line feed. The first record is the `QlogFileSeq` header with its `TraceSeq`;
/// each event follows as its own record.
///
/// Times are milliseconds (six decimals) on the connection's monotonic `Instant` clock, so the
/// header declares `clock_type` `monotonic` with epoch `unknown` (as the main schema requires for
/// monotonic clocks).
public enum QLogSerializer {
    /// The record separator that starts every JSON-SEQ record (RFC 7464 §2.2).
    public static let recordSeparator: UInt8 = 0x1E
    /// `file_schema` of a JSON-SEQ qlog file.
    public static let fileSchema = "urn:ietf:params:qlog:file:sequential"
    /// The media type in `serialization_format`.
    public static let serializationFormat = "application/qlog+json-seq"
    /// The QUIC event schema URI with the draft number appended, as draft-ietf-quic-qlog-quic-events
    /// §"Draft Event Schema Identification" requires of draft implementations (this is -13).
    public static let eventSchema = "urn:ietf:params:qlog:events:quic-13"

    /// Appends the header record for `trace` to `out`.
    public static func appendHeader(_ trace: QLogTraceInfo, to out: inout [UInt8]) {
        var w = QLogJSONWriter()
        swap(&w.bytes, &out)
        w.bytes.append(recordSeparator)
        w.beginObject()
        w.field("file_schema", fileSchema)
        w.field("serialization_format", serializationFormat)
        w.field("title", trace.title)
        w.key("trace")
        w.beginObject()
        w.key("common_fields")
        w.beginObject()
        if let group = trace.groupID {
            w.key("group_id")
            group.withUnsafeBytes { w.hex($0) }
        }
        w.field("time_format", "relative_to_epoch")
        w.key("reference_time")
        w.beginObject()
        w.field("clock_type", "monotonic")
        w.field("epoch", "unknown")
        w.endObject()
        w.endObject()
        w.key("vantage_point")
        w.beginObject()
        w.field("name", trace.name)
        w.field("type", trace.vantagePoint == .client ? "client" : "server")
        w.endObject()
        w.key("event_schemas")
        w.beginArray()
        w.string(eventSchema)
        w.endArray()
        w.endObject()
        w.endObject()
        w.bytes.append(0x0A)
        swap(&w.bytes, &out)
    }

    /// Appends one event record (`time`, `name`, `data`) to `out`.
    public static func appendEvent(_ event: QLogEvent, at time: Instant, to out: inout [UInt8]) {
        var w = QLogJSONWriter()
        swap(&w.bytes, &out)
        w.bytes.append(recordSeparator)
        w.beginObject()
        w.key("time")
        w.milliseconds(nanoseconds: Int64(clamping: time.nanoseconds))
        w.field("name", event.name)
        w.key("data")
        w.beginObject()
        switch event {
        case let .packetSent(header, length, trigger):
            writeHeader(header, &w)
            writeRaw(length, &w)
            if let trigger { w.field("trigger", name(trigger)) }
        case let .packetReceived(header, length):
            writeHeader(header, &w)
            writeRaw(length, &w)
        case let .packetDropped(header, length, trigger):
            if let header { writeHeader(header, &w) }
            writeRaw(length, &w)
            w.field("trigger", name(trigger))
        case let .packetLost(header, trigger):
            writeHeader(header, &w)
            w.field("trigger", name(trigger))
        case let .recoveryMetricsUpdated(m):
            writeMetrics(m, &w)
        case let .congestionStateUpdated(old, new, trigger):
            if let old { w.field("old", name(old)) }
            w.field("new", name(new))
            if let trigger { w.field("trigger", name(trigger)) }
        case let .keyUpdated(keyType, keyPhase, trigger):
            w.field("key_type", name(keyType))
            if let keyPhase { w.field("key_phase", keyPhase) }
            w.field("trigger", name(trigger))
        }
        w.endObject()
        w.endObject()
        w.bytes.append(0x0A)
        swap(&w.bytes, &out)
    }

    private static func writeHeader(_ h: QLogPacketHeader, _ w: inout QLogJSONWriter) {
        w.key("header")
        w.beginObject()
        w.field("packet_type", name(h.packetType))
        if let pn = h.packetNumber { w.field("packet_number", pn) }
        if let bit = h.keyPhaseBit { w.field("key_phase_bit", bit) }
        if let scid = h.sourceCID {
            w.key("scid")
            scid.withUnsafeBytes { w.hex($0) }
        }
        if let dcid = h.destinationCID {
            w.key("dcid")
            dcid.withUnsafeBytes { w.hex($0) }
        }
        w.endObject()
    }

    private static func writeRaw(_ length: Int, _ w: inout QLogJSONWriter) {
        w.key("raw")
        w.beginObject()
        w.field("length", length)
        w.endObject()
    }

    private static func writeMetrics(_ m: QLogRecoveryMetrics, _ w: inout QLogJSONWriter) {
        // RTT fields are milliseconds (draft: "all following rtt fields are expressed in ms").
        if let v = m.minRTT { w.key("min_rtt"); w.milliseconds(nanoseconds: v.nanoseconds) }
        if let v = m.smoothedRTT { w.key("smoothed_rtt"); w.milliseconds(nanoseconds: v.nanoseconds) }
        if let v = m.latestRTT { w.key("latest_rtt"); w.milliseconds(nanoseconds: v.nanoseconds) }
        if let v = m.rttVariance { w.key("rtt_variance"); w.milliseconds(nanoseconds: v.nanoseconds) }
        if let v = m.ptoCount { w.field("pto_count", v) }
        if let v = m.congestionWindow { w.field("congestion_window", v) }
        if let v = m.bytesInFlight { w.field("bytes_in_flight", v) }
        if let v = m.slowStartThreshold { w.field("ssthresh", v) }
        if let v = m.packetsInFlight { w.field("packets_in_flight", v) }
        if let v = m.pacingRate { w.field("pacing_rate", v) }
    }

    /// The `$PacketType` text.
    public static func name(_ t: PacketType) -> String {
        switch t {
        case .initial: return "initial"
        case .zeroRTT: return "0RTT"
        case .handshake: return "handshake"
        case .retry: return "retry"
        case .versionNegotiation: return "version_negotiation"
        case .unsupportedVersion: return "unknown"
        case .oneRTT: return "1RTT"
        }
    }

    static func name(_ t: QLogSendTrigger) -> String {
        switch t {
        case .retransmitReordered: return "retransmit_reordered"
        case .retransmitTimeout: return "retransmit_timeout"
        case .ptoProbe: return "pto_probe"
        case .retransmitCrypto: return "retransmit_crypto"
        }
    }

    static func name(_ t: QLogLossTrigger) -> String {
        switch t {
        case .reorderingThreshold: return "reordering_threshold"
        case .timeThreshold: return "time_threshold"
        case .ptoExpired: return "pto_expired"
        }
    }

    static func name(_ t: QLogDropTrigger) -> String {
        switch t {
        case .internalError: return "internal_error"
        case .rejected: return "rejected"
        case .unsupported: return "unsupported"
        case .invalid: return "invalid"
        case .duplicate: return "duplicate"
        case .connectionUnknown: return "connection_unknown"
        case .decryptionFailure: return "decryption_failure"
        case .keyUnavailable: return "key_unavailable"
        case .general: return "general"
        }
    }

    static func name(_ s: QLogCongestionState) -> String {
        switch s {
        case .slowStart: return "slow_start"
        case .congestionAvoidance: return "congestion_avoidance"
        case .recovery: return "recovery"
        case .applicationLimited: return "application_limited"
        }
    }

    static func name(_ t: QLogCongestionTrigger) -> String {
        switch t {
        case .packetLoss: return "packet_loss"
        case .ecn: return "ecn"
        case .persistentCongestion: return "persistent_congestion"
        }
    }

    static func name(_ k: QLogKeyType) -> String {
        switch k {
        case .initial(let server): return server ? "server_initial_secret" : "client_initial_secret"
        case .handshake(let server): return server ? "server_handshake_secret" : "client_handshake_secret"
        case .zeroRTT(let server): return server ? "server_0rtt_secret" : "client_0rtt_secret"
        case .oneRTT(let server): return server ? "server_1rtt_secret" : "client_1rtt_secret"
        }
    }

    static func name(_ t: QLogKeyTrigger) -> String {
        switch t {
        case .tls: return "tls"
        case .remoteUpdate: return "remote_update"
        case .localUpdate: return "local_update"
        }
    }
}
