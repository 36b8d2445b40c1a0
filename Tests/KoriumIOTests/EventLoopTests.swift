import Glibc
import Synchronization
import Testing
@testable import KoriumIO

/// An echo server on `loop`: every datagram is sent back to its source, from reused batches.
func startEcho(on loop: EventLoop, socket: UDPSocket) async throws {
    try await loop.execute { context in
        let inbound = ReceiveBatch()
        let outbound = SendBatch()
        _ = try context.register(fileDescriptor: socket.pollDescriptor, interest: .readable) { _ in
            guard (try? socket.receive(into: inbound)) ?? 0 > 0 else { return }
            inbound.forEach { d in outbound.append(d.bytes, to: d.source, ecn: d.ecn) }
            _ = try? socket.send(outbound)
            outbound.removeAll()  // a full socket buffer loses echoes, as UDP may
        }
    }
}

@Suite("EventLoop")
struct EventLoopTests {
    func echo(server: SocketAddress, client: SocketAddress) async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let serverSocket = try UDPSocket(binding: server)
        let clientSocket = try UDPSocket(binding: client)
        try await startEcho(on: loop, socket: serverSocket)
        let stream = try loop.datagrams(from: clientSocket)
        let count = 200, window = 20
        // Windows of 20 in flight keep both socket buffers far from overflowing even when the
        // machine is loaded, so every echo must come back.
        let echoed = try await withTimeout { () async throws -> [[UInt8]] in
            var all: [[UInt8]] = []
            var iterator = stream.makeAsyncIterator()
            let batch = SendBatch()
            for start in stride(from: 0, to: count, by: window) {
                for i in start..<(start + window) { batch.append(payload(i, size: 100 + i), to: serverSocket.localAddress) }
                #expect(try clientSocket.send(batch).sent == window)
                while all.count < start + window, let received = await iterator.next() {
                    for i in 0..<received.count {
                        #expect(received.datagrams[i].source == serverSocket.localAddress)
                        #expect(received.datagrams[i].destination == clientSocket.localAddress)
                        all.append(Array(received[i]))
                    }
                }
            }
            return all
        }
        #expect(echoed == (0..<count).map { payload($0, size: 100 + $0) })
        #expect(stream.droppedDatagrams == 0)
    }

    @Test("IPv4 echo through the loop")
    func echoV4() async throws {
        try await echo(server: .loopbackV4(), client: .loopbackV4())
    }

    @Test("IPv6 echo through the loop", .enabled(if: hasIPv6Loopback))
    func echoV6() async throws {
        try await echo(server: .loopbackV6(), client: .loopbackV6())
    }

    @Test("execute returns results and rethrows errors on the loop thread")
    func execute() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        #expect(!loop.isInLoopThread)
        let inLoop = try await loop.execute { _ in loop.isInLoopThread }
        #expect(inLoop)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await loop.execute { _ in throw Boom() } }
    }

    @Test("timers fire in deadline order, equal deadlines in scheduling order; cancelled ones never")
    func timers() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let fired = Mutex<[Int]>([])
        let done = try await loop.execute { context -> Bool in
            let base = context.now + .milliseconds(30)
            let offsets = [50, 10, 30, 10, 0, 40, 20]
            var ids: [TimerID] = []
            for (label, offset) in offsets.enumerated() {
                ids.append(try context.scheduleTimer(at: base + .milliseconds(offset)) { fired.withLock { $0.append(label) } })
            }
            #expect(context.cancelTimer(ids[2]))   // offset 30
            #expect(!context.cancelTimer(ids[2]))  // already cancelled
            #expect(context.timerCount == offsets.count - 1)
            return true
        }
        #expect(done)
        // Cross-thread scheduling and cancellation.
        let crossFired = Atomic<Int>(0)
        let keep = try loop.scheduleTimer(after: .milliseconds(5)) { crossFired.wrappingAdd(1, ordering: .relaxed) }
        let drop = try loop.scheduleTimer(after: .milliseconds(5)) { crossFired.wrappingAdd(100, ordering: .relaxed) }
        loop.cancelTimer(drop)
        _ = keep
        try await Task.sleep(for: .milliseconds(200))
        let order = try await loop.execute { context -> [Int] in
            #expect(context.timerCount == 0)
            return fired.withLock { $0 }
        }
        // offsets 0 (4), 10 (1), 10 (3), 20 (6), 40 (5), 50 (0); label 2 cancelled.
        #expect(order == [4, 1, 3, 6, 5, 0])
        let crossCount = crossFired.load(ordering: .relaxed)
        #expect(crossCount == 1)
    }

    @Test("timers never fire early")
    func timerNotEarly() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let start = ContinuousClock.now
        let elapsed = try await withTimeout { () async throws -> Duration in
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Duration, any Error>) in
                do {
                    try loop.scheduleTimer(after: .milliseconds(25)) { c.resume(returning: ContinuousClock.now - start) }
                } catch { c.resume(throwing: error) }
            }
        }
        #expect(elapsed >= .milliseconds(25))
    }

    @Test("shutdown runs accepted jobs, joins the thread, finishes streams, and rejects new work")
    func shutdownJoins() async throws {
        let loop = try EventLoop()
        let socket = try UDPSocket(binding: .loopbackV4())
        let stream = try loop.datagrams(from: socket)
        let slowJobDone = Atomic<Bool>(false)
        let closed = Atomic<Bool>(false)
        let other = try UDPSocket(binding: .loopbackV4())
        try loop.submit { context in
            _ = try? context.register(fileDescriptor: other.pollDescriptor, interest: .writable,
                                      onClose: { closed.store(true, ordering: .relaxed) }) { _ in }
        }
        try loop.submit { _ in
            usleep(50_000)
            slowJobDone.store(true, ordering: .relaxed)
        }
        try loop.scheduleTimer(after: .seconds(3600)) {}
        #expect(loop.isRunning)
        loop.shutdown()
        #expect(!loop.isRunning)
        let jobFinished = slowJobDone.load(ordering: .relaxed)
        let registrationClosed = closed.load(ordering: .relaxed)
        #expect(jobFinished)  // joined after the job, not before
        #expect(registrationClosed)
        #expect(throws: IOError.loopShutDown) { try loop.submit { _ in } }
        await #expect(throws: IOError.loopShutDown) { try await loop.execute { _ in 1 } }
        // The datagram stream ended with the loop.
        let ended = try await withTimeout {
            for await _ in stream {}
            return true
        }
        #expect(ended)
        loop.shutdown()  // idempotent
    }

    @Test("a slow consumer gets bounded buffering and counted drops")
    func backPressure() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let rx = try UDPSocket(binding: .loopbackV4(), options: { var o = UDPSocket.Options(); o.receiveBufferSize = 4 << 20; return o }())
        let tx = try UDPSocket(binding: .loopbackV4())
        let stream = try loop.datagrams(from: rx, maxMessages: 8, bufferedBatches: 2)
        let total = 400
        let batch = SendBatch(maxDatagrams: 8, byteCapacity: 8 * 64)
        for i in 0..<total {
            // Small groups, so the loop reads several batches while nobody consumes.
            batch.append(payload(i, size: 64), to: rx.localAddress)
            if batch.count == 8 { _ = try tx.send(batch); usleep(200) }
        }
        _ = try tx.send(batch)
        let deadline = ContinuousClock.now + .seconds(5)
        while stream.receivedDatagrams < total && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(stream.receivedDatagrams == total)
        #expect(stream.droppedDatagrams > 0)
        let delivered = try await withTimeout {
            var n = 0
            var iterator = stream.makeAsyncIterator()
            for _ in 0..<2 { n += await iterator.next()?.count ?? 0 }  // the two buffered batches
            return n
        }
        #expect(delivered <= 16)
        #expect(delivered + stream.droppedDatagrams == total)
    }

    @Test("registration errors are typed")
    func registrationErrors() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let socket = try UDPSocket(binding: .loopbackV4())
        let second = try await loop.execute { context -> IOError? in
            _ = try context.register(fileDescriptor: socket.fileDescriptor, interest: .readable) { _ in }
            do throws(IOError) {
                _ = try context.register(fileDescriptor: socket.fileDescriptor, interest: .readable) { _ in }
                return nil
            } catch { return error }
        }
        #expect(second == .alreadyRegistered)
        let bad = try await loop.execute { context -> IOError? in
            do throws(IOError) {
                _ = try context.register(fileDescriptor: -1, interest: .readable) { _ in }
                return nil
            } catch { return error }
        }
        #expect(bad == IOError.system(.epollControl, errno: EBADF))
    }
}
