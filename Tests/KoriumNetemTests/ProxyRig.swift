import Glibc
import KoriumIO
import KoriumNetem
import KoriumSim
import Synchronization

/// What the echo server saw: who sent it, the bytes, when.
struct EchoRecord: Sendable {
    var source: SocketAddress
    var bytes: [UInt8]
    var at: ContinuousClock.Instant
}

/// A plain UDP echo server on its own loop that logs every datagram.
final class EchoServer: Sendable {
    let loop: EventLoop
    let socket: UDPSocket
    let log = Mutex<[EchoRecord]>([])

    init(address: SocketAddress) throws {
        loop = try EventLoop()
        socket = try UDPSocket(binding: address)
        let socket = self.socket
        try loop.submit { [self] context in
            let inbound = ReceiveBatch()
            let outbound = SendBatch()
            _ = try? context.register(fileDescriptor: socket.fileDescriptor, interest: .readable) { _ in
                while (try? socket.receive(into: inbound)) ?? 0 > 0 {
                    let now = ContinuousClock.now
                    inbound.forEach { d in
                        self.log.withLock { $0.append(EchoRecord(source: d.source, bytes: Array(d.bytes), at: now)) }
                        outbound.append(d.bytes, to: d.source)
                    }
                    _ = try? socket.send(outbound)
                    outbound.removeAll()
                }
            }
        }
    }

    var records: [EchoRecord] { log.withLock { $0 } }
}

struct RigTimeout: Error, CustomStringConvertible {
    var description: String
}

/// Echo server ← proxy ← client socket, all on loopback.
final class ProxyRig {
    let echo: EchoServer
    let loop: EventLoop
    let proxy: NetemProxy
    let client: UDPSocket
    private(set) var sent = 0
    private(set) var replies: [(bytes: [UInt8], source: SocketAddress, at: ContinuousClock.Instant)] = []
    private let batch = ReceiveBatch()

    init(ipv6: Bool = false, seed: UInt64 = 1, _ configure: (inout NetemProxyConfiguration) throws -> Void) throws {
        let loopback: SocketAddress = ipv6 ? .loopbackV6() : .loopbackV4()
        echo = try EchoServer(address: loopback)
        var configuration = NetemProxyConfiguration(listen: loopback, server: echo.socket.localAddress)
        configuration.seed = seed
        try configure(&configuration)
        proxy = try NetemProxy(configuration)
        loop = try EventLoop()
        try proxy.start(on: loop)
        var options = UDPSocket.Options()
        options.receiveBufferSize = 4 << 20
        client = try UDPSocket(binding: loopback, options: options)
    }

    deinit {
        loop.shutdown()
        echo.loop.shutdown()
    }

    /// Sends one datagram to the proxy.
    func send(_ bytes: [UInt8]) throws {
        let out = SendBatch(maxDatagrams: 1, byteCapacity: max(bytes.count, 1))
        out.append(bytes, to: proxy.listenAddress)
        let result = try client.send(out)
        precondition(result.sent == 1, "loopback send failed")
        sent += 1
    }

    /// Reads whatever replies wait.
    func drain() throws {
        while try client.receive(into: batch) > 0 {
            let now = ContinuousClock.now
            batch.forEach { d in replies.append((Array(d.bytes), d.source, now)) }
        }
    }

    /// Waits until every datagram sent has gone through proxy → echo → proxy → client (or was
    /// dropped on the way), by the proxy's own counters.
    func settle(timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            try drain()
            let s = proxy.stats
            let echoed = echo.log.withLock { $0.count }
            if s.clientToServer.received == sent, s.clientToServer.held == 0, echoed == s.clientToServer.forwarded,
               s.serverToClient.received == echoed, s.serverToClient.held == 0, replies.count == s.serverToClient.forwarded {
                return
            }
            guard ContinuousClock.now < deadline else {
                throw RigTimeout(description: "not settled: sent \(sent), echoed \(echoed), replies \(replies.count), \(s.line)")
            }
            usleep(2_000)
        }
    }
}

/// A payload carrying `index` in its first four bytes.
func indexed(_ index: Int, size: Int = 64) -> [UInt8] {
    var bytes = [UInt8](repeating: 0xA5, count: size)
    bytes[0] = UInt8(truncatingIfNeeded: index >> 24)
    bytes[1] = UInt8(truncatingIfNeeded: index >> 16)
    bytes[2] = UInt8(truncatingIfNeeded: index >> 8)
    bytes[3] = UInt8(truncatingIfNeeded: index)
    return bytes
}

/// The index in the first four bytes.
func index(of bytes: [UInt8]) -> Int {
    Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
}
