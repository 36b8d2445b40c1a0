import KoriumCrypto
import KoriumQUIC
import KoriumTLS
import Synchronization
import Testing

@testable import KoriumIO

/// Our QUIC client and server over real loopback UDP through the async API.
@Suite struct QUICEndpointTests {
    static let serverKey = key(0x31)
    static let clientKey = key(0x32)

    static func key(_ byte: UInt8) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: byte, count: 32)) } catch { preconditionFailure("seed") }
    }

    static func configs(
        alpn: String = "perf", configure: (inout ConnectionConfiguration, inout ConnectionConfiguration) -> Void = { _, _ in }
    ) -> (client: ConnectionConfiguration, server: ConnectionConfiguration) {
        let now: Int64 = 1_800_000_000
        var client = ConnectionConfiguration(tls: .peerToPeer(
            identity: clientKey, now: now, expectedPeerKey: serverKey.publicKey.rawRepresentation, alpnProtocols: [Array(alpn.utf8)]))
        var server = ConnectionConfiguration(tls: .peerToPeer(identity: serverKey, now: now, alpnProtocols: [Array(alpn.utf8)]))
        client.unixTime = { now }
        server.unixTime = { now }
        configure(&client, &server)
        return (client, server)
    }

    /// A server and a client endpoint on 127.0.0.1.
    static func endpoints(
        retry: RetryPolicy = .never,
        configure: (inout ConnectionConfiguration, inout ConnectionConfiguration) -> Void = { _, _ in }
    ) throws -> (server: QUICEndpoint, client: QUICEndpoint) {
        let (client, server) = configs(configure: configure)
        var serverConfig = QUICEndpoint.Configuration(server: server)
        serverConfig.endpoint.retryPolicy = retry
        let serverEndpoint = try QUICEndpoint.bind(host: "127.0.0.1", port: 0, configuration: serverConfig)
        let clientEndpoint = try QUICEndpoint.bind(host: "127.0.0.1", port: 0, configuration: .init(client: client))
        return (serverEndpoint, clientEndpoint)
    }

    static func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) }
    }

    /// Serves every bidirectional stream of every accepted connection by echoing it back.
    static func echoServer(_ server: QUICEndpoint) -> Task<Void, Never> {
        Task {
            while let connection = try? await server.accept() {
                Task {
                    await withTaskGroup(of: Void.self) { group in
                        for await stream in connection.incomingStreams {
                            group.addTask {
                                guard let data = try? await stream.readToEnd(limit: 64 << 20) else { return }
                                try? await stream.write(data, finish: true)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func handshakeAndEchoOverLoopback() async throws {
        let (server, client) = try Self.endpoints()
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 20) {
            let connection = try await client.connect(to: server.localAddress, serverName: "localhost")
            #expect(connection.alpn == "perf")
            #expect(connection.peerPublicKey == Self.serverKey.publicKey.rawRepresentation)
            #expect(!connection.sawRetry && !connection.sawVersionNegotiation)
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(Array("hello".utf8), finish: true)
            #expect(try await stream.readToEnd(limit: 100) == Array("hello".utf8))
            #expect(try await stream.read() == nil)
            await connection.close()
        }
        await client.close()
        await server.close()
    }

    @Test func twoMegabytesEchoedIntact() async throws {
        let (server, client) = try Self.endpoints()
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let stream = try await connection.openBidirectionalStream()
            let data = Self.pattern(2 << 20, seed: 7)
            async let echoed = stream.readToEnd(limit: 4 << 20)
            try await stream.write(data, finish: true)
            let received = try await echoed
            #expect(received.count == data.count)
            #expect(SHA256.hash(received) == SHA256.hash(data))
        }
        await client.close()
        await server.close()
    }

    @Test func oneThousandStreamsWithAHundredStreamLimit() async throws {
        let (server, client) = try Self.endpoints()
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<1_000 {
                    group.addTask {
                        let stream = try await connection.openBidirectionalStream()
                        let message = Array("stream \(i)".utf8)
                        try await stream.write(message, finish: true)
                        return try await stream.readToEnd(limit: 100) == message
                    }
                }
                var all = 0
                for try await result in group where result { all += 1 }
                return all
            }
            #expect(ok == 1_000)
        }
        await client.close()
        await server.close()
    }

    @Test func transferLimitedBySmallFlowControlWindows() async throws {
        let (server, client) = try Self.endpoints { c, s in
            s.transportParameters.initialMaxData = 16_384
            s.transportParameters.initialMaxStreamDataBidiRemote = 4_096
            s.maxStreamReceiveWindow = 8_192
            s.maxConnectionReceiveWindow = 16_384
            c.transportParameters.initialMaxData = 16_384
            c.transportParameters.initialMaxStreamDataBidiLocal = 4_096
            c.maxStreamReceiveWindow = 8_192
            c.maxConnectionReceiveWindow = 16_384
        }
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let stream = try await connection.openBidirectionalStream()
            let data = Self.pattern(300_000, seed: 3)
            async let echoed = stream.readToEnd(limit: 1 << 20)
            try await stream.write(data, finish: true)
            #expect(try await echoed == data)
        }
        await client.close()
        await server.close()
    }

    @Test func idleTimeoutClosesBothSides() async throws {
        let (server, client) = try Self.endpoints { c, s in
            c.transportParameters.maxIdleTimeout = 300
            s.transportParameters.maxIdleTimeout = 300
        }
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            let serverSide = try await accepted
            let start = ContinuousClock.now
            #expect(try await connection.waitClosed() == .timedOut)
            #expect(try await serverSide.waitClosed() == .timedOut)
            // A bound far below the 30 s default idle timeout, far above 300 ms: a loaded
            // machine may delay the wake-ups by seconds, never by tens of seconds.
            #expect(ContinuousClock.now - start < .seconds(15))
        }
        await client.close()
        await server.close()
    }

    @Test func vanishedPeerFailsAPendingReadWithinTheIdleTimeout() async throws {
        let (server, client) = try Self.endpoints { c, s in
            // Keep-alives hold the connection open however slowly a loaded machine runs the
            // test until the server vanishes; then nothing answers and the idle timer fires.
            c.transportParameters.maxIdleTimeout = 1_000
            s.transportParameters.maxIdleTimeout = 1_000
            c.keepAliveInterval = .milliseconds(200)
            s.keepAliveInterval = .milliseconds(200)
        }
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            _ = try await accepted
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(Array("request".utf8))
            // The server's thread stops without a CONNECTION_CLOSE: packets now vanish.
            server.driver.loop.shutdown()
            let start = ContinuousClock.now
            await #expect(throws: QUICError.connectionClosed(.timedOut)) { _ = try await stream.read() }
            // Far below the 30 s default idle timeout (see idleTimeoutClosesBothSides).
            #expect(ContinuousClock.now - start < .seconds(15))
        }
        await client.close()
    }

    @Test func forcedRetryAndVersionNegotiationAreVisibleToTheClient() async throws {
        let (server, client) = try Self.endpoints(retry: .always)
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 20) {
            let first = try await client.connect(to: server.localAddress)
            #expect(first.sawRetry)
            let second = try await client.connect(to: server.localAddress, offeringVersionFirst: 0x1a2a_3a4a)
            #expect(second.sawVersionNegotiation && second.sawRetry)
            let stream = try await second.openBidirectionalStream()
            try await stream.write([1, 2, 3], finish: true)
            #expect(try await stream.readToEnd(limit: 10) == [1, 2, 3])
        }
        let stats = try await server.stats()
        #expect(stats.retriesSent == 2 && stats.versionNegotiationsSent == 1)
        await client.close()
        await server.close()
    }

    @Test func keyUpdatesDuringATransfer() async throws {
        let (server, client) = try Self.endpoints { c, _ in c.keyUpdateInterval = 200 }
        let serving = Self.echoServer(server)
        defer { serving.cancel() }
        try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let stream = try await connection.openBidirectionalStream()
            let data = Self.pattern(1 << 20, seed: 11)
            async let echoed = stream.readToEnd(limit: 2 << 20)
            try await stream.write(data, finish: true)
            #expect(try await echoed == data)
            #expect(try await connection.stats().keyUpdates >= 2)
        }
        await client.close()
        await server.close()
    }

    @Test func cancelledReadLeavesTheStreamUsable() async throws {
        let (server, client) = try Self.endpoints()
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            let serverSide = try await accepted
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(Array("ping".utf8))
            var iterator = serverSide.incomingStreams.makeAsyncIterator()
            let incoming = try #require(await iterator.next())
            #expect(try await incoming.read() == Array("ping".utf8))
            // Nothing more is coming yet: a read waits, and cancelling it throws CancellationError.
            let pending = Task { try await incoming.read() }
            try await Task.sleep(for: .milliseconds(50))
            pending.cancel()
            await #expect(throws: CancellationError.self) { _ = try await pending.value }
            try await stream.write(Array("pong".utf8), finish: true)
            #expect(try await incoming.readToEnd(limit: 10) == Array("pong".utf8))
        }
        await client.close()
        await server.close()
    }

    @Test func datagramsResetAndStopSendingReachThePeer() async throws {
        let (server, client) = try Self.endpoints()
        try await withTimeout(seconds: 20) {
            async let accepted = server.accept()
            let connection = try await client.connect(to: server.localAddress)
            let serverSide = try await accepted
            // RFC 9221 datagram, client → server.
            try await connection.sendDatagram([1, 2, 3])
            var datagrams = serverSide.datagrams.makeAsyncIterator()
            #expect(await datagrams.next() == [1, 2, 3])
            // RESET_STREAM: the server's read ends with the client's error code.
            let stream = try await connection.openBidirectionalStream()
            try await stream.write(Array("abc".utf8))
            var incoming = serverSide.incomingStreams.makeAsyncIterator()
            let serverStream = try #require(await incoming.next())
            try await stream.reset(code: 7)
            await #expect(throws: QUICError.stream(.resetByPeer(errorCode: 7))) {
                while try await serverStream.read() != nil {}
            }
            // STOP_SENDING: the client's writes fail with the server's code.
            let second = try await connection.openBidirectionalStream()
            try await second.write([0])
            let serverSecond = try #require(await incoming.next())
            try await serverSecond.stopSending(code: 9)
            await #expect(throws: QUICError.stream(.stoppedByPeer(errorCode: 9))) {
                for _ in 0..<1_000 {
                    try await second.write([UInt8](repeating: 1, count: 1_000))
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        await client.close()
        await server.close()
    }

    @Test func socketAndPathAddressesConvertBothWays() throws {
        let v4 = try SocketAddress(parsing: "192.0.2.7:4433")
        #expect(PathAddress(v4) == PathAddress(ipv4: 0xc000_0207, port: 4433))
        #expect(SocketAddress(PathAddress(v4)) == v4)
        let v6 = try SocketAddress(parsing: "[2001:db8::1]:443")
        #expect(PathAddress(v6) == PathAddress(ipv6: 0x2001_0db8_0000_0000, low: 1, port: 443))
        #expect(SocketAddress(PathAddress(v6)) == v6)
        // An IPv4-mapped IPv6 source (dual-stack socket) is the IPv4 peer.
        let mapped = try SocketAddress(parsing: "[::ffff:192.0.2.7]:4433")
        #expect(PathAddress(mapped) == PathAddress(v4))
    }

    @Test func closedEndpointFailsPendingCalls() async throws {
        let (server, _) = try Self.endpoints()
        let waiting = Task { try await server.accept() }
        try await Task.sleep(for: .milliseconds(20))
        await server.close()
        await #expect(throws: QUICError.endpointClosed) { _ = try await waiting.value }
        await #expect(throws: QUICError.endpointClosed) { _ = try await server.accept() }
    }
}
