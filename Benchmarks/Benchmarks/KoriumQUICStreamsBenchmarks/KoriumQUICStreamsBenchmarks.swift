// KoriumQUIC stream-layer micro-benchmarks: StreamsState.writeFrames packing stream data into
// 1200-byte packets (the send hot path) with the records acknowledged as a connection would,
// and the receive path (STREAM frame in, application read). Steady state must not allocate.
import Benchmark
import KoriumQUIC
import KoriumWire

var shortRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .nanoseconds,
    maxDuration: .seconds(2),
    maxIterations: 1_000_000
) }

/// Limits so large that flow control never blocks during a run.
var unlimited: TransportParameters {
    var p = TransportParameters()
    p.initialMaxData = 1 << 61
    p.initialMaxStreamDataBidiLocal = 1 << 61
    p.initialMaxStreamDataBidiRemote = 1 << 61
    p.initialMaxStreamDataUni = 1 << 61
    p.initialMaxStreamsBidi = 1000
    p.initialMaxStreamsUni = 1000
    return p
}

/// A sender with `streams` open unidirectional streams.
func sender(streams: Int) -> (StreamsState, [StreamID]) {
    var state = StreamsState(role: .client, local: unlimited, maxStreamReceiveWindow: 1 << 20,
                             maxConnectionReceiveWindow: 1 << 24, streamSendBufferSize: 64 * 1024)
    state.applyPeerParameters(unlimited)
    let ids = (0..<streams).map { _ in state.openStream(bidirectional: false)! }
    return (state, ids)
}

/// Per iteration: write one packet's worth of data to the next stream, pack one 1200-byte
/// packet with writeFrames, and acknowledge its records.
func sendBenchmark(_ benchmark: Benchmark, streams count: Int) throws {
    var (state, ids) = sender(streams: count)
    let chunk = [UInt8](repeating: 0x5a, count: 1200)
    var packet = [UInt8](repeating: 0, count: 1200)
    var records: [StreamFrameRecord] = []
    records.reserveCapacity(64)
    // Warm up: grow every ring and queue to its steady size.
    for round in 0..<(count * 64) {
        _ = try chunk.withUnsafeBytes { try state.write($0, to: ids[round % count]) }
        packet.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(into: raw)
            _ = state.writeFrames(into: &writer, now: .zero, rtt: .milliseconds(10), records: &records)
        }
        for record in records { state.onAcked(record) }
        records.removeAll(keepingCapacity: true)
    }
    var next = 0
    try chunk.withUnsafeBytes { data in
        try packet.withUnsafeMutableBytes { raw in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try state.write(data, to: ids[next]))
                next = next + 1 == count ? 0 : next + 1
                var writer = ByteWriter(into: raw)
                blackHole(state.writeFrames(into: &writer, now: .zero, rtt: .milliseconds(10), records: &records))
                for record in records { state.onAcked(record) }
                records.removeAll(keepingCapacity: true)
            }
            benchmark.stopMeasurement()
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("StreamsState send: write + writeFrames 1200 B + ack, 1 stream", configuration: shortRun) { benchmark in
        try sendBenchmark(benchmark, streams: 1)
    }

    Benchmark("StreamsState send: write + writeFrames 1200 B + ack, 64 streams round-robin", configuration: shortRun) { benchmark in
        try sendBenchmark(benchmark, streams: 64)
    }

    Benchmark("StreamsState receive: 1200 B STREAM frame + read", configuration: shortRun) { benchmark in
        var state = StreamsState(role: .server, local: unlimited, maxStreamReceiveWindow: 1 << 20,
                                 maxConnectionReceiveWindow: 1 << 24, streamSendBufferSize: 64 * 1024)
        state.applyPeerParameters(unlimited)
        let chunk = [UInt8](repeating: 0x5a, count: 1200)
        var out = [UInt8](repeating: 0, count: 1200)
        var offset: UInt64 = 0
        try chunk.withUnsafeBytes { data in
            try out.withUnsafeMutableBytes { buffer in
                for _ in 0..<1000 {
                    try state.onStream(StreamFrame(streamID: 2, offset: offset, data: data, isFinal: false))
                    offset += 1200
                    _ = try state.read(StreamID(rawValue: 2), into: buffer)
                }
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    try state.onStream(StreamFrame(streamID: 2, offset: offset, data: data, isFinal: false))
                    offset += 1200
                    blackHole(try state.read(StreamID(rawValue: 2), into: buffer))
                }
                benchmark.stopMeasurement()
            }
        }
    }
}
