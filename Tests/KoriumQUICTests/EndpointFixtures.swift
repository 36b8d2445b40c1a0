import KoriumCrypto
import KoriumSim
import KoriumTLS
import KoriumWire

@testable import KoriumQUIC

enum EndpointFixtures {
    static let clientAddress = PathAddress(ipv4: 0x0a00_0001, port: 4000)
    static let serverAddress = PathAddress(ipv4: 0x0a00_0002, port: 443)
    static let unixTime: Int64 = 1_800_000_000
    static let start = Instant(nanoseconds: 1_000_000_000)

    static func key(_ byte: UInt8) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: byte, count: 32)) } catch { preconditionFailure("seed") }
    }
    static let serverKey = key(0x52)
    static let clientKey = key(0x43)

    static func connectionConfigurations(seed: UInt64, alpn: String = "korium-test")
        -> (client: ConnectionConfiguration, server: ConnectionConfiguration)
    {
        let random = SeededByteSource(seed: seed)
        var clientTLS = TLSConfiguration.peerToPeer(
            identity: clientKey, now: unixTime, expectedPeerKey: serverKey.publicKey.rawRepresentation,
            alpnProtocols: [Array(alpn.utf8)])
        var serverTLS = TLSConfiguration.peerToPeer(identity: serverKey, now: unixTime, alpnProtocols: [Array(alpn.utf8)])
        clientTLS.randomBytes = { random.bytes($0) }
        serverTLS.randomBytes = { random.bytes($0) }
        var client = ConnectionConfiguration(tls: clientTLS)
        var server = ConnectionConfiguration(tls: serverTLS)
        client.random = { random.fill($0) }
        server.random = { random.fill($0) }
        client.unixTime = { unixTime }
        server.unixTime = { unixTime }
        return (client, server)
    }

    /// A server endpoint and a client endpoint with deterministic keys and randomness.
    static func endpoints(seed: UInt64 = 7, configureServer: (inout EndpointConfiguration) -> Void = { _ in })
        -> (client: Endpoint, server: Endpoint, clientConnection: ConnectionConfiguration)
    {
        let configs = connectionConfigurations(seed: seed)
        let random = SeededByteSource(seed: seed ^ 0xe1)
        var serverConfig = EndpointConfiguration(server: configs.server)
        serverConfig.statelessResetKey = SecureBytes([UInt8](repeating: 0x5e, count: 32))
        serverConfig.tokenKey = SecureBytes([UInt8](repeating: 0x70, count: 32))
        serverConfig.random = { random.fill($0) }
        configureServer(&serverConfig)
        var clientConfig = EndpointConfiguration()
        clientConfig.statelessResetKey = SecureBytes([UInt8](repeating: 0xc1, count: 32))
        clientConfig.random = { random.fill($0) }
        return (Endpoint(configuration: clientConfig), Endpoint(configuration: serverConfig), configs.client)
    }

    /// Everything `endpoint` wants to send now.
    static func drain(_ endpoint: inout Endpoint, now: Instant = start) -> [(PathAddress, [UInt8])] {
        var out: [(PathAddress, [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: 1500)
        while let t = buffer.withUnsafeMutableBytes({ endpoint.pollTransmit(into: $0, now: now) }) {
            out.append((t.destination, Array(buffer[0..<t.count])))
        }
        return out
    }

    static func events(_ endpoint: inout Endpoint) -> [EndpointEvent] {
        var out: [EndpointEvent] = []
        while let e = endpoint.pollEvent() { out.append(e) }
        return out
    }

    static func feed(_ endpoint: inout Endpoint, _ bytes: [UInt8], from: PathAddress, now: Instant = start) {
        var bytes = bytes
        bytes.withUnsafeMutableBytes { endpoint.handle(datagram: $0, from: from, now: now) }
    }

    static func header(_ bytes: [UInt8], cidLength: Int = 8) throws -> PacketHeader {
        try bytes.withUnsafeBytes { try PacketHeader.parse($0, shortHeaderConnectionIDLength: cidLength) }
    }

    static func cid(_ bytes: [UInt8]) -> ConnectionID {
        do { return try ConnectionID(bytes) } catch { preconditionFailure("≤ 20 bytes") }
    }

    /// A client Initial written by hand (RFC 9000 §17.2.2): PADDING only, protected with the
    /// Initial keys of `destination`, padded to `size` bytes. Enough for routing and token tests.
    static func craftedInitial(destination: ConnectionID, source: ConnectionID, token: [UInt8] = [], size: Int = 1200) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: size)
        let keys = try PacketKeys.initial(destinationConnectionID: destination).client
        try buffer.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(into: raw)
            let layout = try token.withUnsafeBytes { t in
                try PacketHeaderWriter.writeLongHeader(
                    type: .initial, destination: destination, source: source, token: t, packetNumber: 0,
                    packetNumberLength: 1, into: &writer)
            }
            try writer.writeZeros(size - writer.bytesWritten - PacketCipher.tagByteCount)
            try PacketHeaderWriter.finishLongHeader(layout, tagByteCount: PacketCipher.tagByteCount, writer: &writer)
            try writer.writeZeros(PacketCipher.tagByteCount)
            try PacketProtection.seal(raw, layout: layout, packetNumber: 0, keys: keys)
        }
        return buffer
    }

    /// A long-header packet in `version`, padded to `size` bytes (RFC 8999 invariants only).
    static func unknownVersionPacket(version: UInt32, destination: [UInt8], source: [UInt8], size: Int = 1200) -> [UInt8] {
        var out: [UInt8] = [0xc0, UInt8(version >> 24), UInt8((version >> 16) & 0xff), UInt8((version >> 8) & 0xff), UInt8(version & 0xff)]
        out.append(UInt8(destination.count))
        out += destination
        out.append(UInt8(source.count))
        out += source
        out += [UInt8](repeating: 0, count: max(0, size - out.count))
        return out
    }
}
