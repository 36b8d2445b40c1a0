import KoriumCrypto
import KoriumQUIC
import Testing

@testable import KoriumIO

/// PMTU discovery (RFC 9000 §14.3) between our endpoints over real loopback UDP: the sender's
/// probes are acknowledged and it moves to larger datagrams.
@Suite struct QUICPathMTUTests {
    /// Echoes 2 MB with both sides allowed `maxUDPPayload` bytes; returns the client's stats.
    static func echo(maxUDPPayload: Int?, receiveOffload: Bool = false) async throws -> ConnectionStats {
        let (clientConfig, serverConfig) = QUICEndpointTests.configs { client, server in
            if let maxUDPPayload {
                client.maxUDPPayloadSize = maxUDPPayload
                server.maxUDPPayloadSize = maxUDPPayload
            }
        }
        var serverEndpointConfig = QUICEndpoint.Configuration(server: serverConfig)
        var clientEndpointConfig = QUICEndpoint.Configuration(client: clientConfig)
        serverEndpointConfig.socket.receiveOffload = receiveOffload
        clientEndpointConfig.socket.receiveOffload = receiveOffload
        if let maxUDPPayload {
            serverEndpointConfig.maxReceivedDatagramSize = maxUDPPayload
            clientEndpointConfig.maxReceivedDatagramSize = maxUDPPayload
        }
        let server = try QUICEndpoint.bind(host: "127.0.0.1", port: 0, configuration: serverEndpointConfig)
        let client = try QUICEndpoint.bind(host: "127.0.0.1", port: 0, configuration: clientEndpointConfig)
        let serving = QUICEndpointTests.echoServer(server)
        defer { serving.cancel() }
        let stats = try await withTimeout(seconds: 60) {
            let connection = try await client.connect(to: server.localAddress)
            let stream = try await connection.openBidirectionalStream()
            let data = QUICEndpointTests.pattern(2 << 20, seed: 3)
            async let echoed = stream.readToEnd(limit: 4 << 20)
            try await stream.write(data, finish: true)
            let received = try await echoed
            #expect(received.count == data.count)
            #expect(SHA256.hash(received) == SHA256.hash(data))
            let stats = try await connection.stats()
            await connection.close()
            return stats
        }
        await client.close()
        await server.close()
        return stats
    }

    @Test func defaultsReachTheEthernetSizeOnLoopback() async throws {
        let stats = try await Self.echo(maxUDPPayload: nil)
        #expect(stats.maxDatagramSize == 1_452)
        #expect(stats.largestDatagramReceived == 1_452)
        #expect(stats.pmtuProbesLost == 0)
    }

    @Test func largeDatagramsWhenBothSidesAllowThem() async throws {
        let stats = try await Self.echo(maxUDPPayload: 16_000)
        #expect(stats.maxDatagramSize == 16_000)
        #expect(stats.largestDatagramReceived == 16_000)
    }

    /// GRO coalesces the peer's GSO runs into one receive slot; the driver sizes its slots for it.
    @Test func receiveOffloadWithLargeDatagrams() async throws {
        let stats = try await Self.echo(maxUDPPayload: nil, receiveOffload: true)
        #expect(stats.maxDatagramSize == 1_452)
        #expect(stats.largestDatagramReceived == 1_452)
    }
}
