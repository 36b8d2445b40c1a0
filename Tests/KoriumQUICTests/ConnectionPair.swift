import KoriumWire
import KoriumCrypto
import KoriumSim
import KoriumTLS

@testable import KoriumQUIC

enum TestIdentities {
    static let clientKey = fixedKey(0x11)
    static let serverKey = fixedKey(0x22)
    static let unixTime: Int64 = 1_800_000_000

    static func fixedKey(_ byte: UInt8) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: byte, count: 32)) } catch { preconditionFailure("seed") }
    }

    /// Client and server configurations in peer-to-peer mode, the client pinning the server key.
    static func configurations(seed: UInt64 = 1, alpn: [UInt8] = Array("korium-test".utf8)) -> (client: ConnectionConfiguration, server: ConnectionConfiguration) {
        let random = SeededByteSource(seed: seed)
        var clientTLS = TLSConfiguration.peerToPeer(
            identity: clientKey, now: unixTime, expectedPeerKey: Array(serverKey.publicKey.rawRepresentation), alpnProtocols: [alpn])
        var serverTLS = TLSConfiguration.peerToPeer(identity: serverKey, now: unixTime, alpnProtocols: [alpn])
        serverTLS.clientAuthentication = .required
        clientTLS.randomBytes = { random.bytes($0) }
        serverTLS.randomBytes = { random.bytes($0) }
        var client = ConnectionConfiguration(tls: clientTLS)
        var server = ConnectionConfiguration(tls: serverTLS)
        client.random = { random.fill($0) }
        server.random = { random.fill($0) }
        client.unixTime = { unixTime }
        server.unixTime = { unixTime }
        client.statelessResetKey = SecureBytes([UInt8](repeating: 0xc1, count: 32))
        server.statelessResetKey = SecureBytes([UInt8](repeating: 0x5e, count: 32))
        return (client, server)
    }
}

/// A client and a server `Connection` joined in memory by a perfect (or tampered) link with a
/// fixed one-way delay, on a virtual clock. The server is created from the client's first
/// Initial the way an endpoint would.
struct ConnectionPair {
    static let clientAddress = PathAddress(ipv4: 0x0a00_0001, port: 4000)
    static let serverAddress = PathAddress(ipv4: 0x0a00_0002, port: 443)

    var client: Connection
    var server: Connection?
    var serverConfig: ConnectionConfiguration
    var now = Instant(nanoseconds: 1_000_000_000)
    var oneWayDelay: Duration = .milliseconds(10)
    /// In-flight datagrams: arrival time, destination is server?, bytes.
    var inFlight: [(at: Instant, toServer: Bool, bytes: [UInt8])] = []
    var clientEvents: [ConnectionEvent] = []
    var serverEvents: [ConnectionEvent] = []
    /// Every datagram delivered, for traces.
    var delivered = 0
    /// Rewrites or drops datagrams in transit (return nil to drop).
    var tamper: ((Bool, [UInt8]) -> [UInt8]?)?
    var buffer = [UInt8](repeating: 0, count: 1500)
    /// The client's address as the server sees it (a test changes it to simulate a NAT
    /// rebinding); server datagrams addressed elsewhere, or to a dead address, are lost.
    var clientSource = ConnectionPair.clientAddress
    var deadAddresses: Set<PathAddress> = []
    /// Server datagrams lost because of their destination.
    var misaddressedDrops = 0

    init(seed: UInt64 = 1, configure: (inout ConnectionConfiguration, inout ConnectionConfiguration) -> Void = { _, _ in }) throws {
        var (c, s) = TestIdentities.configurations(seed: seed)
        configure(&c, &s)
        serverConfig = s
        client = try Connection(client: c, remote: Self.serverAddress, now: now)
    }

    /// Collects what both sides want to send now.
    mutating func flush() {
        while let t = buffer.withUnsafeMutableBytes({ client.pollTransmit(into: $0, now: now) }) {
            send(Array(buffer[0..<t.count]), toServer: true)
        }
        if server != nil {
            while let t = buffer.withUnsafeMutableBytes({ server!.pollTransmit(into: $0, now: now) }) {
                guard t.destination == clientSource, !deadAddresses.contains(t.destination) else {
                    misaddressedDrops += 1
                    continue
                }
                send(Array(buffer[0..<t.count]), toServer: false)
            }
        }
        while let e = client.pollEvent() { clientEvents.append(e) }
        if server != nil { while let e = server!.pollEvent() { serverEvents.append(e) } }
    }

    mutating func send(_ bytes: [UInt8], toServer: Bool) {
        var bytes = bytes
        if let tamper {
            guard let changed = tamper(toServer, bytes) else { return }
            bytes = changed
        }
        inFlight.append((now + oneWayDelay, toServer, bytes))
    }

    /// Delivers a datagram to the server, creating it from the first Initial.
    mutating func deliverToServer(_ bytes: [UInt8]) throws {
        var bytes = bytes
        if server == nil {
            let header = try bytes.withUnsafeBytes { try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }
            guard header.type == .initial else { return }
            var scid = [UInt8](repeating: 0, count: serverConfig.localConnectionIDLength)
            scid.withUnsafeMutableBytes { serverConfig.random($0) }
            server = try Connection(
                server: serverConfig, remote: Self.clientAddress, now: now,
                originalDestinationCID: header.destinationConnectionID, initialDestinationCID: header.destinationConnectionID,
                localCID: try ConnectionID(scid), retrySourceCID: nil, addressValidated: false)
        }
        bytes.withUnsafeMutableBytes { server!.handle(datagram: $0, from: clientSource, now: now) }
    }

    /// Runs until nothing is in flight and no timer is due before `limit` from now.
    mutating func run(
        for limit: Duration = .seconds(10), step: (inout ConnectionPair) -> Void = { _ in },
        stopWhen: (ConnectionPair) -> Bool = { _ in false }
    ) throws {
        let end = now + limit
        flush()
        for _ in 0..<2_000_000 {
            step(&self)
            flush()
            if stopWhen(self) { return }
            // Next event: earliest arrival or timer.
            var next: Instant? = inFlight.map(\.at).min()
            for d in [client.nextDeadline, server?.nextDeadline] {
                if let d, next == nil || d < next! { next = d }
            }
            guard let t = next, t <= end else { now = end; return }
            if t > now { now = t }
            if let index = inFlight.firstIndex(where: { $0.at <= now }) {
                let d = inFlight.remove(at: index)
                delivered += 1
                if d.toServer {
                    try deliverToServer(d.bytes)
                } else {
                    var bytes = d.bytes
                    bytes.withUnsafeMutableBytes { client.handle(datagram: $0, from: Self.serverAddress, now: now) }
                }
            } else {
                if let d = client.nextDeadline, d <= now { client.handleTimeout(now: now) }
                if server != nil, let d = server!.nextDeadline, d <= now { server!.handleTimeout(now: now) }
            }
            flush()
        }
    }
}

extension ConnectionPair {
    /// Runs until both handshakes are confirmed and the link is quiet.
    mutating func establish() throws {
        try run(for: .seconds(5), stopWhen: { $0.client.isHandshakeConfirmed && ($0.server?.isHandshakeConfirmed ?? false) && $0.inFlight.isEmpty })
    }

    /// A packet the client never wrote itself: `payload` as the frames of a correctly protected
    /// packet in `space` (0 Initial, 2 1-RTT) with the client's next packet number; Initial
    /// datagrams are padded to 1200 bytes with PADDING after the payload.
    mutating func craftFromClient(space: Int, payload: [UInt8]) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1500)
        let size: Int = buffer.withUnsafeMutableBytes { raw in
            let pn = client.spaces[space].nextPacketNumber
            client.spaces[space].nextPacketNumber += 1
            var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<(raw.count - 16)]))
            let layout: PacketLayout
            do {
                if space == 2 {
                    layout = try PacketHeaderWriter.writeShortHeader(
                        destination: client.cids.currentRemote, keyPhase: client.oneRTT!.keyPhase, packetNumber: pn,
                        packetNumberLength: 4, into: &writer)
                } else {
                    layout = try client.writeLongHeader(type: space == 0 ? .initial : .handshake, packetNumber: pn,
                                                        packetNumberLength: 4, into: &writer)
                }
                try writer.writeBytes(payload)
                let minimum = space == 0 ? 1200 - 16 : layout.payloadOffset + 20
                if writer.bytesWritten < minimum { try writer.writeZeros(minimum - writer.bytesWritten) }
            } catch { preconditionFailure("crafted packet does not fit") }
            let size = client.seal(&writer, layout: layout, space: space, packetNumber: pn, datagram: raw, offset: 0) ?? 0
            // The client's recovery learns of it, so the server's ACK of it is legitimate.
            client.spaces[space].sent.beginPacket(pn)
            client.recovery.onPacketSent(
                SentPacket(packetNumber: pn, timeSent: now, sentBytes: size, isAckEliciting: true, isInFlight: true),
                space: client.spaces[space].id, now: now)
            return size
        }
        return Array(buffer[0..<size])
    }

    /// Delivers a crafted datagram to the server now, then lets both sides react.
    mutating func injectToServer(_ datagram: [UInt8]) throws {
        try deliverToServer(datagram)
        try run(for: .seconds(2))
    }

    /// The CONNECTION_CLOSE code the client received from the server, if any.
    var codeSeenByClient: TransportErrorCode? {
        if case .peerTransportClosed(let code, _, _) = client.closeReason { return code }
        return nil
    }
}

/// Frame encodings for malicious packets.
enum CraftedFrames {
    static func varint(_ value: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 8)
        do { try writer.writeVarInt(VarInt(value)) } catch { preconditionFailure("varint") }
        return writer.bytes
    }

    static func stream(id: UInt64, offset: UInt64, data: [UInt8], fin: Bool = false) -> [UInt8] {
        [0x0e | (fin ? 1 : 0)] + varint(id) + varint(offset) + varint(UInt64(data.count)) + data
    }
}
