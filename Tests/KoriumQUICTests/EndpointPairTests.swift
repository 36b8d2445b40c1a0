import KoriumCrypto
import KoriumTLS
import KoriumWire
import Testing

@testable import KoriumQUIC

/// A client and a server ``Endpoint`` joined in memory with a fixed one-way delay on a virtual
/// clock: datagrams go through the endpoints' routing, never straight to a connection.
struct EndpointPair {
    typealias F = EndpointFixtures
    var client: Endpoint
    var server: Endpoint
    var clientConnection: ConnectionConfiguration
    var now = F.start
    var oneWayDelay: Duration = .milliseconds(5)
    var inFlight: [(at: Instant, toServer: Bool, bytes: [UInt8])] = []
    var clientEvents: [EndpointEvent] = []
    var serverEvents: [EndpointEvent] = []
    var buffer = [UInt8](repeating: 0, count: 1500)
    /// Drops datagrams in transit when it returns false.
    var deliverIf: (Bool, [UInt8]) -> Bool = { _, _ in true }

    init(seed: UInt64 = 7, configureServer: (inout EndpointConfiguration) -> Void = { _ in }) {
        (client, server, clientConnection) = F.endpoints(seed: seed, configureServer: configureServer)
    }

    mutating func flush() {
        while let t = buffer.withUnsafeMutableBytes({ client.pollTransmit(into: $0, now: now) }) {
            let bytes = Array(buffer[0..<t.count])
            if deliverIf(true, bytes) { inFlight.append((now + oneWayDelay, true, bytes)) }
        }
        while let t = buffer.withUnsafeMutableBytes({ server.pollTransmit(into: $0, now: now) }) {
            let bytes = Array(buffer[0..<t.count])
            if deliverIf(false, bytes) { inFlight.append((now + oneWayDelay, false, bytes)) }
        }
        while let e = client.pollEvent() { clientEvents.append(e) }
        while let e = server.pollEvent() { serverEvents.append(e) }
    }

    /// Runs until `stop` holds or nothing happens before `limit`.
    mutating func run(for limit: Duration = .seconds(5), until stop: (EndpointPair) -> Bool = { _ in false }) {
        let end = now + limit
        flush()
        for _ in 0..<100_000 {
            if stop(self) { return }
            var next = inFlight.map(\.at).min()
            for d in [client.nextDeadline, server.nextDeadline] {
                if let d, next == nil || d < next! { next = d }
            }
            guard let t = next, t <= end else {
                now = end
                return
            }
            if t > now { now = t }
            if let index = inFlight.firstIndex(where: { $0.at <= now }) {
                var d = inFlight.remove(at: index)
                if d.toServer {
                    d.bytes.withUnsafeMutableBytes { server.handle(datagram: $0, from: F.clientAddress, now: now) }
                } else {
                    d.bytes.withUnsafeMutableBytes { client.handle(datagram: $0, from: F.serverAddress, now: now) }
                }
            } else {
                client.handleTimeout(now: now)
                server.handleTimeout(now: now)
            }
            flush()
        }
    }

    static func completed(_ events: [EndpointEvent]) -> Bool {
        events.contains { if case .connection(_, .handshakeCompleted) = $0 { return true } else { return false } }
    }

    static func closeError(_ events: [EndpointEvent]) -> ConnectionError? {
        for e in events { if case .connection(_, .closed(let error)) = e { return error } }
        return nil
    }
}

@Suite struct EndpointPairTests {
    typealias F = EndpointFixtures

    @Test func handshakeCompletesThroughBothEndpoints() throws {
        var pair = EndpointPair()
        let handle = try pair.client.connect(pair.clientConnection, to: F.serverAddress, now: pair.now)
        pair.run { EndpointPair.completed($0.clientEvents) && EndpointPair.completed($0.serverEvents) }
        #expect(EndpointPair.completed(pair.clientEvents))
        #expect(EndpointPair.completed(pair.serverEvents))
        #expect(pair.serverEvents.first.map { if case .incoming = $0 { return true } else { return false } } == true)
        #expect(pair.server.connectionCount == 1)
        #expect(!pair.client.sawRetry(handle))
        #expect(pair.server.stats.statelessResetsSent == 0)
    }

    @Test func forcedRetryThenHandshake() throws {
        var pair = EndpointPair { $0.retryPolicy = .always }
        let handle = try pair.client.connect(pair.clientConnection, to: F.serverAddress, now: pair.now)
        pair.run { EndpointPair.completed($0.clientEvents) && EndpointPair.completed($0.serverEvents) }
        #expect(pair.server.stats.retriesSent == 1)
        #expect(pair.client.sawRetry(handle))
        #expect(EndpointPair.completed(pair.clientEvents))
        #expect(EndpointPair.completed(pair.serverEvents))
        let server = try #require(pair.server.handles.first)
        #expect(pair.server.inspect(server) { $0.retrySourceConnectionID != nil } == true)
    }

    @Test func versionNegotiationThenHandshake() throws {
        var pair = EndpointPair()
        let handle = try pair.client.connect(pair.clientConnection, to: F.serverAddress, now: pair.now, offeringVersionFirst: 0x5a6a_7a8a)
        pair.run { EndpointPair.completed($0.clientEvents) && EndpointPair.completed($0.serverEvents) }
        #expect(pair.server.stats.versionNegotiationsSent == 1)
        #expect(pair.client.sawVersionNegotiation(handle))
        #expect(EndpointPair.completed(pair.clientEvents))
    }

    @Test func clientWithZeroLengthConnectionIDsIsRoutedByAddress() throws {
        var pair = EndpointPair()
        var clientConfig = pair.client.configuration
        clientConfig.localConnectionIDLength = 0
        pair.client = Endpoint(configuration: clientConfig)
        _ = try pair.client.connect(pair.clientConnection, to: F.serverAddress, now: pair.now)
        pair.run { EndpointPair.completed($0.clientEvents) && EndpointPair.completed($0.serverEvents) }
        #expect(EndpointPair.completed(pair.clientEvents))
        #expect(EndpointPair.completed(pair.serverEvents))
        // Short headers towards the client carry no connection ID and still arrive.
        let handle = try #require(pair.client.handles.first)
        _ = pair.client.withConnection(handle, now: pair.now) { $0.ping() }
        let routedBefore = pair.client.stats.datagramsRouted
        pair.run(for: .milliseconds(100))
        #expect(pair.client.stats.datagramsRouted > routedBefore)
        #expect(pair.client.stats.datagramsDropped == 0)
    }

    @Test func serverThatLostItsStateResetsTheClientStatelessly() throws {
        var pair = EndpointPair()
        _ = try pair.client.connect(pair.clientConnection, to: F.serverAddress, now: pair.now)
        pair.run { EndpointPair.completed($0.clientEvents) && EndpointPair.completed($0.serverEvents) }
        try #require(EndpointPair.completed(pair.clientEvents))
        pair.run(for: .milliseconds(100))
        // A restarted server: same reset key, no connections.
        let restarted = EndpointFixtures.endpoints(seed: 99).server
        pair.server = restarted
        let handle = try #require(pair.client.handles.first)
        _ = pair.client.withConnection(handle, now: pair.now) { $0.ping() }
        pair.run(for: .seconds(2)) { EndpointPair.closeError($0.clientEvents) != nil }
        #expect(pair.server.stats.statelessResetsSent >= 1)
        #expect(EndpointPair.closeError(pair.clientEvents) == .reset)
        #expect(pair.client.connectionCount == 0)
    }
}
