import Glibc
import KoriumIO
import KoriumQUIC
import Testing

/// The JSON-SEQ file sink, checked by an independent parser: Python's `json` module reads every
/// record of the file (split on the RFC 7464 record separator).
@Suite("qlog file sink")
struct QLogFileSinkTests {
    /// Runs `command` and returns its standard output, or nil if it could not run.
    func output(of command: String) -> String? {
        guard let pipe = popen(command, "r") else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return pclose(pipe) == 0 ? String(decoding: bytes, as: UTF8.self) : nil
    }

    @Test(.enabled(if: access("/usr/bin/python3", X_OK) == 0))
    func pythonParsesEveryRecord() throws {
        let path = "/tmp/korium-qlog-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlog"
        defer { unlink(path) }
        let sink = try QLogFileSink(path: path, trace: QLogTraceInfo(vantagePoint: .client, title: "sink \"test\""))
        // Enough records to cross the 64 KiB flush threshold several times.
        for i in 0..<3_000 {
            let header = QLogPacketHeader(packetType: .oneRTT, packetNumber: UInt64(i), keyPhaseBit: i % 2 == 0)
            sink.record(.packetSent(header, length: 1_200), at: Instant(nanoseconds: UInt64(i) * 1_000))
            if i % 3 == 0 { sink.record(.packetReceived(header, length: 40), at: Instant(nanoseconds: UInt64(i) * 1_000 + 1)) }
            if i % 100 == 0 { sink.record(.packetLost(header, trigger: .reorderingThreshold), at: Instant(nanoseconds: UInt64(i) * 1_000 + 2)) }
        }
        sink.record(.recoveryMetricsUpdated(QLogRecoveryMetrics(smoothedRTT: .milliseconds(20), congestionWindow: 12_000)),
                    at: Instant(nanoseconds: 9_000_000))
        sink.close()
        sink.record(.packetLost(QLogPacketHeader(packetType: .initial, packetNumber: 0), trigger: .ptoExpired), at: .zero)
        let script = """
            import json, sys, collections
            data = open(sys.argv[1], 'rb').read()
            assert data[0] == 0x1e
            records = [json.loads(r) for r in data.split(b'\\x1e')[1:]]
            assert all(r.endswith(b'\\n') for r in data.split(b'\\x1e')[1:])
            head, events = records[0], records[1:]
            names = collections.Counter(e['name'] for e in events)
            times = [e['time'] for e in events]
            assert times == sorted(times)
            print(head['title'], head['trace']['vantage_point']['type'], names['quic:packet_sent'],
                  names['quic:packet_received'], names['quic:packet_lost'], names['quic:recovery_metrics_updated'],
                  events[-1]['data']['smoothed_rtt'], sum(e['data']['raw']['length'] for e in events if e['name'] == 'quic:packet_sent'))
            """
        let scriptPath = path + ".py"
        defer { unlink(scriptPath) }
        guard let f = fopen(scriptPath, "w") else { Issue.record("cannot write script"); return }
        fputs(script, f)
        fclose(f)
        let result = output(of: "/usr/bin/python3 \(scriptPath) \(path)")
        #expect(result == "sink \"test\" client 3000 1000 30 1 20.0 3600000\n")
        #expect(sink.droppedRecords == 0 && sink.lastWriteError == 0)
    }

    @Test func directoryNaming() throws {
        let cid = try ConnectionID([0x0a, 0xff, 0x01])
        let sink = try QLogFileSink(directory: "/tmp/", trace: QLogTraceInfo(vantagePoint: .server, groupID: cid))
        defer { unlink(sink.path) }
        sink.close()
        #expect(sink.path == "/tmp/0aff01_server.sqlog")
        #expect(access(sink.path, R_OK) == 0)
    }

    @Test func unwritablePathThrows() {
        #expect(throws: IOError.self) {
            try QLogFileSink(path: "/nonexistent-dir/x.sqlog", trace: QLogTraceInfo(vantagePoint: .server))
        }
    }
}
