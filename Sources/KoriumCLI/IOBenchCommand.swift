import ArgumentParser
import Glibc
import KoriumIO

/// `korium io-bench`: loopback UDP throughput of KoriumIO's batched socket path. A sender and a
/// receiver socket on one thread exchange batches in lockstep (sendmmsg a batch, wait for
/// readability, drain with recvmmsg), with and without GSO/GRO. Every datagram carries its
/// sequence number and is checked on arrival. Build with `-c release`; results go to BENCHMARKS.md.
struct IOBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io-bench", abstract: "Measure loopback UDP datagrams/s through KoriumIO (release build).")

    @Option(help: "Datagrams per mode.") var datagrams = 200_000
    @Option(help: "Payload bytes per datagram.") var size = 1_200
    @Option(help: "Datagrams per batch (sendmmsg/recvmmsg messages per call).") var batch = 64
    @Option(help: "Modes to run: mmsg, gso, or all.") var mode = "all"
    @Flag(help: "Use [::1] instead of 127.0.0.1.") var ipv6 = false

    func validate() throws {
        guard datagrams > 0, batch > 0, batch <= 1_024 else { throw ValidationError("--datagrams > 0, 1 <= --batch <= 1024") }
        guard size >= 8, size <= 65_000 else { throw ValidationError("--size must be in 8...65000 (8 bytes carry the sequence number)") }
        guard ["mmsg", "gso", "all"].contains(mode) else { throw ValidationError("--mode is mmsg, gso or all") }
    }

    func run() throws {
        let modes: [IOBench.Mode] = mode == "all" ? [.mmsg, .gso] : (mode == "gso" ? [.gso] : [.mmsg])
        print("korium io-bench: \(datagrams) datagrams of \(size) B, batch \(batch), \(ipv6 ? "[::1]" : "127.0.0.1")")
        print("mode  datagrams/s (wall)  Gbit/s  datagrams/CPU-s  recv calls  lost  misordered  gso")
        for m in modes {
            let r = try IOBench.run(mode: m, datagrams: datagrams, size: size, batch: batch, ipv6: ipv6)
            let rate = Double(r.received) / r.wallSeconds
            let cpuRate = Double(r.received) / r.cpuSeconds
            let gbit = rate * Double(size) * 8 / 1e9
            print("\(m.rawValue.padding(4))  \(Int(rate).description.padding(18))  \(format(gbit).padding(6))  "
                + "\(Int(cpuRate).description.padding(15))  \(r.receiveCalls.description.padding(10))  "
                + "\(r.lost.description.padding(4))  \(r.misordered.description.padding(10))  \(r.offloadNote)")
        }
    }

    private func format(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// The lockstep loopback benchmark behind `korium io-bench` (also run small by the CLI tests).
enum IOBench {
    enum Mode: String { case mmsg, gso }

    struct Result {
        var received = 0
        var lost = 0
        var misordered = 0
        var receiveCalls = 0
        var wallSeconds = 0.0
        var cpuSeconds = 0.0
        var offloadNote = ""
    }

    static func run(mode: Mode, datagrams: Int, size: Int, batch batchSize: Int, ipv6: Bool) throws -> Result {
        var rxOptions = UDPSocket.Options()
        rxOptions.receiveBufferSize = 8 << 20
        rxOptions.receiveOffload = mode == .gso
        var txOptions = UDPSocket.Options()
        txOptions.sendBufferSize = 8 << 20
        txOptions.segmentationOffload = mode == .gso
        let local: SocketAddress = ipv6 ? .loopbackV6() : .loopbackV4()
        let rx = try UDPSocket(binding: local, options: rxOptions)
        let tx = try UDPSocket(binding: local, options: txOptions)
        let destination = rx.localAddress
        let send = SendBatch(maxDatagrams: batchSize, byteCapacity: batchSize * size, messagesPerCall: batchSize)
        let receive = mode == .gso
            ? ReceiveBatch(maxMessages: max(1, batchSize / 8), bufferSize: KoriumIO.maxGROBufferSize)
            : ReceiveBatch(maxMessages: batchSize, bufferSize: max(2_048, size))
        var template = [UInt8](repeating: 0xa5, count: size)
        var result = Result()
        var expected: UInt64 = 0
        var sent = 0
        let wallStart = nanoseconds(CLOCK_MONOTONIC), cpuStart = nanoseconds(CLOCK_PROCESS_CPUTIME_ID)
        while sent < datagrams {
            let n = min(batchSize, datagrams - sent)
            for i in 0..<n {
                let seq = UInt64(sent + i).bigEndian
                withUnsafeBytes(of: seq) { s in template.withUnsafeMutableBytes { $0.copyMemory(from: s) } }
                send.append(template, to: destination)
            }
            while !send.isEmpty {
                let r = try tx.send(send)
                if r.dropped > 0 { throw ValidationError("the kernel refused datagrams: \(r.lastDropReason.map { "\($0)" } ?? "?")") }
                if r.wouldBlock { usleep(100) }
            }
            sent += n
            // Drain until this batch has arrived (or a second passes: count the rest lost).
            var got = 0
            while got < n {
                var p = pollfd(fd: rx.fileDescriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 1_000) == 1 else { break }
                let k = try rx.receive(into: receive)
                result.receiveCalls += 1
                got += k
                receive.forEach { d in
                    let seq = d.bytes.count >= 8 ? UInt64(bigEndian: d.bytes.loadUnaligned(as: UInt64.self)) : .max
                    if seq != expected || d.bytes.count != size { result.misordered += 1 }
                    expected = seq &+ 1
                }
            }
            result.received += got
            result.lost += max(0, n - got)
        }
        result.wallSeconds = Double(nanoseconds(CLOCK_MONOTONIC) - wallStart) / 1e9
        result.cpuSeconds = Double(nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart) / 1e9
        switch mode {
        case .mmsg: result.offloadNote = "off"
        case .gso:
            result.offloadNote = "GSO \(tx.isSegmentationOffloadEnabled ? "on" : "off (fell back \(tx.segmentationOffloadFallbacks)x)"), "
                + "GRO \(rx.isReceiveOffloadEnabled ? "on" : "off")"
        }
        return result
    }

    private static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
