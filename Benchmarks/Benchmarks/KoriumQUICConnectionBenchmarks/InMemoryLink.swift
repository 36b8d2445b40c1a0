// A client and a server `Endpoint` joined in memory: no sockets, a virtual clock, datagrams
// handed over at once (zero delay, no loss). Used for the steady-state bulk benchmark and the
// idle-connection memory figure. ChaCha20-Poly1305 only, pinned Ed25519 keys, the
// configuration's default datagram sizes (PMTU discovery from 1200 bytes up to its ceiling).
import KoriumCrypto
import KoriumQUIC
import KoriumTLS

struct InMemoryLink {
    static let serverAddress = PathAddress(ipv4: 0x0a00_0002, port: 443)
    static let unixTime: Int64 = 1_800_000_000

    var server: Endpoint
    var client: Endpoint
    var clientConfiguration: ConnectionConfiguration
    var now = Instant(nanoseconds: 1_000_000_000)
    /// One transmit at a time (GSO batches are split when delivered).
    let scratch: UnsafeMutableRawBufferPointer
    /// Where the server's reads land.
    let sink: UnsafeMutableRawBufferPointer
    /// Datagrams the client sent (packets of the bulk direction) and bytes the server read.
    var clientDatagrams = 0
    /// The largest datagram the client sent (PMTU discovery raises it from 1200 bytes).
    var largestClientDatagram = 0
    var bytesRead = 0
    var serverHandles: [ConnectionHandle] = []
    var established = 0

    init() {
        let serverKey = Self.key(0x52), clientKey = Self.key(0x43)
        var clientTLS = TLSConfiguration.peerToPeer(
            identity: clientKey, now: Self.unixTime, expectedPeerKey: serverKey.publicKey.rawRepresentation,
            alpnProtocols: [Array("perf".utf8)])
        var serverTLS = TLSConfiguration.peerToPeer(identity: serverKey, now: Self.unixTime, alpnProtocols: [Array("perf".utf8)])
        clientTLS.cipherSuites = [.chacha20Poly1305SHA256]
        serverTLS.cipherSuites = [.chacha20Poly1305SHA256]
        var clientConnection = ConnectionConfiguration(tls: clientTLS)
        var serverConnection = ConnectionConfiguration(tls: serverTLS)
        clientConnection.unixTime = { Self.unixTime }
        serverConnection.unixTime = { Self.unixTime }
        var serverConfig = EndpointConfiguration(server: serverConnection)
        serverConfig.maxConnections = 4_096
        server = Endpoint(configuration: serverConfig)
        client = Endpoint(configuration: EndpointConfiguration())
        clientConfiguration = clientConnection
        scratch = .allocate(byteCount: 65_536, alignment: 16)
        sink = .allocate(byteCount: 65_536, alignment: 16)
    }

    static func key(_ byte: UInt8) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: byte, count: 32)) } catch { preconditionFailure("seed") }
    }

    /// The client endpoint's one address (one socket, as `korium quic-client --concurrent` has).
    static let clientAddress = PathAddress(ipv4: 0x0a00_0001, port: 50_000)

    /// Opens a connection and runs the exchange until both sides have completed the handshake.
    mutating func connect() throws -> ConnectionHandle {
        let handle = try client.connect(clientConfiguration, to: Self.serverAddress, now: now)
        let before = established
        for _ in 0..<1_000 {
            exchange(from: Self.clientAddress)
            if established >= before + 2 { return handle }
            now = now + .microseconds(100)
            timers()
        }
        preconditionFailure("handshake did not complete")
    }

    /// Delivers everything either side has to send, until both are quiet.
    mutating func exchange(from clientAddress: PathAddress) {
        var moved = true
        while moved {
            moved = false
            while let t = client.pollTransmit(into: scratch, now: now) {
                moved = true
                deliver(t, to: true, from: clientAddress)
            }
            while let t = server.pollTransmit(into: scratch, now: now) {
                moved = true
                deliver(t, to: false, from: Self.serverAddress)
            }
            drainEvents()
        }
    }

    /// Hands one transmit (one datagram, or a GSO batch split into its datagrams) to the other side.
    mutating func deliver(_ t: Transmit, to toServer: Bool, from source: PathAddress) {
        let segment = t.segmentSize ?? t.count
        var offset = 0
        while offset < t.count {
            let n = min(segment, t.count - offset)
            let datagram = UnsafeMutableRawBufferPointer(rebasing: scratch[offset..<(offset + n)])
            if toServer {
                clientDatagrams += 1
                largestClientDatagram = max(largestClientDatagram, n)
                server.handle(datagram: datagram, from: source, now: now)
            } else {
                client.handle(datagram: datagram, from: source, now: now)
            }
            offset += n
        }
    }

    /// Reads whatever the server's streams have (discarding it) and notes handshakes.
    mutating func drainEvents() {
        while let event = server.pollEvent() {
            switch event {
            case .incoming(let h): serverHandles.append(h)
            case .connection(_, .handshakeCompleted): established += 1
            case .connection(let h, .streamReadable(let id)):
                let sink = self.sink
                var total = 0
                _ = server.withConnection(h, now: now) { c in
                    while let r = try? c.read(id, into: sink), r.count > 0 { total += r.count }
                }
                bytesRead += total
            default: break
            }
        }
        while let event = client.pollEvent() {
            if case .connection(_, .handshakeCompleted) = event { established += 1 }
        }
    }

    /// Fires due timers on both sides.
    mutating func timers() {
        if let d = client.nextDeadline, d <= now { client.handleTimeout(now: now) }
        if let d = server.nextDeadline, d <= now { server.handleTimeout(now: now) }
    }
}
