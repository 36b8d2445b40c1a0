// KoriumHTTP3 micro-benchmarks: QPACK field-section decode/encode (static table only, as
// advertised with capacity 0), HPACK Huffman decode/encode, and the HTTP/3 frame parser on
// DATA. Throughput is counted in input bytes (encoded bytes for decoders).
import Benchmark
import KoriumHTTP3
import KoriumWire

var shortRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .nanoseconds,
    maxDuration: .seconds(2),
    maxIterations: 1_000_000
) }

/// A typical browser-like request header section (static matches, name references, literals).
let requestFields: [HTTPField] = [
    HTTPField(":method", "GET"), HTTPField(":scheme", "https"), HTTPField(":authority", "www.example.com"),
    HTTPField(":path", "/assets/images/logo-2x.png?v=20261123"), HTTPField("user-agent", "Mozilla/5.0 (X11; Linux x86_64) korium/1"),
    HTTPField("accept", "image/avif,image/webp,*/*"), HTTPField("accept-encoding", "gzip, deflate, br"),
    HTTPField("accept-language", "en-US,en;q=0.9"), HTTPField("referer", "https://www.example.com/index.html"),
    HTTPField("x-request-id", "8d7e4c1a-5b36-4f0e-9c2d-7a1b3e5f9d04"),
]

/// 1 KiB of header-like text (mostly lower-case letters, digits and punctuation).
let headerText: [UInt8] = {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_./=;, ".utf8)
    var state: UInt32 = 0x9204
    return (0..<1024).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return alphabet[Int(state >> 16) % alphabet.count]
    }
}()

let benchmarks: @Sendable () -> Void = {
    let section = QPACKEncoder.encodeFieldSection(requestFields)

    Benchmark("QPACK decode request section (\(section.count) B, 10 fields)", configuration: shortRun) { benchmark in
        section.withUnsafeBytes { bytes in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try? QPACKDecoder.decodeFieldSection(bytes, maxSize: 65536))
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("QPACK encode request section (10 fields)", configuration: shortRun) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(QPACKEncoder.encodeFieldSection(requestFields))
        }
        benchmark.stopMeasurement()
    }

    let coded = Huffman.encode(headerText)
    Benchmark("Huffman decode 1 KiB text (\(coded.count) B coded)", configuration: shortRun) { benchmark in
        var output: [UInt8] = []
        output.reserveCapacity(2048)
        coded.withUnsafeBytes { bytes in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                output.removeAll(keepingCapacity: true)
                try? Huffman.decode(bytes, into: &output)
                blackHole(output.count)
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Huffman encode 1 KiB text (fixed buffer)", configuration: shortRun) { benchmark in
        var buffer = [UInt8](repeating: 0, count: 2048)
        headerText.withUnsafeBytes { text in
            buffer.withUnsafeMutableBytes { out in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    var writer = ByteWriter(into: out)
                    try? Huffman.encode(text, into: &writer)
                    blackHole(writer.bytesWritten)
                }
                benchmark.stopMeasurement()
            }
        }
    }

    // One 1 MiB DATA frame fed in 16 KiB pieces: the per-byte cost of the request-stream parser.
    var frame = ByteWriter(capacity: 1 << 20 + 16)
    try? HTTP3Frame.writeHeader(type: HTTP3FrameType.data, length: 1 << 20, to: &frame)
    try? frame.writeZeros(1 << 20)
    let dataFrame = frame.bytes
    Benchmark("HTTP3FrameParser 1 MiB DATA in 16 KiB pieces", configuration: shortRun) { benchmark in
        dataFrame.withUnsafeBytes { bytes in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var parser = HTTP3FrameParser(maxFramePayload: 65536)
                var total = 0
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + 16384)
                    var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    while case let output?? = try? parser.next(&reader) {
                        if case .data(let chunk) = output { total &+= chunk.count }
                    }
                    start = end
                }
                blackHole(total)
            }
            benchmark.stopMeasurement()
        }
    }
}
