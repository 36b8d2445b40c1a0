// KoriumWire micro-benchmarks: QUIC varint encode/decode over a fixed caller buffer (the
// packet-building and parsing hot path; must not allocate).
import Benchmark
import KoriumWire

var shortRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .nanoseconds,
    maxDuration: .seconds(2),
    maxIterations: 1_000_000
) }

/// One value of each encoded length (1, 2, 4 and 8 bytes), RFC 9000 §16.
let sampleValues: [UInt64] = [37, 15_293, 494_878_333, 151_288_809_941_952_652]
/// Varints per iteration (so the per-iteration time is well above timer resolution).
let varintsPerIteration = 1_000

let benchmarks: @Sendable () -> Void = {
    Benchmark("VarInt encode ×1000 (fixed buffer)", configuration: shortRun) { benchmark in
        let values = try (0..<varintsPerIteration).map { i throws(WireError) in try VarInt(sampleValues[i % 4]) }
        var buffer = [UInt8](repeating: 0, count: varintsPerIteration * 8)
        try buffer.withUnsafeMutableBytes { out in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var writer = ByteWriter(into: out)
                for value in values { try writer.writeVarInt(value) }
                blackHole(writer.bytesWritten)
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("VarInt decode ×1000", configuration: shortRun) { benchmark in
        var writer = ByteWriter(capacity: varintsPerIteration * 8)
        for i in 0..<varintsPerIteration { try writer.writeVarInt(try VarInt(sampleValues[i % 4])) }
        let encoded = writer.bytes
        encoded.withUnsafeBytes { bytes in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var reader = ByteReader(bytes)
                var sum: UInt64 = 0
                while !reader.isAtEnd {
                    guard let v = try? reader.readVarInt() else { break }
                    sum &+= v.value
                }
                blackHole(sum)
            }
            benchmark.stopMeasurement()
        }
    }
}
