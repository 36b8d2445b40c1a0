// Fuzz target: the TLS 1.3 client and server state machines fed arbitrary handshake bytes.
//
// The input is split into chunks, each with a level byte; the chunks go to a fresh server (and,
// for odd selectors, to a client after its ClientHello). Every input must end in a completed
// handshake (impossible without keys), an unfinished one, or a typed TLSError with an alert —
// never a trap, a hang or unbounded buffering. After an error every call must rethrow it.
import FuzzSupport
import KoriumCrypto
import KoriumTLS

/// Fixed identities so runs are reproducible and cheap (no key generation per input).
let identity: (key: Ed25519.PrivateKey, cert: [UInt8]) = {
    let key: Ed25519.PrivateKey
    do { key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 7, count: 32)) } catch { preconditionFailure("32-byte seed rejected: \(error)") }
    let cert = CertificateBuilder.leaf(commonName: "fuzz", names: [.dns("fuzz.example")], notBefore: 0, notAfter: 4_000_000_000)
        .selfSigned(key: key)
    return (key, cert.der)
}()

func configuration() -> TLSConfiguration {
    var c = TLSConfiguration(privateKey: identity.key, certificateChain: [identity.cert],
                             peerVerification: .selfSigned(expectedKey: nil), alpnProtocols: [Array("korium".utf8)])
    c.clientAuthentication = .optional
    // Deterministic randomness: the fuzzer explores inputs, not random keys.
    c.randomBytes = { n in [UInt8](repeating: 0x42, count: n) }
    return c
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTLSSession(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let asClient = input.takeUInt8() & 1 == 1
    var session = asClient
        ? TLSSession(client: configuration(), transportParameters: [1], now: 1_800_000_000)
        : TLSSession(server: configuration(), transportParameters: [2], now: 1_800_000_000)
    var sink: [UInt8] = []
    while session.writeHandshake(into: &sink) != nil {}
    while !input.isEmpty {
        let levelByte = input.takeUInt8()
        let level = EncryptionLevel(rawValue: Int(levelByte % 4)) ?? .initial
        let chunk = input.takeLengthPrefixed(max: 255)
        do {
            try session.readHandshake(level: level, bytes: chunk)
            while session.writeHandshake(into: &sink) != nil {}
            while session.pollEvent() != nil {}
        } catch {
            fuzzCheck(session.failure == error, "failure not recorded")
            do {
                try session.readHandshake(level: level, bytes: [0])
                fuzzCheck(false, "session accepted input after failing")
            } catch {
                fuzzCheck(session.failure == error, "different error after failure")
            }
            return 0
        }
    }
    return 0
}
