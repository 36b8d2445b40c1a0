import Testing
@testable import KoriumQUIC

/// qlog JSON-SEQ serialization: every record parses back (with the test target's own JSON
/// parser) to the fields of the event schema (draft-ietf-quic-qlog-quic-events-13).
@Suite("qlog")
struct QLogTests {
    func serialize(_ events: [(QLogEvent, Instant)], trace: QLogTraceInfo = QLogTraceInfo(vantagePoint: .client))
        throws -> [JSONValue] {
        var out: [UInt8] = []
        QLogSerializer.appendHeader(trace, to: &out)
        for (e, t) in events { QLogSerializer.appendEvent(e, at: t, to: &out) }
        return try jsonSeqRecords(out)
    }

    @Test func headerRecord() throws {
        let cid = try ConnectionID([0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08])
        let records = try serialize([], trace: QLogTraceInfo(vantagePoint: .server, name: "korium", groupID: cid))
        #expect(records.count == 1)
        let h = records[0]
        #expect(h["file_schema"]?.string == "urn:ietf:params:qlog:file:sequential")
        #expect(h["serialization_format"]?.string == "application/qlog+json-seq")
        let trace = h["trace"]
        #expect(trace?["vantage_point"]?["type"]?.string == "server")
        #expect(trace?["event_schemas"]?.array == [.string("urn:ietf:params:qlog:events:quic-13")])
        #expect(trace?["common_fields"]?["group_id"]?.string == "8394c8f03e515708")
        #expect(trace?["common_fields"]?["reference_time"]?["clock_type"]?.string == "monotonic")
        #expect(trace?["common_fields"]?["reference_time"]?["epoch"]?.string == "unknown")
    }

    @Test func packetEvents() throws {
        let dcid = try ConnectionID([1, 2, 3, 4])
        let records = try serialize([
            (.packetSent(QLogPacketHeader(packetType: .initial, packetNumber: 0, destinationCID: dcid, sourceCID: .empty),
                         length: 1_200), Instant(nanoseconds: 1_500_000)),
            (.packetSent(QLogPacketHeader(packetType: .oneRTT, packetNumber: 77, keyPhaseBit: true), length: 1_252,
                         trigger: .ptoProbe), Instant(nanoseconds: 2_000_001)),
            (.packetReceived(QLogPacketHeader(packetType: .handshake, packetNumber: 3), length: 900), Instant(nanoseconds: 3_000_000)),
            (.packetDropped(QLogPacketHeader(packetType: .oneRTT, packetNumber: nil), length: 60, trigger: .decryptionFailure),
             Instant(nanoseconds: 4_000_000)),
            (.packetDropped(nil, length: 20, trigger: .connectionUnknown), Instant(nanoseconds: 4_000_000)),
            (.packetLost(QLogPacketHeader(packetType: .oneRTT, packetNumber: 12), trigger: .timeThreshold), Instant(nanoseconds: 5_000_000)),
        ]).dropFirst()
        let names = records.map { $0["name"]?.string }
        #expect(names == ["quic:packet_sent", "quic:packet_sent", "quic:packet_received", "quic:packet_dropped",
                          "quic:packet_dropped", "quic:packet_lost"])
        let r = Array(records)
        #expect(r[0]["time"]?.number == 1.5)
        #expect(r[1]["time"]?.number == 2.000001)
        #expect(r[0]["data"]?["header"]?.object == [
            "packet_type": .string("initial"), "packet_number": .number(0), "dcid": .string("01020304"), "scid": .string(""),
        ])
        #expect(r[0]["data"]?["raw"]?["length"]?.number == 1_200)
        #expect(r[1]["data"]?["header"]?["packet_type"]?.string == "1RTT")
        #expect(r[1]["data"]?["header"]?["key_phase_bit"] == .bool(true))
        #expect(r[1]["data"]?["trigger"]?.string == "pto_probe")
        #expect(r[2]["data"]?["header"]?["packet_number"]?.number == 3)
        #expect(r[3]["data"]?["trigger"]?.string == "decryption_failure")
        #expect(r[3]["data"]?["header"]?["packet_number"] == nil)
        #expect(r[4]["data"]?["header"] == nil && r[4]["data"]?["trigger"]?.string == "connection_unknown")
        #expect(r[5]["data"]?.object == [
            "header": .object(["packet_type": .string("1RTT"), "packet_number": .number(12)]),
            "trigger": .string("time_threshold"),
        ])
    }

    @Test func recoveryAndKeyEvents() throws {
        let metrics = QLogRecoveryMetrics(minRTT: .microseconds(250), smoothedRTT: .milliseconds(200), latestRTT: .nanoseconds(1),
                                          rttVariance: .milliseconds(3), ptoCount: 2, congestionWindow: 14_720,
                                          bytesInFlight: 1_200, slowStartThreshold: 100_000, packetsInFlight: 1,
                                          pacingRate: 1_000_000_000)
        let records = Array(try serialize([
            (.recoveryMetricsUpdated(metrics), Instant(nanoseconds: 10)),
            (.recoveryMetricsUpdated(QLogRecoveryMetrics(congestionWindow: 1)), Instant(nanoseconds: 11)),
            (.congestionStateUpdated(old: .slowStart, new: .recovery, trigger: .packetLoss), Instant(nanoseconds: 12)),
            (.congestionStateUpdated(old: nil, new: .slowStart), Instant(nanoseconds: 13)),
            (.keyUpdated(.oneRTT(server: false), keyPhase: 1, trigger: .localUpdate), Instant(nanoseconds: 14)),
            (.keyUpdated(.handshake(server: true), trigger: .tls), Instant(nanoseconds: 15)),
        ]).dropFirst())
        #expect(records[0]["name"]?.string == "quic:recovery_metrics_updated")
        #expect(records[0]["data"]?.object == [
            "min_rtt": .number(0.25), "smoothed_rtt": .number(200), "latest_rtt": .number(0.000001),
            "rtt_variance": .number(3), "pto_count": .number(2), "congestion_window": .number(14_720),
            "bytes_in_flight": .number(1_200), "ssthresh": .number(100_000), "packets_in_flight": .number(1),
            "pacing_rate": .number(1e9),
        ])
        #expect(records[1]["data"]?.object == ["congestion_window": .number(1)])
        #expect(records[2]["data"]?.object == ["old": .string("slow_start"), "new": .string("recovery"), "trigger": .string("packet_loss")])
        #expect(records[3]["data"]?.object == ["new": .string("slow_start")])
        #expect(records[4]["name"]?.string == "quic:key_updated")
        #expect(records[4]["data"]?.object == ["key_type": .string("client_1rtt_secret"), "key_phase": .number(1),
                                               "trigger": .string("local_update")])
        #expect(records[5]["data"]?.object == ["key_type": .string("server_handshake_secret"), "trigger": .string("tls")])
        #expect(records[0]["time"]?.number == 0.00001)
    }

    /// Strings with quotes, backslashes, control characters and non-ASCII survive the round trip.
    @Test func stringEscaping() throws {
        let title = "a \"quoted\" \\ path\n\t\r\u{01}\u{1F} é 🙂 </script>"
        let records = try serialize([], trace: QLogTraceInfo(vantagePoint: .client, name: "x\u{0}y", title: title))
        #expect(records[0]["title"]?.string == title)
        #expect(records[0]["trace"]?["vantage_point"]?["name"]?.string == "x\u{0}y")
    }

    /// Extremes of the numeric writers.
    @Test func numberFormatting() throws {
        var w = QLogJSONWriter()
        w.beginArray()
        w.integer(UInt64.max)
        w.integer(Int.min)
        w.integer(0)
        w.milliseconds(nanoseconds: 0)
        w.milliseconds(nanoseconds: 1_234_567_890)
        w.milliseconds(nanoseconds: -5)
        w.beginObject()
        w.endObject()
        w.beginArray()
        w.endArray()
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self)
                == "[18446744073709551615,-9223372036854775808,0,0.000000,1234.567890,0.000000,{},[]]")
    }

    /// A sink receives what the caller records, in order.
    @Test func sinkProtocol() {
        final class Collector: QLogSink, @unchecked Sendable {
            // Unchecked: used from the test's single thread only.
            var events: [(QLogEvent, Instant)] = []
            func record(_ event: QLogEvent, at time: Instant) { events.append((event, time)) }
        }
        let c = Collector()
        let sink: any QLogSink = c
        sink.record(.packetLost(QLogPacketHeader(packetType: .handshake, packetNumber: 1), trigger: .ptoExpired), at: .zero)
        #expect(c.events.count == 1 && c.events[0].0.name == "quic:packet_lost")
    }
}
