// Fuzz target: a whole server `Connection` after a real handshake, fed arbitrary datagrams.
//
// Once per process a client and a server `Connection` complete a handshake in memory with fixed
// keys and randomness (ChaCha20-Poly1305 only); the client's 1-RTT secret comes from the TLS key
// log, as an outside observer would get it. Every input starts from a copy of that established
// server. Input: a mode byte, then chunks (2-byte length + bytes). Mode bit 0: each chunk is the
// plaintext payload of a correctly protected 1-RTT packet from the client (so it reaches frame
// processing); otherwise chunks are raw datagrams. Bit 1: the packet uses the next key phase (a
// peer key update). Bit 2: timers are run forward afterwards. The server must never trap or hang;
// whatever it emits must be well-formed from its own point of view.
import FuzzSupport
import KoriumCrypto
import KoriumQUIC
import KoriumTLS
import KoriumWire
import Synchronization

let clientAddress = PathAddress(ipv4: 0x0a00_0001, port: 4000)
let serverAddress = PathAddress(ipv4: 0x0a00_0002, port: 443)

/// Deterministic bytes (SplitMix64) so the handshake, and so every run, is reproducible.
final class FixedRandom: Sendable {
    let state = Mutex<UInt64>(0x5eed)
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        state.withLock { s in
            for i in 0..<buffer.count {
                s &+= 0x9e37_79b9_7f4a_7c15
                var z = s
                z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
                z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
                buffer[i] = UInt8(truncatingIfNeeded: z ^ (z >> 31))
            }
        }
    }
    func bytes(_ n: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }
}

final class SecretLog: Sendable {
    let secret = Mutex<[UInt8]?>(nil)
    func record(_ line: String) {
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "CLIENT_TRAFFIC_SECRET_0" else { return }
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in fields[2].utf8 {
            let nibble = c >= 97 ? c - 87 : (c >= 65 ? c - 55 : c - 48)
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        secret.withLock { $0 = bytes }
    }
}

struct Established {
    var server: Connection
    let serverCID: ConnectionID
    let keys: PacketKeys
    let nextPhaseKeys: PacketKeys
    let now: Instant
}

func configuration(_ key: Ed25519.PrivateKey, random: FixedRandom, log: SecretLog?) -> ConnectionConfiguration {
    var tls = TLSConfiguration.peerToPeer(identity: key, now: 1_800_000_000, alpnProtocols: [Array("fuzz".utf8)])
    tls.cipherSuites = [.chacha20Poly1305SHA256]
    tls.randomBytes = { random.bytes($0) }
    if let log { tls.keyLog = { log.record($0) } }
    var config = ConnectionConfiguration(tls: tls)
    config.random = { random.fill($0) }
    config.unixTime = { 1_800_000_000 }
    config.statelessResetKey = SecureBytes([UInt8](repeating: 0x5e, count: 32))
    return config
}

let established: Established = {
    func key(_ b: UInt8) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey(seed: [UInt8](repeating: b, count: 32)) } catch { preconditionFailure("seed") }
    }
    let random = FixedRandom()
    let log = SecretLog()
    let serverConfig = configuration(key(2), random: random, log: nil)
    var now = Instant(nanoseconds: 1_000_000_000)
    var client: Connection
    do { client = try Connection(client: configuration(key(1), random: random, log: log), remote: serverAddress, now: now) } catch {
        preconditionFailure("client: \(error)")
    }
    var server: Connection?
    var buffer = [UInt8](repeating: 0, count: 1500)
    for _ in 0..<50 {
        now = now + .milliseconds(5)
        var toServer: [[UInt8]] = []
        while let t = buffer.withUnsafeMutableBytes({ client.pollTransmit(into: $0, now: now) }) { toServer.append(Array(buffer[0..<t.count])) }
        for var d in toServer {
            if server == nil {
                guard let h = try? d.withUnsafeBytes({ try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }) else { continue }
                do {
                    server = try Connection(server: serverConfig, remote: clientAddress, now: now,
                                            originalDestinationCID: h.destinationConnectionID,
                                            initialDestinationCID: h.destinationConnectionID,
                                            localCID: try ConnectionID([1, 2, 3, 4, 5, 6, 7, 8]), retrySourceCID: nil,
                                            addressValidated: false)
                } catch { preconditionFailure("server: \(error)") }
            }
            d.withUnsafeMutableBytes { server!.handle(datagram: $0, from: clientAddress, now: now) }
        }
        guard server != nil else { continue }
        var toClient: [[UInt8]] = []
        while let t = buffer.withUnsafeMutableBytes({ server!.pollTransmit(into: $0, now: now) }) { toClient.append(Array(buffer[0..<t.count])) }
        for var d in toClient { d.withUnsafeMutableBytes { client.handle(datagram: $0, from: serverAddress, now: now) } }
        if client.isHandshakeConfirmed && server!.isHandshakeConfirmed && toServer.isEmpty && toClient.isEmpty { break }
    }
    guard var server, server.state == .established, let secret = log.secret.withLock({ $0 }) else {
        preconditionFailure("handshake did not complete")
    }
    while server.pollEvent() != nil {}
    let suite = CipherSuite.chacha20Poly1305SHA256
    do {
        let current = try PacketKeys(secret: SecureBytes(secret), suite: suite)
        let next = QUICKeyDerivation.nextGenerationSecret(SecureBytes(secret), cipherSuite: suite)
        let nextKeys = PacketKeys(packet: try PacketKey(material: QUICPacketKeyMaterial(secret: next, cipherSuite: suite)),
                                  header: current.header)
        return Established(server: server, serverCID: server.initialLocalConnectionID, keys: current, nextPhaseKeys: nextKeys, now: now)
    } catch { preconditionFailure("keys: \(error)") }
}()

/// A 1-RTT packet from the client carrying `payload` (padded for the header-protection sample).
func protect(_ payload: [UInt8], packetNumber: UInt64, nextPhase: Bool, into buffer: inout [UInt8]) -> Int {
    buffer.withUnsafeMutableBytes { raw in
        var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<(raw.count - 16)]))
        do {
            let layout = try PacketHeaderWriter.writeShortHeader(
                destination: established.serverCID, keyPhase: nextPhase, packetNumber: packetNumber, packetNumberLength: 4,
                into: &writer)
            try writer.writeBytes(payload)
            let minimum = PacketProtection.minimumPayloadLength(packetNumberLength: 4)
            if payload.count < minimum { try writer.writeZeros(minimum - payload.count) }
            let size = writer.bytesWritten + 16
            try PacketProtection.seal(UnsafeMutableRawBufferPointer(rebasing: raw[0..<size]), layout: layout,
                                      packetNumber: packetNumber, keys: nextPhase ? established.nextPhaseKeys : established.keys)
            return size
        } catch {
            return 0
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.takeUInt8()
    let protected = mode & 1 != 0
    let nextPhase = mode & 2 != 0
    let runTimers = mode & 4 != 0
    var server = established.server
    var now = established.now
    var packetNumber: UInt64 = 1000
    var datagram = [UInt8](repeating: 0, count: 1500)
    var out = [UInt8](repeating: 0, count: 1500)
    var chunks = 0
    while !input.isEmpty && chunks < 32 {
        chunks += 1
        let length = (Int(input.takeUInt8()) << 8 | Int(input.takeUInt8())) % 1400
        let chunk = input.takeBytes(length)
        now = now + .milliseconds(1)
        if protected {
            let n = protect(chunk, packetNumber: packetNumber, nextPhase: nextPhase, into: &datagram)
            packetNumber += 1
            guard n > 0 else { continue }
            datagram.withUnsafeMutableBytes { server.handle(datagram: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), from: clientAddress, now: now) }
        } else {
            var bytes = chunk
            bytes.withUnsafeMutableBytes { server.handle(datagram: $0, from: clientAddress, now: now) }
        }
        var sent = 0
        while sent < 64, let t = out.withUnsafeMutableBytes({ server.pollTransmit(into: $0, now: now) }) {
            fuzzCheck(t.count > 0 && t.count <= 1500, "transmit size out of range")
            sent += 1
        }
        var events = 0
        while events < 10_000, server.pollEvent() != nil { events += 1 }
        fuzzCheck(events < 10_000, "unbounded events")
    }
    if runTimers {
        // Walk the timers forward: every deadline must be in the future of the last or be acted on.
        for _ in 0..<64 {
            guard let deadline = server.nextDeadline else { break }
            now = Swift.max(now, deadline)
            server.handleTimeout(now: now)
            var sent = 0
            while sent < 64, out.withUnsafeMutableBytes({ server.pollTransmit(into: $0, now: now) }) != nil { sent += 1 }
            while server.pollEvent() != nil {}
            // Progress: once a timeout was handled and output drained, the next deadline is later
            // (a deadline stuck at `now` would make every driver spin).
            if sent < 64, let next = server.nextDeadline { fuzzCheck(next > now, "deadline did not advance") }
        }
    }
    return 0
}
