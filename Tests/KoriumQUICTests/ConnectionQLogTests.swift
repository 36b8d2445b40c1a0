import Synchronization
import Testing

@testable import KoriumQUIC

/// A qlog sink that serializes into memory (the JSON-SEQ bytes a `QLogFileSink` would write).
final class MemoryQLogSink: QLogSink {
    private let bytes: Mutex<[UInt8]>
    init(trace: QLogTraceInfo) {
        var out: [UInt8] = []
        QLogSerializer.appendHeader(trace, to: &out)
        bytes = Mutex(out)
    }
    func record(_ event: QLogEvent, at time: Instant) {
        bytes.withLock { QLogSerializer.appendEvent(event, at: time, to: &$0) }
    }
    var contents: [UInt8] { bytes.withLock { $0 } }
}

@Suite("Connection qlog")
struct ConnectionQLogTests {
    /// Counts of each event name in a JSON-SEQ qlog.
    static func eventCounts(_ qlog: [UInt8]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for record in try jsonSeqRecords(qlog) {
            if let name = record["name"]?.string { counts[name, default: 0] += 1 }
        }
        return counts
    }

    @Test("A 256 KiB transfer with key updates and loss: qlog packet_sent / packet_received counts equal the connection's stats")
    func countsMatchStats() throws {
        let clientSink = MemoryQLogSink(trace: QLogTraceInfo(vantagePoint: .client))
        let serverSink = MemoryQLogSink(trace: QLogTraceInfo(vantagePoint: .server))
        var pair = try ConnectionPair(seed: 31) { c, s in
            c.qlog = clientSink
            s.qlog = serverSink
            c.keyUpdateInterval = 40
        }
        // Every 13th client datagram after the handshake is lost, so packet_lost appears too.
        var sent = 0
        pair.tamper = { toServer, bytes in
            guard toServer else { return bytes }
            sent += 1
            return sent > 10 && sent % 13 == 0 ? nil : bytes
        }
        var transfer = BulkTransfer(total: 256 * 1024)
        try pair.run(for: .seconds(30), step: { transfer.step(&$0) }, stopWhen: { _ in transfer.finished })
        try pair.run(for: .seconds(1))
        #expect(transfer.finished)
        let client = try Self.eventCounts(clientSink.contents)
        let server = try Self.eventCounts(serverSink.contents)
        let clientStats = pair.client.stats, serverStats = pair.server!.stats
        #expect(UInt64(client["quic:packet_sent", default: 0]) == clientStats.packetsSent)
        #expect(UInt64(client["quic:packet_received", default: 0]) == clientStats.packetsReceived)
        #expect(UInt64(server["quic:packet_sent", default: 0]) == serverStats.packetsSent)
        #expect(UInt64(server["quic:packet_received", default: 0]) == serverStats.packetsReceived)
        #expect(UInt64(client["quic:packet_lost", default: 0]) == clientStats.packetsLost)
        #expect(clientStats.packetsLost > 0)
        #expect(client["quic:recovery_metrics_updated", default: 0] > 0)
        #expect(client["quic:congestion_state_updated", default: 0] > 0)
        // Handshake and 1-RTT keys (both directions) plus the key updates.
        #expect(client["quic:key_updated", default: 0] >= 4 + 2 * Int(clientStats.keyUpdates))
        #expect(clientStats.keyUpdates > 0)
    }
}
