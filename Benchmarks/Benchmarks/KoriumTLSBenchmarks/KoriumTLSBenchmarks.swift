// KoriumTLS benchmarks: a full in-process TLS 1.3 handshake (client + server, mutual Ed25519
// authentication with self-signed peer-to-peer certificates, X25519, ChaCha20-Poly1305 suite —
// the suite only changes the key schedule's hash here), and certificate parse / verify rates.
// The Ed25519 / X25519 / rest split of a handshake is printed by `korium tls-bench`
// (BENCHMARKS.md), which times each primitive in the same process.
import Benchmark
import KoriumCrypto
import KoriumTLS

var tlsRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .microseconds,
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 100_000
) }

let now: Int64 = 1_800_000_000

func handshake(client: TLSConfiguration, server: TLSConfiguration) -> Bool {
    var c = TLSSession(client: client, transportParameters: [1, 2, 3], now: now)
    var s = TLSSession(server: server, transportParameters: [4, 5, 6], now: now)
    var cLevel = EncryptionLevel.initial, sLevel = EncryptionLevel.initial
    for _ in 0..<4 {
        var progressed = false
        while true {
            var buf: [UInt8] = []
            let change = c.writeHandshake(into: &buf)
            if !buf.isEmpty {
                guard (try? s.readHandshake(level: cLevel, bytes: buf)) != nil else { return false }
                progressed = true
            }
            guard let change else { break }
            cLevel = change.level
        }
        while true {
            var buf: [UInt8] = []
            let change = s.writeHandshake(into: &buf)
            if !buf.isEmpty {
                guard (try? c.readHandshake(level: sLevel, bytes: buf)) != nil else { return false }
                progressed = true
            }
            guard let change else { break }
            sLevel = change.level
        }
        if !progressed { break }
    }
    return c.isHandshakeComplete && s.isHandshakeComplete
}

let benchmarks: @Sendable () -> Void = {
    let serverKey = Ed25519.PrivateKey.generate(), clientKey = Ed25519.PrivateKey.generate()
    var server = TLSConfiguration.peerToPeer(identity: serverKey, now: now)
    server.clientAuthentication = .required
    let client = TLSConfiguration.peerToPeer(identity: clientKey, now: now, expectedPeerKey: serverKey.publicKey.rawRepresentation)
    precondition(handshake(client: client, server: server), "benchmark handshake failed")

    Benchmark("TLS 1.3 handshake, mutual Ed25519 (client+server, in-process)", configuration: tlsRun) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(handshake(client: client, server: server)) }
    }

    let serverCert = server.certificateChain[0]
    let caKey = Ed25519.PrivateKey.generate()
    let ca = CertificateBuilder.certificateAuthority(commonName: "Bench CA", notBefore: now - 60, notAfter: now + 3600).selfSigned(key: caKey)
    let leaf = CertificateBuilder.leaf(commonName: nil, names: [.uri("spiffe://bench.example/node")], notBefore: now - 60, notAfter: now + 3600)
        .signed(subjectPublicKey: clientKey.publicKey.rawRepresentation, issuer: ca, issuerKey: caKey)

    Benchmark("X.509 parse (Ed25519 certificate)", configuration: tlsRun) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? Certificate(der: serverCert)) }
    }
    Benchmark("X.509 parse + self-signed verify", configuration: tlsRun) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CertificateVerifier.verifySelfSigned(chain: [serverCert], expectedKey: nil, now: now))
        }
    }
    Benchmark("X.509 parse + chain verify (SPIFFE leaf → CA)", configuration: tlsRun) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CertificateVerifier.verifyChain(chain: [leaf.der], trustAnchors: [ca], leafPolicy: .spiffe(trustDomain: nil), now: now))
        }
    }
}
