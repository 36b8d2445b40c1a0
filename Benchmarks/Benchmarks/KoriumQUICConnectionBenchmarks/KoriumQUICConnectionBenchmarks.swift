// KoriumQUIC connection benchmarks on an in-memory client/server pair (InMemoryLink: two sans-IO
// `Endpoint`s, each routing to its `Connection`, datagrams handed over in memory):
//  - steady-state bulk transfer: one iteration = one client datagram (full size) carried through
//    the whole sans-IO path (stream write, packetisation, ChaCha20-Poly1305 sealing, header
//    protection, endpoint routing by CID, opening, reassembly, application read, the server's
//    ACKs back through the same path): time per packet and mallocs per packet (must be 0);
//  - resident memory per idle established connection (1,000 of them).
import Benchmark
import Glibc
import KoriumQUIC

/// Bulk sender state: the link, the client's stream and the bytes it writes.
struct BulkSender {
    var link = InMemoryLink()
    var handle: ConnectionHandle
    var stream: StreamID
    let chunk: UnsafeMutableRawBufferPointer

    init() throws {
        handle = try link.connect()
        var opened: StreamID?
        _ = link.client.withConnection(handle, now: link.now) { opened = $0.openStream(bidirectional: false) }
        guard let opened else { preconditionFailure("no stream credit") }
        stream = opened
        chunk = .allocate(byteCount: 16_384, alignment: 16)
        for i in 0..<chunk.count { chunk[i] = UInt8(truncatingIfNeeded: i) }
    }

    /// The earlier of the two endpoints' deadlines.
    var nextDeadline: Instant? {
        switch (link.client.nextDeadline, link.server.nextDeadline) {
        case (let c?, let s?): return min(c, s)
        case (let c?, nil): return c
        case (nil, let s): return s
        }
    }

    /// Moves one client datagram to the server (and whatever the server answers back),
    /// advancing the virtual clock by 10 µs per datagram or to the next timer when blocked.
    mutating func step() {
        let data = UnsafeRawBufferPointer(chunk)
        let stream = self.stream
        _ = link.client.withConnection(handle, now: link.now) { c in
            while (try? c.write(data, to: stream)) == data.count {}
        }
        let sent = link.clientDatagrams
        for _ in 0..<10_000 {
            if let t = link.client.pollTransmit(into: link.scratch, now: link.now) {
                link.deliver(t, to: true, from: InMemoryLink.clientAddress)
                link.drainEvents()
                while let back = link.server.pollTransmit(into: link.scratch, now: link.now) {
                    link.deliver(back, to: false, from: InMemoryLink.serverAddress)
                }
                link.drainEvents()
                if link.clientDatagrams > sent {
                    link.now = link.now + .microseconds(10)
                    link.timers()
                    return
                }
            } else {
                // Congestion-, flow-control- or pacing-limited: jump to the next timer (ACK delay, pacing, PTO).
                let next = nextDeadline ?? link.now
                link.now = max(link.now + .microseconds(10), next)
                link.timers()
                while let back = link.server.pollTransmit(into: link.scratch, now: link.now) {
                    link.deliver(back, to: false, from: InMemoryLink.serverAddress)
                }
                link.drainEvents()
            }
        }
        preconditionFailure("the client stopped sending")
    }
}

/// Resident set size in bytes (second field of /proc/self/statm, in pages). Glibc's module
/// exports neither `mallinfo` nor `mallinfo2`, so memory is taken as RSS.
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return 0 }
    let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// The bulk sender lives across samples: one handshake and one warm-up, then every sample
/// moves `scaledIterations` more packets of the same endless stream.
nonisolated(unsafe) var bulk: BulkSender?

let clientDatagramBytes = BenchmarkMetric.custom("client datagram size (bytes, largest)", useScalingFactor: false)
let bytesPerIdleConnection = BenchmarkMetric.custom("RSS bytes per idle connection (client+server delta / 2000)", useScalingFactor: false)
let connectionStructBytes = BenchmarkMetric.custom("Connection inline size (bytes)", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "QUIC bulk in memory: 1,000 full-size packets through client and server (ChaCha20)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, clientDatagramBytes],
            timeUnits: .microseconds, warmupIterations: 0, scalingFactor: .kilo, maxDuration: .seconds(5),
            maxIterations: 2_000)
    ) { benchmark in
        if bulk == nil {
            var sender = try BulkSender()
            // Warm-up: windows, rings and tables grow to their steady size.
            for _ in 0..<50_000 { sender.step() }
            bulk = sender
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { bulk!.step() }
        benchmark.stopMeasurement()
        benchmark.measurement(clientDatagramBytes, bulk!.link.largestClientDatagram)
        blackHole(bulk!.link.bytesRead)
    }

    Benchmark(
        "QUIC memory: 1,000 idle established connections (client and server in one process)",
        configuration: .init(metrics: [bytesPerIdleConnection, connectionStructBytes], maxDuration: .seconds(60), maxIterations: 1)
    ) { benchmark in
        var link = InMemoryLink()
        let count = 1_000
        let baseline = residentBytes()
        for _ in 0..<count { _ = try link.connect() }
        // Both sides live in this process: the RSS delta covers 2,000 connection states
        // (freed memory is not returned to the kernel, so one side cannot be subtracted).
        let held = residentBytes() - baseline
        precondition(link.server.connectionCount == count && link.client.connectionCount == count, "every connection stays established")
        benchmark.measurement(bytesPerIdleConnection, held / (2 * count))
        benchmark.measurement(connectionStructBytes, MemoryLayout<Connection>.size)
        blackHole(link.server.connectionCount)
    }
}
