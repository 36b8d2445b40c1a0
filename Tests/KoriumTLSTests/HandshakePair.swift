import KoriumCrypto
import Synchronization

@testable import KoriumTLS

/// Collects key log lines from a session (the sink must be Sendable).
final class KeyLogCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: KeyLogSink { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

/// Flight of handshake bytes at one level.
struct Flight {
    var level: EncryptionLevel
    var bytes: [UInt8]
}

/// One side of an in-memory handshake with its write level and collected outputs.
struct Endpoint {
    var session: TLSSession
    var writeLevel: EncryptionLevel = .initial
    var keyChanges: [KeyChange] = []
    var events: [TLSEvent] = []

    /// Drains pending output into flights, following key changes.
    mutating func flush() -> [Flight] {
        var flights: [Flight] = []
        while true {
            var buf: [UInt8] = []
            let change = session.writeHandshake(into: &buf)
            if !buf.isEmpty { flights.append(Flight(level: writeLevel, bytes: buf)) }
            guard let change else { break }
            keyChanges.append(change)
            writeLevel = change.level
        }
        while let e = session.pollEvent() { events.append(e) }
        return flights
    }

    mutating func receive(_ flights: [Flight]) throws(TLSError) {
        for f in flights { try session.readHandshake(level: f.level, bytes: f.bytes) }
        while let e = session.pollEvent() { events.append(e) }
    }
}

/// Which side failed a handshake, and how.
enum HandshakeOutcome: Equatable {
    case completed
    case clientFailed(TLSAlert)
    case serverFailed(TLSAlert)
    case stalled
}

/// A client and a server driven to quiescence in memory, with an optional hook to rewrite
/// flights in transit (for tampering tests).
struct HandshakePair {
    var client: Endpoint
    var server: Endpoint

    init(client: TLSConfiguration, server: TLSConfiguration, now: Int64 = 1_800_000_000,
         clientParameters: [UInt8] = [0x01, 0x02, 0x03], serverParameters: [UInt8] = [0x04, 0x05]) {
        self.client = Endpoint(session: TLSSession(client: client, transportParameters: clientParameters, now: now))
        self.server = Endpoint(session: TLSSession(server: server, transportParameters: serverParameters, now: now))
    }

    /// Runs until neither side has output. `tamper(toServer, flights)` may rewrite flights.
    mutating func run(tamper: (Bool, [Flight]) -> [Flight] = { $1 }) -> HandshakeOutcome {
        for _ in 0..<16 {
            let toServer = tamper(true, client.flush())
            do { try server.receive(toServer) } catch { return .serverFailed(error.alert) }
            let toClient = tamper(false, server.flush())
            do { try client.receive(toClient) } catch { return .clientFailed(error.alert) }
            if toServer.isEmpty && toClient.isEmpty {
                let more = client.flush()
                if more.isEmpty { break }
                do { try server.receive(more) } catch { return .serverFailed(error.alert) }
            }
        }
        return client.session.isHandshakeComplete && server.session.isHandshakeComplete ? .completed : .stalled
    }
}

/// Configurations for tests.
enum TestConfigs {
    static let alpn: [[UInt8]] = [Array("korium".utf8)]
    static let now: Int64 = 1_800_000_000

    static func selfSignedIdentity(_ key: Ed25519.PrivateKey = .generate()) -> (key: Ed25519.PrivateKey, cert: [UInt8]) {
        let cert = CertificateBuilder.leaf(commonName: nil, names: [.dns("korium.invalid")], notBefore: now - 3600, notAfter: now + 86_400)
            .selfSigned(key: key)
        return (key, cert.der)
    }

    static func p2p(expect peerKey: [UInt8]? = nil, identity: (key: Ed25519.PrivateKey, cert: [UInt8]) = selfSignedIdentity()) -> TLSConfiguration {
        TLSConfiguration(privateKey: identity.key, certificateChain: [identity.cert],
                         peerVerification: .selfSigned(expectedKey: peerKey), alpnProtocols: alpn)
    }

    /// Splits a flight into its handshake messages.
    static func messages(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i + 4 <= bytes.count {
            let n = Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            out.append(Array(bytes[i..<(i + 4 + n)]))
            i += 4 + n
        }
        return out
    }
}
