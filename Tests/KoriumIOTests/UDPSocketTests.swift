import Glibc
import Testing
@testable import KoriumIO

@Suite("UDPSocket")
struct UDPSocketTests {
    @Test("binding a port in use is addressInUse, naming the address")
    func addressInUse() throws {
        let first = try UDPSocket(binding: .loopbackV4())
        let taken = first.localAddress
        #expect(taken.port != 0)
        #expect(throws: IOError.addressInUse(taken)) { try UDPSocket(binding: taken) }
        #expect(IOError.addressInUse(taken).description.contains("\(taken)"))
    }

    @Test("binding an address of no local interface is addressNotAvailable")
    func addressNotAvailable() throws {
        let foreign = try SocketAddress(parsing: "192.0.2.1:0")  // TEST-NET-1, never local
        #expect(throws: IOError.addressNotAvailable(foreign)) { try UDPSocket(binding: foreign) }
    }

    @Test("1,000 datagrams in batches arrive complete, in order, with pktinfo destination")
    func batch1000() throws {
        let rx = try UDPSocket(binding: .loopbackV4(), options: { var o = UDPSocket.Options(); o.receiveBufferSize = 4 << 20; return o }())
        let tx = try UDPSocket(binding: .loopbackV4())
        let total = 1_000, size = 1_200
        let batch = SendBatch(maxDatagrams: 64, byteCapacity: 64 * size)
        let receiveBatch = ReceiveBatch(maxMessages: 64, bufferSize: 2_048)
        var received: [(bytes: [UInt8], source: SocketAddress, destination: SocketAddress?, ecn: ECN)] = []
        var next = 0
        while next < total {
            while next < total && batch.append(payload(next, size: size), to: rx.localAddress) { next += 1 }
            let result = try tx.send(batch)
            #expect(result.dropped == 0)
            // Drain as we go so the receive buffer never overflows.
            received += try receive(rx, count: result.sent, batch: receiveBatch, milliseconds: 1_000).map { $0 }
        }
        received += try receive(rx, count: total - received.count, batch: receiveBatch)
        #expect(received.count == total)
        for (i, d) in received.enumerated() {
            #expect(d.bytes == payload(i, size: size), "datagram \(i) differs")
            #expect(d.source == tx.localAddress)
            #expect(d.destination == rx.localAddress)
        }
    }

    @Test("ECN marks are sent and reported (IPv4)")
    func ecnV4() throws {
        let rx = try UDPSocket(binding: .loopbackV4())
        let tx = try UDPSocket(binding: .loopbackV4())
        let batch = SendBatch()
        for (i, mark) in [ECN.ect0, .ect1, .congestionExperienced, .notECT].enumerated() {
            batch.append(payload(i, size: 100), to: rx.localAddress, ecn: mark)
        }
        #expect(try tx.send(batch).sent == 4)
        let got = try receive(rx, count: 4)
        #expect(got.map(\.ecn) == [.ect0, .ect1, .congestionExperienced, .notECT])
    }

    @Test("IPv6 loopback with pktinfo and ECN; v6-only refuses IPv4 peers", .enabled(if: hasIPv6Loopback))
    func ipv6() throws {
        var options = UDPSocket.Options()
        options.ipv6Only = true
        let rx = try UDPSocket(binding: .loopbackV6(), options: options)
        let tx = try UDPSocket(binding: .loopbackV6())
        let batch = SendBatch()
        batch.append(payload(1, size: 1_000), to: rx.localAddress, ecn: .ect0)
        #expect(try tx.send(batch).sent == 1)
        let got = try receive(rx, count: 1)
        #expect(got.count == 1)
        #expect(got.first?.bytes == payload(1, size: 1_000))
        #expect(got.first?.destination == rx.localAddress)
        #expect(got.first?.source == tx.localAddress)
        #expect(got.first?.ecn == .ect0)
    }

    @Test("dual-stack [::] socket sees IPv4 peers as IPv4", .enabled(if: hasIPv6Loopback))
    func dualStack() throws {
        let rx = try UDPSocket(binding: .anyV6())
        let tx = try UDPSocket(binding: .loopbackV4())
        let batch = SendBatch()
        batch.append(payload(3, size: 50), to: .loopbackV4(port: rx.localAddress.port))
        #expect(try tx.send(batch).sent == 1)
        let got = try receive(rx, count: 1)
        #expect(got.first?.source == tx.localAddress)
        #expect(got.first?.destination == .loopbackV4(port: rx.localAddress.port))
        // And back: an IPv4 destination through the IPv6 socket.
        batch.append(payload(4, size: 50), to: tx.localAddress, ecn: .ect1)
        #expect(try rx.send(batch).sent == 1)
        let back = try receive(tx, count: 1)
        #expect(back.first?.bytes == payload(4, size: 50))
        #expect(back.first?.ecn == .ect1)
    }

    @Test("undeliverable datagrams are dropped with a reason and the rest still go out")
    func dropsRefused() throws {
        let rx = try UDPSocket(binding: .loopbackV4())
        let tx = try UDPSocket(binding: .loopbackV4())
        let batch = SendBatch()
        batch.append(payload(0, size: 10), to: rx.localAddress)
        batch.append(payload(1, size: 10), to: .loopbackV6(port: 9))  // IPv6 through an IPv4 socket
        batch.append(payload(2, size: 10), to: rx.localAddress)
        let result = try tx.send(batch)
        #expect(result.sent == 2)
        #expect(result.dropped == 1)
        #expect(result.lastDropReason == .addressFamilyNotSupported(.sendmmsg)
            || result.lastDropReason == .invalidArgument(.sendmmsg))
        #expect(batch.isEmpty)
        #expect(try receive(rx, count: 2).map(\.bytes) == [payload(0, size: 10), payload(2, size: 10)])
    }

    @Test("GSO send and GRO receive carry 1,000 datagrams exactly (or fall back cleanly)")
    func gsoGro() throws {
        var rxOptions = UDPSocket.Options()
        rxOptions.receiveOffload = true
        rxOptions.receiveBufferSize = 8 << 20
        var txOptions = UDPSocket.Options()
        txOptions.segmentationOffload = true
        let rx = try UDPSocket(binding: .loopbackV4(), options: rxOptions)
        let tx = try UDPSocket(binding: .loopbackV4(), options: txOptions)
        let total = 1_000, size = 1_200
        let batch = SendBatch(maxDatagrams: 128, byteCapacity: 128 * size)
        let receiveBatch = ReceiveBatch(maxMessages: 8, bufferSize: KoriumIO.maxGROBufferSize)
        var received: [[UInt8]] = []
        var next = 0
        while next < total {
            // A short last datagram per batch exercises the "only the last segment may be shorter" rule.
            while next < total && batch.append(payload(next, size: next % 100 == 99 ? 333 : size), to: rx.localAddress) {
                next += 1
            }
            let result = try tx.send(batch)
            #expect(result.dropped == 0)
            received += try receive(rx, count: result.sent, batch: receiveBatch, milliseconds: 1_000).map(\.bytes)
        }
        #expect(received.count == total)
        for (i, bytes) in received.enumerated() {
            #expect(bytes == payload(i, size: i % 100 == 99 ? 333 : size), "datagram \(i) differs")
        }
        #expect(receiveBatch.truncatedCount == 0)
    }

    @Test("with GSO and GRO on loopback, a run of equal datagrams travels as one super-datagram", .enabled(if: hasUDPOffload))
    func gsoCoalesces() throws {
        var rxOptions = UDPSocket.Options()
        rxOptions.receiveOffload = true
        var txOptions = UDPSocket.Options()
        txOptions.segmentationOffload = true
        let rx = try UDPSocket(binding: .loopbackV4(), options: rxOptions)
        let tx = try UDPSocket(binding: .loopbackV4(), options: txOptions)
        let batch = SendBatch()
        for i in 0..<10 { batch.append(payload(i, size: 1_200), to: rx.localAddress) }
        batch.append(payload(10, size: 500), to: rx.localAddress)  // shorter last segment joins the run
        batch.append(payload(11, size: 1_200), to: rx.localAddress)  // after a short one: a new message
        #expect(try tx.send(batch).sent == 12)
        #expect(tx.segmentationOffloadFallbacks == 0)
        let receiveBatch = ReceiveBatch(maxMessages: 4, bufferSize: KoriumIO.maxGROBufferSize)
        var messages = 0
        var datagrams: [[UInt8]] = []
        while datagrams.count < 12, waitReadable(rx.fileDescriptor, milliseconds: 1_000) {
            _ = try rx.receive(into: receiveBatch)
            messages += receiveBatch.messageCount
            receiveBatch.forEach { datagrams.append(Array($0.bytes)) }
        }
        #expect(datagrams == (0..<12).map { payload($0, size: $0 == 10 ? 500 : 1_200) })
        #expect(messages == 2)
    }

    @Test("when the kernel refuses GSO (EINVAL), GSO is turned off and the datagrams still go out", .enabled(if: hasUDPOffload))
    func gsoFallback() throws {
        var txOptions = UDPSocket.Options()
        txOptions.segmentationOffload = true
        let rx = try UDPSocket(binding: .loopbackV4())
        let tx = try UDPSocket(binding: .loopbackV4(), options: txOptions)
        // SO_NO_CHECK (11): UDP without checksums, which the kernel refuses to segment
        // (udp_send_skb returns -EINVAL for a GSO send), while plain sends still work.
        var one: Int32 = 1
        try #require(setsockopt(tx.fileDescriptor, SOL_SOCKET, 11, &one, socklen_t(MemoryLayout<Int32>.size)) == 0)
        let batch = SendBatch()
        for i in 0..<10 { batch.append(payload(i, size: 1_200), to: rx.localAddress) }
        let result = try tx.send(batch)
        #expect(result.sent == 10)
        #expect(result.dropped == 0)
        #expect(!tx.isSegmentationOffloadEnabled)
        #expect(tx.segmentationOffloadFallbacks == 1)
        #expect(try receive(rx, count: 10).map(\.bytes) == (0..<10).map { payload($0, size: 1_200) })
    }

    @Test("socket options: buffer sizes applied, GSO probe, v6only")
    func options() throws {
        var options = UDPSocket.Options()
        options.receiveBufferSize = 1 << 18
        options.sendBufferSize = 1 << 18
        let s = try UDPSocket(binding: .loopbackV4(), options: options)
        #expect(s.receiveBufferSize >= 1 << 18)  // the kernel doubles the request (capped by rmem_max)
        #expect(s.sendBufferSize >= 1 << 17)
        #expect(!s.isSegmentationOffloadEnabled)  // not requested
        #expect(s.pollDescriptor == s.fileDescriptor)
    }

    @Test("SendBatch refuses when full and compacts after partial consumption")
    func sendBatchCapacity() throws {
        let batch = SendBatch(maxDatagrams: 4, byteCapacity: 100)
        let to = SocketAddress.loopbackV4(port: 9)
        #expect(batch.append([UInt8](repeating: 1, count: 60), to: to))
        #expect(!batch.append([UInt8](repeating: 2, count: 60), to: to))  // bytes full
        #expect(batch.append([UInt8](repeating: 3, count: 40), to: to))
        #expect(batch.count == 2)
        batch.consume(1)
        #expect(batch.append([UInt8](repeating: 4, count: 60), to: to))  // fits after compaction
        #expect(batch.count == 2)
        batch.withDatagram(at: 0) { _, bytes in #expect(Array(bytes) == [UInt8](repeating: 3, count: 40)) }
        batch.withDatagram(at: 1) { _, bytes in #expect(Array(bytes) == [UInt8](repeating: 4, count: 60)) }
        #expect(!batch.append([UInt8](repeating: 5, count: 101), to: to))
        batch.removeAll()
        #expect(batch.isEmpty)
    }
}
