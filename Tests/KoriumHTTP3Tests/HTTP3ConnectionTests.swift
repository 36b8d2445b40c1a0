import KoriumCrypto
import KoriumSim
import KoriumQUIC
import KoriumTLS
import KoriumWire
import Testing

@testable import KoriumHTTP3

/// Two `HTTP3Connection`s over real QUIC `Connection`s joined in memory (no loss, 5 ms one way,
/// virtual clock); the server connection is created from the client's first Initial.
struct HTTP3ConnectionPair {
    static let clientAddress = PathAddress(ipv4: 0x7f00_0001, port: 50000)
    static let serverAddress = PathAddress(ipv4: 0x7f00_0001, port: 443)
    var client: HTTP3Connection
    var server: HTTP3Connection?
    var serverConfiguration: ConnectionConfiguration
    var now = Instant(nanoseconds: 1_000_000_000)
    var inFlight: [(at: Instant, toServer: Bool, bytes: [UInt8])] = []
    var buffer = [UInt8](repeating: 0, count: 1500)
    var clientEvents: [HTTP3Event] = []
    var serverEvents: [HTTP3Event] = []

    init() throws {
        let random = SeededByteSource(seed: 3)
        let clientKey = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x11, count: 32))
        let serverKey = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x22, count: 32))
        let h3 = Array("h3".utf8)
        var clientTLS = TLSConfiguration.peerToPeer(
            identity: clientKey, now: 1_800_000_000, expectedPeerKey: Array(serverKey.publicKey.rawRepresentation), alpnProtocols: [h3])
        var serverTLS = TLSConfiguration.peerToPeer(identity: serverKey, now: 1_800_000_000, alpnProtocols: [h3])
        clientTLS.randomBytes = { random.bytes($0) }
        serverTLS.randomBytes = { random.bytes($0) }
        var clientConfiguration = ConnectionConfiguration(tls: clientTLS)
        serverConfiguration = ConnectionConfiguration(tls: serverTLS)
        clientConfiguration.random = { random.fill($0) }
        serverConfiguration.random = { random.fill($0) }
        clientConfiguration.unixTime = { 1_800_000_000 }
        serverConfiguration.unixTime = { 1_800_000_000 }
        let connection = try Connection(client: clientConfiguration, remote: Self.serverAddress, now: now)
        client = HTTP3Connection(connection: connection)
    }

    mutating func flush() {
        client.process(now: now)
        while let event = client.pollEvent() { clientEvents.append(event) }
        while let t = buffer.withUnsafeMutableBytes({ client.connection.pollTransmit(into: $0, now: now) }) {
            inFlight.append((now + .milliseconds(5), true, Array(buffer[0..<t.count])))
        }
        guard server != nil else { return }
        server!.process(now: now)
        while let event = server!.pollEvent() { serverEvents.append(event) }
        while let t = buffer.withUnsafeMutableBytes({ server!.connection.pollTransmit(into: $0, now: now) }) {
            inFlight.append((now + .milliseconds(5), false, Array(buffer[0..<t.count])))
        }
    }

    mutating func deliver(_ datagram: (at: Instant, toServer: Bool, bytes: [UInt8])) throws {
        var bytes = datagram.bytes
        if datagram.toServer {
            if server == nil {
                let header = try bytes.withUnsafeBytes { try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }
                guard header.type == .initial else { return }
                var scid = [UInt8](repeating: 0, count: 8)
                scid.withUnsafeMutableBytes { serverConfiguration.random($0) }
                let connection = try Connection(
                    server: serverConfiguration, remote: Self.clientAddress, now: now,
                    originalDestinationCID: header.destinationConnectionID, initialDestinationCID: header.destinationConnectionID,
                    localCID: try ConnectionID(scid), retrySourceCID: nil, addressValidated: false)
                server = HTTP3Connection(connection: connection)
            }
            bytes.withUnsafeMutableBytes { server!.connection.handle(datagram: $0, from: Self.clientAddress, now: now) }
        } else {
            bytes.withUnsafeMutableBytes { client.connection.handle(datagram: $0, from: Self.serverAddress, now: now) }
        }
    }

    /// Runs the virtual clock until `done` or `limit` of virtual time passes.
    mutating func run(for limit: Duration, step: (inout HTTP3ConnectionPair) throws -> Void = { _ in },
                      until done: (HTTP3ConnectionPair) -> Bool) throws {
        let end = now + limit
        flush()
        while !done(self) {
            try step(&self)
            flush()
            var next = inFlight.map(\.at).min()
            for deadline in [client.connection.nextDeadline, server?.connection.nextDeadline] {
                if let deadline, next == nil || deadline < next! { next = deadline }
            }
            guard let at = next, at <= end else { return }
            if at > now { now = at }
            if let index = inFlight.firstIndex(where: { $0.at <= now }) {
                try deliver(inFlight.remove(at: index))
            } else {
                if let d = client.connection.nextDeadline, d <= now { client.connection.handleTimeout(now: now) }
                if server != nil, let d = server!.connection.nextDeadline, d <= now { server!.connection.handleTimeout(now: now) }
            }
            flush()
        }
    }
}

@Suite("HTTP/3 over KoriumQUIC Connection")
struct HTTP3ConnectionTests {
    @Test("GET of a 2 MiB body over a real QUIC connection pair arrives byte-exact, then a 404")
    func getOverQUIC() throws {
        var pair = try HTTP3ConnectionPair()
        let body = SeededByteSource(seed: 7).bytes(2 * 1024 * 1024)
        var fileStream: StreamID?, missingStream: StreamID?
        var answered = Set<StreamID>()
        try pair.run(for: .seconds(60), step: { pair in
            if fileStream == nil, pair.client.connection.isHandshakeComplete {
                fileStream = try pair.client.sendRequest(HTTP3Request(authority: "localhost", path: "/file"), now: pair.now)
                missingStream = try pair.client.sendRequest(HTTP3Request(authority: "localhost", path: "/nothing"), now: pair.now)
            }
            for case .request(let id, let request) in pair.serverEvents where !answered.contains(id) {
                answered.insert(id)
                let found = request.pathString == "/file"
                try pair.server!.sendResponse(HTTP3Response(status: found ? 200 : 404), on: id, body: found ? body : [], now: pair.now)
            }
        }, until: { pair in
            [fileStream, missingStream].allSatisfy { id in id.map { pair.clientEvents.contains(.finished($0)) } ?? false }
        })
        let file = try #require(fileStream), missing = try #require(missingStream)
        let received = pair.clientEvents.reduce(into: [UInt8]()) { if case .data(file, let bytes) = $1 { $0 += bytes } }
        #expect(received.count == body.count)
        #expect(received == body)
        #expect(pair.clientEvents.contains(.response(file, HTTP3Response(status: 200))))
        #expect(pair.clientEvents.contains(.response(missing, HTTP3Response(status: 404))))
        #expect(pair.clientEvents.contains(.settingsReceived(pair.server!.session.localSettings)))
        #expect(pair.client.session.closeError == nil && pair.server?.session.closeError == nil)
    }

    @Test("an HTTP/3 connection error closes the QUIC connection with the H3 code")
    func connectionErrorCloses() throws {
        var pair = try HTTP3ConnectionPair()
        try pair.run(for: .seconds(5), until: { $0.client.connection.isHandshakeComplete && $0.server?.session.peerSettings != nil })
        // The client closes with H3_GENERAL_PROTOCOL_ERROR; the server's connection sees the code.
        pair.client.close(.generalProtocolError, now: pair.now)
        try pair.run(for: .seconds(5), until: { if case .closed = $0.server!.connection.state { true } else { false } })
        guard case .closed(let error) = pair.server!.connection.state else {
            Issue.record("server connection not closed: \(pair.server!.connection.state)")
            return
        }
        #expect(error == .applicationClosed(code: HTTP3ErrorCode.generalProtocolError.rawValue, reason: Array("closed by the application".utf8)))
    }
}
