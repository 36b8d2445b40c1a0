import KoriumCrypto

/// A sans-IO TLS 1.3 handshake for QUIC (RFC 8446 + RFC 9001), client or server.
///
/// QUIC owns CRYPTO frame offsets; the session owns the transcript. Call order:
/// 1. after creating it (and after every ``readHandshake(level:bytes:)``), call
///    ``writeHandshake(into:)`` until it returns `nil` with nothing written. Bytes go to
///    CRYPTO frames at the current write level; a returned ``KeyChange`` installs keys and
///    moves the write level (bytes written after it belong to the new level);
/// 2. feed contiguous CRYPTO bytes per level to ``readHandshake(level:bytes:)``; a thrown
///    ``TLSError`` ends the handshake (send CONNECTION_CLOSE with `alert.quicErrorCode`);
/// 3. drain ``pollEvent()`` for ALPN, transport parameters, peer identity and completion.
///
/// Never touches a socket or a clock: `now` (Unix seconds, for certificate validity) and the
/// random source come in through the initializer and the configuration.
public struct TLSSession: Sendable {
    /// Whether we are the client.
    public let isClient: Bool
    /// The negotiated cipher suite, once the hellos are exchanged.
    public internal(set) var cipherSuite: CipherSuite?
    /// The negotiated ALPN protocol.
    public internal(set) var negotiatedALPN: [UInt8]?
    /// The peer's quic_transport_parameters extension body.
    public internal(set) var peerTransportParameters: [UInt8]?
    /// The authenticated peer, once its CertificateVerify checked out.
    public internal(set) var peerIdentity: PeerIdentity?
    /// The server name the client asked for (server side) or sent (client side).
    public internal(set) var serverName: String?
    /// Whether the server answered with a HelloRetryRequest.
    public internal(set) var didHelloRetry = false
    /// Whether the handshake is complete.
    public internal(set) var isHandshakeComplete = false
    /// The error that ended the handshake, if any; every later call rethrows it.
    public internal(set) var failure: TLSError?

    let config: TLSConfiguration
    let now: Int64
    let localTransportParameters: [UInt8]
    var state: State
    var readLevel: EncryptionLevel = .initial
    var pendingInput: [EncryptionLevel: [UInt8]] = [:]
    var output: [OutputItem] = []
    var events: [TLSEvent] = []
    var transcript: [UInt8] = []
    /// The running hash of `transcript` (reset wherever the transcript is replaced).
    var runningTranscriptHash = TranscriptHash()
    var keySchedule: KeySchedule?
    var handshakeSecrets: (client: [UInt8], server: [UInt8])?
    var exporterMasterSecret: [UInt8]?
    var clientRandom: [UInt8] = []
    // Client-only.
    var x25519Key: X25519.PrivateKey?
    var sentClientHello: ClientHello?
    var sentExtensionTypes: Set<ExtensionType> = []
    var helloRetrySuite: CipherSuite?
    var certificateRequestContext: [UInt8]?
    var serverAcceptsOurCertificate = true
    // Server-only.
    var serverRandom: [UInt8] = []

    enum State: Sendable {
        case clientWaitServerHello
        case clientWaitEncryptedExtensions
        case clientWaitCertificateOrRequest
        case clientWaitCertificate
        case clientWaitCertificateVerify(PeerIdentity)
        case clientWaitFinished(PeerIdentity)
        case serverWaitClientHello
        case serverWaitClientCertificate
        case serverWaitClientCertificateVerify(PeerIdentity)
        case serverWaitClientFinished(PeerIdentity?)
        case connected
    }

    enum OutputItem: Sendable {
        case bytes([UInt8])
        case keyChange(KeyChange)
    }

    /// The largest amount of unprocessed handshake data buffered per level.
    public static let maxBufferedInput = HandshakeFraming.maxMessageSize + 4

    /// A client session; the ClientHello is ready for ``writeHandshake(into:)`` at once.
    public init(client config: TLSConfiguration, transportParameters: [UInt8], now: Int64) {
        precondition(!config.alpnProtocols.isEmpty, "QUIC requires at least one ALPN protocol (RFC 9001 §8.1)")
        precondition(!config.cipherSuites.isEmpty, "no cipher suites configured")
        self.isClient = true
        self.config = config
        self.now = now
        self.localTransportParameters = transportParameters
        self.state = .clientWaitServerHello
        self.serverName = config.serverName
        clientRandom = config.randomBytes(32)
        let shares: [(group: UInt16, key: [UInt8])]
        if config.offerKeyShareInFirstFlight {
            let key = makeX25519Key()
            x25519Key = key
            shares = [(NamedGroup.x25519, Array(key.publicKey.rawRepresentation))]
        } else {
            shares = []
        }
        let hello = buildClientHello(keyShares: shares, cookie: nil)
        sentClientHello = hello
        sentExtensionTypes = Set(hello.extensions.map(\.type))
        let encoded = hello.encoded()
        transcript = encoded
        output.append(.bytes(encoded))
    }

    /// A server session waiting for a ClientHello.
    public init(server config: TLSConfiguration, transportParameters: [UInt8], now: Int64) {
        precondition(config.privateKey != nil && !config.certificateChain.isEmpty, "a TLS server needs a key and a certificate")
        precondition(!config.alpnProtocols.isEmpty, "QUIC requires at least one ALPN protocol (RFC 9001 §8.1)")
        precondition(!config.cipherSuites.isEmpty, "no cipher suites configured")
        self.isClient = false
        self.config = config
        self.now = now
        self.localTransportParameters = transportParameters
        self.state = .serverWaitClientHello
    }

    // MARK: public I/O

    /// Feeds contiguous handshake bytes received in CRYPTO frames at `level`.
    public mutating func readHandshake(level: EncryptionLevel, bytes: [UInt8]) throws(TLSError) {
        if let failure { throw failure }
        do {
            try process(level: level, bytes: bytes)
        } catch {
            failure = error
            output.removeAll()
            throw error
        }
    }

    /// Appends pending handshake bytes for the current write level to `buffer`. Returns the
    /// next key change when one is reached; bytes after it belong to the new level.
    public mutating func writeHandshake(into buffer: inout [UInt8]) -> KeyChange? {
        while !output.isEmpty {
            switch output.removeFirst() {
            case .bytes(let b): buffer.append(contentsOf: b)
            case .keyChange(let k): return k
            }
        }
        return nil
    }

    /// The next event, if any.
    public mutating func pollEvent() -> TLSEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// TLS-Exporter (RFC 8446 §7.5) once the application secrets exist, `nil` before.
    public func exportKeyingMaterial(label: String, context: [UInt8], length: Int) -> [UInt8]? {
        guard let secret = exporterMasterSecret, let suite = cipherSuite, length <= 255 * suite.hash.length else { return nil }
        return KeySchedule.export(hash: suite.hash, exporterMasterSecret: secret, label: label, context: context, length: length)
    }

    // MARK: framing

    private mutating func process(level: EncryptionLevel, bytes: [UInt8]) throws(TLSError) {
        guard !bytes.isEmpty else { return }
        // RFC 9001 §4.1.3: data at a level other than the one expected is a protocol error.
        guard level == readLevel else {
            throw TLSError(.unexpectedMessage, "handshake data at \(level) while expecting \(readLevel)")
        }
        var buffer = pendingInput[level, default: []]
        buffer.append(contentsOf: bytes)
        pendingInput[level] = nil
        var offset = 0
        while buffer.count - offset >= 4 {
            let length = Int(buffer[offset + 1]) << 16 | Int(buffer[offset + 2]) << 8 | Int(buffer[offset + 3])
            guard length <= HandshakeFraming.maxMessageSize else {
                throw TLSError(.decodeError, "handshake message of \(length) bytes exceeds the limit")
            }
            guard buffer.count - offset - 4 >= length else { break }
            let typeByte = buffer[offset]
            let message = Array(buffer[offset..<(offset + 4 + length)])
            offset += 4 + length
            let levelBefore = readLevel
            try handleMessage(typeByte: typeByte, message: message)
            // RFC 8446 §5.1: handshake messages MUST NOT span key changes; data after the
            // message that changed keys at the old level is an error.
            if readLevel != levelBefore && offset < buffer.count {
                throw TLSError(.unexpectedMessage, "handshake data after a key change at \(levelBefore)")
            }
        }
        if offset < buffer.count {
            let rest = Array(buffer[offset...])
            guard rest.count <= TLSSession.maxBufferedInput else {
                throw TLSError(.unexpectedMessage, "too much buffered handshake data")
            }
            pendingInput[level] = rest
        }
    }

    private mutating func handleMessage(typeByte: UInt8, message: [UInt8]) throws(TLSError) {
        let body = Array(message[4...])
        guard let type = HandshakeType(rawValue: typeByte) else {
            throw TLSError(.unexpectedMessage, "unknown handshake message type \(typeByte)")
        }
        switch (state, type) {
        case (.clientWaitServerHello, .serverHello):
            try clientHandleServerHello(ServerHello(body: body), message: message)
        case (.clientWaitEncryptedExtensions, .encryptedExtensions):
            try clientHandleEncryptedExtensions(EncryptedExtensions(body: body), message: message)
        case (.clientWaitCertificateOrRequest, .certificateRequest):
            try clientHandleCertificateRequest(CertificateRequest(body: body), message: message)
        case (.clientWaitCertificateOrRequest, .certificate), (.clientWaitCertificate, .certificate):
            try clientHandleCertificate(CertificateMessage(body: body), message: message)
        case (.clientWaitCertificateVerify(let identity), .certificateVerify):
            try handlePeerCertificateVerify(CertificateVerify(body: body), message: message, identity: identity)
            state = .clientWaitFinished(identity)
        case (.clientWaitFinished(let identity), .finished):
            try clientHandleFinished(body: body, message: message, identity: identity)
        case (.connected, .newSessionTicket) where isClient:
            // RFC 8446 §4.6.1: accepted and ignored (no resumption); still parsed for validity.
            _ = try NewSessionTicket(body: body)
        case (.serverWaitClientHello, .clientHello):
            try serverHandleClientHello(ClientHello(body: body), message: message)
        case (.serverWaitClientCertificate, .certificate):
            try serverHandleCertificate(CertificateMessage(body: body), message: message)
        case (.serverWaitClientCertificateVerify(let identity), .certificateVerify):
            try handlePeerCertificateVerify(CertificateVerify(body: body), message: message, identity: identity)
            state = .serverWaitClientFinished(identity)
        case (.serverWaitClientFinished(let identity), .finished):
            try serverHandleFinished(body: body, message: message, identity: identity)
        default:
            // RFC 8446 §6.2 / RFC 9001 §6: out-of-order, repeated, KeyUpdate and EndOfEarlyData.
            throw TLSError(.unexpectedMessage, "unexpected \(type) message")
        }
    }

    // MARK: shared helpers

    mutating func transcriptHash(_ hash: TLSHashAlgorithm) -> [UInt8] { runningTranscriptHash.digest(of: transcript, hash) }

    func makeX25519Key() -> X25519.PrivateKey {
        // Retry only on the (2^-252) chance of an invalid scalar from the injected source.
        while true {
            if let key = try? X25519.PrivateKey(rawRepresentation: config.randomBytes(32)) { return key }
        }
    }

    mutating func logKey(_ label: KeyLogLabel, _ secret: [UInt8]) {
        if let sink = config.keyLog { sink(KeyLog.line(label, clientRandom: clientRandom, secret: secret)) }
    }

    /// X25519 with the peer's share (RFC 8446 §7.4.2: an all-zero result MUST abort).
    func sharedSecret(_ key: X25519.PrivateKey, peerShare: [UInt8]) throws(TLSError) -> [UInt8] {
        guard peerShare.count == 32 else { throw TLSError(.illegalParameter, "X25519 share of \(peerShare.count) bytes") }
        do {
            let peer = try X25519.PublicKey(rawRepresentation: peerShare)
            let secret = try key.sharedSecret(with: peer)
            return secret.withUnsafeBytes { [UInt8]($0) }
        } catch {
            throw TLSError(.illegalParameter, "X25519 shared secret rejected: \(error)")
        }
    }

    /// Installs the handshake secrets after the hellos and queues the key change.
    mutating func startHandshakeKeys(suite: CipherSuite, shared: [UInt8]) {
        var schedule = KeySchedule(hash: suite.hash)
        schedule.advanceToHandshake(sharedSecret: shared)
        let secrets = schedule.handshakeTrafficSecrets(transcriptHash: transcriptHash(suite.hash))
        keySchedule = schedule
        handshakeSecrets = secrets
        logKey(.clientHandshakeTrafficSecret, secrets.client)
        logKey(.serverHandshakeTrafficSecret, secrets.server)
        output.append(.keyChange(.handshake(TrafficSecrets(
            cipherSuite: suite, client: SecureBytes(secrets.client), server: SecureBytes(secrets.server)))))
    }

    /// Derives the application and exporter secrets over ClientHello...server Finished.
    mutating func deriveApplicationSecrets(suite: CipherSuite) -> KeyChange {
        guard var schedule = keySchedule else { preconditionFailure("key schedule missing") }
        schedule.advanceToMaster()
        let th = transcriptHash(suite.hash)
        let app = schedule.applicationTrafficSecrets(transcriptHash: th)
        let exporter = schedule.exporterMasterSecret(transcriptHash: th)
        keySchedule = schedule
        exporterMasterSecret = exporter
        logKey(.clientTrafficSecret0, app.client)
        logKey(.serverTrafficSecret0, app.server)
        logKey(.exporterSecret, exporter)
        return .oneRTT(TrafficSecrets(cipherSuite: suite, client: SecureBytes(app.client), server: SecureBytes(app.server)))
    }

    /// Verifies the peer's certificate list according to the configuration.
    func verifyPeerCertificates(_ entries: [CertificateMessage.Entry]) throws(TLSError) -> PeerIdentity {
        let chain = entries.map(\.certificate)
        do {
            switch config.peerVerification {
            case .selfSigned(let expected):
                return try CertificateVerifier.verifySelfSigned(chain: chain, expectedKey: expected, now: now, cache: config.verifiedCertificates)
            case .certificateAuthority(let anchors, let policy):
                return try CertificateVerifier.verifyChain(chain: chain, trustAnchors: anchors, leafPolicy: policy, now: now)
            }
        } catch {
            throw TLSError(error.alert, "peer certificate: \(error)")
        }
    }

    /// Checks a CertificateVerify from the peer (RFC 8446 §4.4.3) and appends it.
    mutating func handlePeerCertificateVerify(_ cv: CertificateVerify, message: [UInt8], identity: PeerIdentity) throws(TLSError) {
        guard let suite = cipherSuite else { preconditionFailure("suite missing") }
        // We only offer ed25519 in signature_algorithms; anything else was not offered.
        guard cv.algorithm == SignatureScheme.ed25519 else {
            throw TLSError(.illegalParameter, "CertificateVerify with unoffered scheme \(cv.algorithm)")
        }
        let content = CertificateVerify.signedContent(isServer: isClient, transcriptHash: transcriptHash(suite.hash))
        let valid: Bool
        if let key = identity.importedKey ?? (try? Ed25519.PublicKey(rawRepresentation: identity.publicKey)) {
            valid = cv.signature.count == 64 && key.isValidSignature(cv.signature, for: content)
        } else {
            valid = false
        }
        // RFC 8446 §4.4.3: a failed verification MUST abort with decrypt_error.
        guard valid else { throw TLSError(.decryptError, "CertificateVerify signature does not verify") }
        transcript.append(contentsOf: message)
        peerIdentity = identity
        events.append(.peerAuthenticated(identity))
    }

    /// Our Certificate + CertificateVerify (if we have a certificate) for the transcript so far.
    mutating func ownCertificateMessages(context: [UInt8], suite: CipherSuite) -> [UInt8] {
        guard let key = config.privateKey, !config.certificateChain.isEmpty, serverAcceptsOurCertificate else {
            let empty = CertificateMessage(context: context, entries: []).encoded()
            transcript.append(contentsOf: empty)
            return empty
        }
        let cert = CertificateMessage(context: context, entries: config.certificateChain.map { .init(certificate: $0) }).encoded()
        transcript.append(contentsOf: cert)
        let content = CertificateVerify.signedContent(isServer: !isClient, transcriptHash: transcriptHash(suite.hash))
        let cv = CertificateVerify(algorithm: SignatureScheme.ed25519, signature: Array(key.signature(for: content))).encoded()
        transcript.append(contentsOf: cv)
        return cert + cv
    }

    /// Our Finished over the transcript so far, appended to it.
    mutating func ownFinished(baseKey: [UInt8], suite: CipherSuite) -> [UInt8] {
        let verify = KeySchedule.finishedVerifyData(hash: suite.hash, baseKey: baseKey, transcriptHash: transcriptHash(suite.hash))
        let fin = Finished(verifyData: verify).encoded()
        transcript.append(contentsOf: fin)
        return fin
    }

    /// Checks the peer's Finished (RFC 8446 §4.4.4: mismatch → decrypt_error) and appends it.
    mutating func checkPeerFinished(body: [UInt8], message: [UInt8], baseKey: [UInt8], suite: CipherSuite) throws(TLSError) {
        let fin = try Finished(body: body, hashLength: suite.hash.length)
        let expected = KeySchedule.finishedVerifyData(hash: suite.hash, baseKey: baseKey, transcriptHash: transcriptHash(suite.hash))
        guard constantTimeEquals(fin.verifyData, expected) else {
            throw TLSError(.decryptError, "Finished verify_data mismatch")
        }
        transcript.append(contentsOf: message)
    }

    /// `message_hash` replacing ClientHello1 after a HelloRetryRequest (RFC 8446 §4.4.1).
    mutating func replaceTranscriptWithMessageHash(_ hash: TLSHashAlgorithm) {
        let digest = hash.hash(transcript)
        transcript = [HandshakeType.messageHash.rawValue, 0, 0, UInt8(digest.count)] + digest
        runningTranscriptHash.reset()
    }
}
