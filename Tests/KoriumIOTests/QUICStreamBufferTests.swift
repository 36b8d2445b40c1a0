import KoriumCrypto
import KoriumQUIC
import Testing

@testable import KoriumIO

/// `QUICStream.read(into:)` (a caller buffer filled in place) and the mailbox path that
/// `write`/`finish`/`read(into:)` take to the loop thread: results, one-at-a-time rule and
/// cancellation match the general path.
@Suite struct QUICStreamBufferTests {
    typealias Base = QUICEndpointTests

    /// Reads the whole stream through one reused buffer.
    static func readAll(_ stream: QUICStream, bufferSize: Int) async throws -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while let n = try await stream.read(into: buffer) {
            #expect(n > 0 && n <= bufferSize)
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    @Test func twoMegabytesReadIntoACallerBuffer() async throws {
        let (server, client) = try Base.endpoints()
        let serving = Base.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let stream = try await connection.openBidirectionalStream()
            let data = Base.pattern(2 << 20, seed: 11)
            // An odd buffer size: reads end at arbitrary offsets inside packets.
            async let echoed = Self.readAll(stream, bufferSize: 1_777)
            try await stream.write(data, finish: true)
            let received = try await echoed
            #expect(received.count == data.count)
            #expect(SHA256.hash(received) == SHA256.hash(data))
            // After the end, both read forms return nil at once.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
            defer { buffer.deallocate() }
            #expect(try await stream.read(into: buffer) == nil)
            #expect(try await stream.read() == nil)
        }
        await client.close()
        await server.close()
    }

    @Test func cancelledReadIntoLeavesTheStreamUsableAndASecondReadIsRefused() async throws {
        let (server, client) = try Base.endpoints()
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            let serverSide = try await accepted
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(Array("ping".utf8))
            var iterator = serverSide.incomingStreams.makeAsyncIterator()
            let incoming = try #require(await iterator.next())
            let first = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
            let second = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
            defer {
                first.deallocate()
                second.deallocate()
            }
            let n = try await incoming.read(into: first)
            #expect(n == 4 && Array(first[0..<4]) == Array("ping".utf8))
            // Nothing more is coming yet: a read waits; a second concurrent read is refused.
            let lentFirst = LentBuffer(bytes: first)
            let pending = Task { try await incoming.read(into: lentFirst.bytes) }
            try await Task.sleep(for: .milliseconds(50))
            await #expect(throws: QUICError.stream(.notReadable)) { _ = try await incoming.read(into: second) }
            pending.cancel()
            await #expect(throws: CancellationError.self) { _ = try await pending.value }
            // The cancelled read consumed nothing.
            try await stream.write(Array("pong".utf8), finish: true)
            #expect(try await Self.readAll(incoming, bufferSize: 3) == Array("pong".utf8))
        }
        await client.close()
        await server.close()
    }

    @Test func writeBlockedByFlowControlIsCancelledAndASecondWriteIsRefused() async throws {
        let (server, client) = try Base.endpoints { c, s in
            s.transportParameters.initialMaxData = 16_384
            s.transportParameters.initialMaxStreamDataBidiRemote = 4_096
            s.maxStreamReceiveWindow = 8_192
            s.maxConnectionReceiveWindow = 16_384
            c.streamSendBufferSize = 8_192
        }
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            let serverSide = try await accepted
            let stream = try await connection.openBidirectionalStream()
            // The server never reads: the write fills the window and the send buffer, then waits.
            let pending = Task { try await stream.write(Base.pattern(200_000)) }
            var incoming = serverSide.incomingStreams.makeAsyncIterator()
            let serverStream = try #require(await incoming.next())
            try await Task.sleep(for: .milliseconds(100))
            await #expect(throws: QUICError.stream(.notWritable)) { try await stream.write([1]) }
            pending.cancel()
            await #expect(throws: CancellationError.self) { try await pending.value }
            // Part of the bytes had been accepted: the sending part is reset (error 0x0c).
            await #expect(throws: QUICError.stream(.resetByPeer(errorCode: DriverState.cancelledWriteErrorCode))) {
                while try await serverStream.read() != nil {}
            }
        }
        await client.close()
        await server.close()
    }

    @Test func tasksOnTheEndpointLoopTransferAndResumeOnTheLoopThread() async throws {
        let (server, client) = try Base.endpoints()
        let serving = Task {
            await withTaskExecutorPreference(server.taskExecutor) {
                while let connection = try? await server.accept() {
                    for await stream in connection.incomingStreams {
                        guard let data = try? await stream.readToEnd(limit: 4 << 20) else { continue }
                        try? await stream.write(data, finish: true)
                    }
                }
            }
        }
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            try await withTaskExecutorPreference(client.taskExecutor) {
                let connection = try await client.connect(to: server.localAddress)
                let stream = try await connection.openBidirectionalStream()
                let data = Base.pattern(1 << 20, seed: 5)
                try await stream.write(data, finish: true)
                // Every resumption of this task lands on the client endpoint's loop thread.
                #expect(client.driver.loop.isInLoopThread)
                let received = try await Self.readAll(stream, bufferSize: 65_536)
                #expect(client.driver.loop.isInLoopThread)
                #expect(SHA256.hash(received) == SHA256.hash(data))
            }
        }
        await client.close()
        await server.close()
    }
}
