// KoriumIO micro-benchmarks: one batch of 64 × 1,200-byte datagrams sent and received over
// 127.0.0.1 in lockstep (sendmmsg, poll, recvmmsg), with and without GSO/GRO, and event-loop
// timer churn. The malloc metric checks the steady-state datagram path allocates nothing.
import Benchmark
import Glibc
import KoriumIO

var ioRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .microseconds,
    maxDuration: .seconds(2),
    maxIterations: 100_000
) }

let datagramsPerBatch = 64
let datagramSize = 1_200

/// Sender and receiver sockets plus their reused batches.
final class LoopbackPair {
    let rx: UDPSocket
    let tx: UDPSocket
    let send: SendBatch
    let receive: ReceiveBatch
    let payload = [UInt8](repeating: 0x5a, count: datagramSize)

    init(offload: Bool) throws {
        var rxOptions = UDPSocket.Options()
        rxOptions.receiveBufferSize = 8 << 20
        rxOptions.receiveOffload = offload
        var txOptions = UDPSocket.Options()
        txOptions.segmentationOffload = offload
        rx = try UDPSocket(binding: .loopbackV4(), options: rxOptions)
        tx = try UDPSocket(binding: .loopbackV4(), options: txOptions)
        send = SendBatch(maxDatagrams: datagramsPerBatch, byteCapacity: datagramsPerBatch * datagramSize)
        receive = offload
            ? ReceiveBatch(maxMessages: 8, bufferSize: KoriumIO.maxGROBufferSize)
            : ReceiveBatch(maxMessages: datagramsPerBatch, bufferSize: 2_048)
    }

    /// Sends one batch and receives it back; returns the datagrams received.
    func roundTrip() throws -> Int {
        for _ in 0..<datagramsPerBatch { send.append(payload, to: rx.localAddress) }
        while !send.isEmpty { _ = try tx.send(send) }
        var got = 0
        while got < datagramsPerBatch {
            var p = pollfd(fd: rx.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 1_000) == 1 else { break }
            got += try rx.receive(into: receive)
        }
        return got
    }
}

let benchmarks: @Sendable () -> Void = {
    for offload in [false, true] {
        let name = offload ? "UDP 64×1200 B send+recv (GSO/GRO)" : "UDP 64×1200 B send+recv (sendmmsg/recvmmsg)"
        Benchmark(name, configuration: ioRun) { benchmark in
            let pair = try LoopbackPair(offload: offload)
            _ = try pair.roundTrip()  // warm-up outside the measurement
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try pair.roundTrip()) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("EventLoop 1000 timers schedule+cancel", configuration: ioRun) { benchmark in
        let loop = try EventLoop()
        defer { loop.shutdown() }
        for _ in benchmark.scaledIterations {
            let cancelled = try await loop.execute { context -> Int in
                let deadline = context.now + .seconds(60)
                var n = 0
                for _ in 0..<1_000 {
                    let id = try context.scheduleTimer(at: deadline) {}
                    if context.cancelTimer(id) { n += 1 }
                }
                return n
            }
            blackHole(cancelled)
        }
    }
}
