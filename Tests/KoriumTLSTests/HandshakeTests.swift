import KoriumCrypto
import Testing

@testable import KoriumTLS

@Suite struct HandshakeTests {
    @Test func peerToPeerMutualHandshake() throws {
        let serverID = TestConfigs.selfSignedIdentity()
        let clientID = TestConfigs.selfSignedIdentity()
        let clientLog = KeyLogCollector(), serverLog = KeyLogCollector()
        var clientConfig = TestConfigs.p2p(expect: serverID.key.publicKey.rawRepresentation, identity: clientID)
        clientConfig.keyLog = clientLog.sink
        clientConfig.serverName = "korium.invalid"
        var serverConfig = TestConfigs.p2p(identity: serverID)
        serverConfig.clientAuthentication = .required
        serverConfig.keyLog = serverLog.sink
        var pair = HandshakePair(client: clientConfig, server: serverConfig)
        #expect(pair.run() == .completed)

        let c = pair.client.session, s = pair.server.session
        #expect(c.cipherSuite == .chacha20Poly1305SHA256)
        #expect(s.cipherSuite == .chacha20Poly1305SHA256)
        #expect(c.negotiatedALPN == Array("korium".utf8))
        #expect(s.negotiatedALPN == Array("korium".utf8))
        #expect(c.peerTransportParameters == [0x04, 0x05])
        #expect(s.peerTransportParameters == [0x01, 0x02, 0x03])
        #expect(c.peerIdentity?.publicKey == serverID.key.publicKey.rawRepresentation)
        #expect(s.peerIdentity?.publicKey == clientID.key.publicKey.rawRepresentation)
        #expect(s.serverName == "korium.invalid")
        #expect(!c.didHelloRetry)

        // Same secrets on both sides, per level, in the same order.
        #expect(pair.client.keyChanges.map(\.level) == [.handshake, .application])
        #expect(pair.server.keyChanges.map(\.level) == [.handshake, .application])
        for (a, b) in zip(pair.client.keyChanges, pair.server.keyChanges) {
            #expect(a.secrets.client == b.secrets.client)
            #expect(a.secrets.server == b.secrets.server)
            #expect(a.secrets.client != a.secrets.server)
        }
        #expect(clientLog.all.count == 5)
        #expect(clientLog.all == serverLog.all)
        #expect(clientLog.all.map { String($0.split(separator: " ")[0]) } == KeyLogLabel.allCases.map(\.rawValue))

        let e1 = c.exportKeyingMaterial(label: "EXPORTER-korium", context: [1], length: 32)
        #expect(e1 != nil && e1 == s.exportKeyingMaterial(label: "EXPORTER-korium", context: [1], length: 32))
        #expect(pair.client.events.contains(.handshakeComplete))
        #expect(pair.server.events.contains(.handshakeComplete))
        #expect(pair.client.events.contains(.alpnNegotiated(Array("korium".utf8))))
        #expect(pair.server.events.contains(.peerTransportParameters([0x01, 0x02, 0x03])))
    }

    @Test(arguments: CipherSuite.allCases)
    func everyCipherSuite(suite: CipherSuite) {
        var client = TestConfigs.p2p()
        client.cipherSuites = [suite]
        var pair = HandshakePair(client: client, server: TestConfigs.p2p())
        #expect(pair.run() == .completed)
        #expect(pair.client.session.cipherSuite == suite)
        #expect(pair.client.keyChanges.last?.secrets.client.count == suite.hash.length)
    }

    @Test func serverPreferenceIsConfigurable() {
        var client = TestConfigs.p2p()
        client.cipherSuites = [.aes128GCMSHA256, .chacha20Poly1305SHA256]
        var pair = HandshakePair(client: client, server: TestConfigs.p2p())
        #expect(pair.run() == .completed)
        #expect(pair.server.session.cipherSuite == .chacha20Poly1305SHA256)

        var server = TestConfigs.p2p()
        server.preferClientCipherSuiteOrder = true
        var pair2 = HandshakePair(client: client, server: server)
        #expect(pair2.run() == .completed)
        #expect(pair2.server.session.cipherSuite == .aes128GCMSHA256)

        var aesServer = TestConfigs.p2p()
        aesServer.cipherSuites = [.aes256GCMSHA384]
        var pair3 = HandshakePair(client: client, server: aesServer)
        #expect(pair3.run() == .serverFailed(.handshakeFailure))
    }

    @Test func helloRetryRequestWhenFirstFlightHasNoShare() {
        var client = TestConfigs.p2p()
        client.offerKeyShareInFirstFlight = false
        var server = TestConfigs.p2p()
        server.clientAuthentication = .required
        var pair = HandshakePair(client: client, server: server)
        #expect(pair.run() == .completed)
        #expect(pair.client.session.didHelloRetry)
        #expect(pair.server.session.didHelloRetry)
        #expect(pair.client.keyChanges.last?.secrets.client == pair.server.keyChanges.last?.secrets.client)
    }

    @Test func helloRetryRequestForRefusedGroup() throws {
        // A ClientHello whose only share is for secp256r1 (which we refuse) → HRR for x25519.
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let flights = pair.client.flush()
        var ch = try ClientHello(body: Array(flights[0].bytes.dropFirst(4)))
        for i in ch.extensions.indices {
            if ch.extensions[i].type == .supportedGroups {
                ch.extensions[i].data = Extensions.encodeUInt16List([NamedGroup.secp256r1, NamedGroup.x25519])
            }
            if ch.extensions[i].type == .keyShare {
                ch.extensions[i].data = Extensions.encodeClientKeyShares([(NamedGroup.secp256r1, [0x04] + [UInt8](repeating: 7, count: 64))])
            }
        }
        try pair.server.receive([Flight(level: .initial, bytes: ch.encoded())])
        let reply = pair.server.flush()
        #expect(reply.count == 1 && reply[0].level == .initial)
        let hrr = try ServerHello(body: Array(reply[0].bytes.dropFirst(4)))
        #expect(hrr.isHelloRetryRequest)
        #expect(try Extensions.decodeUInt16(try #require(hrr.extensions.data(.keyShare))) == NamedGroup.x25519)
        // A second ClientHello still without an X25519 share → illegal_parameter.
        #expect(throws: TLSError.self) { try pair.server.receive([Flight(level: .initial, bytes: ch.encoded())]) }
        #expect(pair.server.session.failure?.alert == .illegalParameter)
    }

    @Test func secondHelloRetryRequestIsUnexpected() throws {
        var client = TestConfigs.p2p()
        client.offerKeyShareInFirstFlight = false
        var pair = HandshakePair(client: client, server: TestConfigs.p2p())
        try pair.server.receive(pair.client.flush())
        let hrr = pair.server.flush()
        try pair.client.receive(hrr)
        #expect(throws: TLSError.self) { try pair.client.receive(hrr) }
        #expect(pair.client.session.failure?.alert == .unexpectedMessage)
    }

    @Test func certificateAuthorityModeWithSPIFFE() {
        let pki = TestPKI(now: TestConfigs.now)
        let clientPKI = TestPKI(now: TestConfigs.now, leafNames: [.uri("spiffe://example.org/client")])
        let serverConfig = { () -> TLSConfiguration in
            var c = TLSConfiguration(privateKey: pki.leafKey, certificateChain: pki.chain,
                                     peerVerification: .certificateAuthority(trustAnchors: [clientPKI.root], leafPolicy: .spiffe(trustDomain: "example.org")),
                                     alpnProtocols: TestConfigs.alpn)
            c.clientAuthentication = .required
            return c
        }()
        let clientConfig = TLSConfiguration(privateKey: clientPKI.leafKey, certificateChain: clientPKI.chain,
                                            peerVerification: .certificateAuthority(trustAnchors: [pki.root], leafPolicy: .spiffe(trustDomain: nil)),
                                            alpnProtocols: TestConfigs.alpn)
        var pair = HandshakePair(client: clientConfig, server: serverConfig)
        #expect(pair.run() == .completed)
        #expect(pair.client.session.peerIdentity?.spiffeID?.description == "spiffe://example.org/workload/a")
        #expect(pair.server.session.peerIdentity?.spiffeID?.description == "spiffe://example.org/client")

        // The client trusting another root → unknown_ca.
        let other = TestPKI(now: TestConfigs.now)
        var wrongTrust = clientConfig
        wrongTrust.peerVerification = .certificateAuthority(trustAnchors: [other.root], leafPolicy: .generic)
        var pair2 = HandshakePair(client: wrongTrust, server: serverConfig)
        #expect(pair2.run() == .clientFailed(.unknownCA))
    }

    @Test func mutualTLSFailures() {
        var server = TestConfigs.p2p()
        server.clientAuthentication = .required
        // No client certificate → certificate_required.
        var anonymous = TestConfigs.p2p()
        anonymous.privateKey = nil
        anonymous.certificateChain = []
        var pair = HandshakePair(client: anonymous, server: server)
        #expect(pair.run() == .serverFailed(.certificateRequired))

        // Optional client authentication accepts the anonymous client.
        var optional = TestConfigs.p2p()
        optional.clientAuthentication = .optional
        var pair2 = HandshakePair(client: anonymous, server: optional)
        #expect(pair2.run() == .completed)
        #expect(pair2.server.session.peerIdentity == nil)

        // A client certificate with a broken signature → bad_certificate.
        var broken = TestConfigs.selfSignedIdentity()
        broken.cert[broken.cert.count - 1] ^= 0x01
        var pair3 = HandshakePair(client: TestConfigs.p2p(identity: broken), server: server)
        #expect(pair3.run() == .serverFailed(.badCertificate))

        // An expired client certificate → certificate_expired.
        let key = Ed25519.PrivateKey.generate()
        let old = CertificateBuilder.leaf(commonName: nil, names: [], notBefore: 1000, notAfter: 2000).selfSigned(key: key)
        var pair4 = HandshakePair(client: TestConfigs.p2p(identity: (key, old.der)), server: server)
        #expect(pair4.run() == .serverFailed(.certificateExpired))

        // The server pinning another identity → bad_certificate.
        var pinned = server
        pinned.peerVerification = .selfSigned(expectedKey: [UInt8](repeating: 9, count: 32))
        var pair5 = HandshakePair(client: TestConfigs.p2p(), server: pinned)
        #expect(pair5.run() == .serverFailed(.badCertificate))
    }

    @Test func wrongExpectedServerKey() {
        var pair = HandshakePair(client: TestConfigs.p2p(expect: [UInt8](repeating: 1, count: 32)), server: TestConfigs.p2p())
        #expect(pair.run() == .clientFailed(.badCertificate))
    }

    @Test func alpnMismatch() {
        var client = TestConfigs.p2p()
        client.alpnProtocols = [Array("h3".utf8)]
        var pair = HandshakePair(client: client, server: TestConfigs.p2p())
        #expect(pair.run() == .serverFailed(.noApplicationProtocol))
        #expect(TLSAlert.noApplicationProtocol.quicErrorCode == 0x178)
    }

    /// Rewrites the message of `type` in the server's handshake flight.
    static func tamperServerFlight(_ type: HandshakeType, _ edit: @escaping (inout [UInt8]) -> Void) -> (Bool, [Flight]) -> [Flight] {
        { toServer, flights in
            guard !toServer else { return flights }
            return flights.map { f in
                guard f.level == .handshake else { return f }
                var out: [UInt8] = []
                for var m in TestConfigs.messages(f.bytes) {
                    if m[0] == type.rawValue { edit(&m) }
                    out += m
                }
                return Flight(level: f.level, bytes: out)
            }
        }
    }

    @Test func wrongCertificateVerifySignatureIsDecryptError() {
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        #expect(pair.run(tamper: Self.tamperServerFlight(.certificateVerify) { $0[$0.count - 1] ^= 0x80 }) == .clientFailed(.decryptError))
    }

    @Test func wrongFinishedIsDecryptError() {
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        #expect(pair.run(tamper: Self.tamperServerFlight(.finished) { $0[10] ^= 1 }) == .clientFailed(.decryptError))
    }

    @Test func unofferedSignatureSchemeIsIllegalParameter() {
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        #expect(pair.run(tamper: Self.tamperServerFlight(.certificateVerify) { $0[4] = 0x04; $0[5] = 0x03 }) == .clientFailed(.illegalParameter))
    }

    @Test func duplicatedAndOutOfOrderMessages() throws {
        // Duplicate EncryptedExtensions.
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let dup = pair.run(tamper: { toServer, flights in
            guard !toServer else { return flights }
            return flights.map { f in
                guard f.level == .handshake else { return f }
                let ms = TestConfigs.messages(f.bytes)
                return Flight(level: f.level, bytes: ms[0] + ms[0] + ms.dropFirst().flatMap { $0 })
            }
        })
        #expect(dup == .clientFailed(.unexpectedMessage))

        // Certificate before EncryptedExtensions.
        var pair2 = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let swapped = pair2.run(tamper: { toServer, flights in
            guard !toServer else { return flights }
            return flights.map { f in
                guard f.level == .handshake else { return f }
                var ms = TestConfigs.messages(f.bytes)
                ms.swapAt(0, 1)
                return Flight(level: f.level, bytes: ms.flatMap { $0 })
            }
        })
        #expect(swapped == .clientFailed(.unexpectedMessage))

        // Handshake data at the wrong level.
        var pair3 = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let ch = pair3.client.flush()
        #expect(throws: TLSError(.unexpectedMessage, "handshake data at handshake while expecting initial")) {
            try pair3.server.receive([Flight(level: .handshake, bytes: ch[0].bytes)])
        }
    }

    @Test func truncatedAndFragmentedInput() throws {
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let ch = pair.client.flush()[0].bytes
        // Byte-by-byte: nothing happens until the last byte, then the server answers.
        for (i, b) in ch.enumerated() {
            try pair.server.session.readHandshake(level: .initial, bytes: [b])
            var probe: [UInt8] = []
            let change = pair.server.session.writeHandshake(into: &probe)
            if i < ch.count - 1 {
                #expect(probe.isEmpty && change == nil)
            } else {
                #expect(!probe.isEmpty)  // ServerHello
                #expect(change?.level == .handshake)
            }
        }
        // A truncated Finished body (wrong length) → decode_error.
        var pair2 = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        let out = pair2.run(tamper: { toServer, flights in
            guard !toServer else { return flights }
            return flights.map { f in
                guard f.level == .handshake else { return f }
                var ms = TestConfigs.messages(f.bytes)
                var fin = ms[ms.count - 1]
                fin.removeLast()
                fin[3] -= 1
                ms[ms.count - 1] = fin
                return Flight(level: f.level, bytes: ms.flatMap { $0 })
            }
        })
        #expect(out == .clientFailed(.decodeError))
        // A message truncated inside its body (length says more than present) → decode_error.
        var body = ch
        body[3] = body[3] &- 5
        body.removeLast(5)
        var server = Endpoint(session: TLSSession(server: TestConfigs.p2p(), transportParameters: [], now: TestConfigs.now))
        #expect(throws: TLSError.self) { try server.receive([Flight(level: .initial, bytes: body)]) }
        #expect(server.session.failure?.alert == .decodeError)
    }

    @Test func clientHelloExtensionRules() throws {
        func serverResult(_ edit: (inout ClientHello) -> Void) throws -> TLSAlert? {
            var client = Endpoint(session: TLSSession(client: TestConfigs.p2p(), transportParameters: [1], now: TestConfigs.now))
            var ch = try ClientHello(body: Array(client.flush()[0].bytes.dropFirst(4)))
            edit(&ch)
            var server = Endpoint(session: TLSSession(server: TestConfigs.p2p(), transportParameters: [], now: TestConfigs.now))
            do { try server.receive([Flight(level: .initial, bytes: ch.encoded())]) } catch { return error.alert }
            return nil
        }
        // Unknown extensions are ignored.
        #expect(try serverResult { $0.extensions.insert(TLSExtension(type: ExtensionType(rawValue: 0xfafa), data: [1, 2]), at: 0) } == nil)
        // Duplicated extension → illegal_parameter (decoded by the parser).
        #expect(try serverResult { $0.extensions.append($0.extensions[0]) } == .illegalParameter)
        // Missing transport parameters → missing_extension.
        #expect(try serverResult { $0.extensions.removeAll { $0.type == .quicTransportParameters } } == .missingExtension)
        // No TLS 1.3 → protocol_version.
        #expect(try serverResult { $0.extensions.removeAll { $0.type == .supportedVersions } } == .protocolVersion)
        // No ed25519 → handshake_failure.
        #expect(try serverResult { ch in
            for i in ch.extensions.indices where ch.extensions[i].type == .signatureAlgorithms {
                ch.extensions[i].data = Extensions.encodeUInt16List([0x0403])
            }
        } == .handshakeFailure)
        // Compression other than null → illegal_parameter.
        #expect(try serverResult { $0.compressionMethods = [1, 0] } == .illegalParameter)
        // pre_shared_key not last → illegal_parameter.
        #expect(try serverResult { $0.extensions.insert(TLSExtension(type: .preSharedKey, data: [0]), at: 0) } == .illegalParameter)
        // No ALPN → no_application_protocol.
        #expect(try serverResult { $0.extensions.removeAll { $0.type == .alpn } } == .noApplicationProtocol)
        // An all-zero (small-order) X25519 share → illegal_parameter.
        #expect(try serverResult { ch in
            for i in ch.extensions.indices where ch.extensions[i].type == .keyShare {
                ch.extensions[i].data = Extensions.encodeClientKeyShares([(NamedGroup.x25519, [UInt8](repeating: 0, count: 32))])
            }
        } == .illegalParameter)
    }

    @Test func serverHelloChecksAndDowngradeSentinel() throws {
        func clientResult(_ edit: (inout ServerHello) -> Void) throws -> TLSAlert? {
            var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
            try pair.server.receive(pair.client.flush())
            let flights = pair.server.flush()
            var sh = try ServerHello(body: Array(flights[0].bytes.dropFirst(4)))
            edit(&sh)
            do { try pair.client.receive([Flight(level: .initial, bytes: sh.encoded())]) } catch { return error.alert }
            return nil
        }
        #expect(try clientResult { _ in } == nil)
        // A TLS 1.2 ServerHello carrying the downgrade sentinel → illegal_parameter (RFC 8446 §4.1.3).
        #expect(try clientResult { sh in
            sh.extensions.removeAll { $0.type == .supportedVersions }
            sh.random.replaceSubrange(24..<32, with: [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01])
        } == .illegalParameter)
        #expect(try clientResult { sh in
            sh.extensions.removeAll { $0.type == .supportedVersions }
            sh.random.replaceSubrange(24..<32, with: [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00])
        } == .illegalParameter)
        // Without the sentinel → protocol_version.
        #expect(try clientResult { $0.extensions.removeAll { $0.type == .supportedVersions } } == .protocolVersion)
        // Unoffered suite, session id mismatch, unsolicited extension, missing key_share.
        #expect(try clientResult { $0.cipherSuite = 0x1304 } == .illegalParameter)
        #expect(try clientResult { $0.legacySessionIDEcho = [1] } == .illegalParameter)
        #expect(try clientResult { $0.extensions.append(TLSExtension(type: ExtensionType(rawValue: 0x7777), data: [])) } == .unsupportedExtension)
        #expect(try clientResult { $0.extensions.append(TLSExtension(type: .alpn, data: [])) } == .illegalParameter)
        #expect(try clientResult { $0.extensions.removeAll { $0.type == .keyShare } } == .missingExtension)
        // A duplicated extension in ServerHello → illegal_parameter.
        #expect(try clientResult { $0.extensions.append($0.extensions[0]) } == .illegalParameter)
    }

    @Test func postHandshakeMessages() throws {
        var pair = HandshakePair(client: TestConfigs.p2p(), server: TestConfigs.p2p())
        #expect(pair.run() == .completed)
        // NewSessionTicket is accepted and ignored.
        let nst = NewSessionTicket(lifetime: 3600, ageAdd: 1, nonce: [0], ticket: [1, 2, 3]).encoded()
        try pair.client.receive([Flight(level: .application, bytes: nst)])
        // KeyUpdate is QUIC's business: a TLS KeyUpdate is unexpected (RFC 9001 §6).
        #expect(throws: TLSError.self) { try pair.client.receive([Flight(level: .application, bytes: [24, 0, 0, 1, 0])]) }
        #expect(pair.client.session.failure?.alert == .unexpectedMessage)
        // Anything after the client's Finished on the server → unexpected_message.
        #expect(throws: TLSError.self) { try pair.server.receive([Flight(level: .application, bytes: nst)]) }
    }

    @Test func randomInputNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<300 {
            var server = TLSSession(server: TestConfigs.p2p(), transportParameters: [], now: TestConfigs.now)
            var client = TLSSession(client: TestConfigs.p2p(), transportParameters: [], now: TestConfigs.now)
            let n = Int.random(in: 0..<300, using: &rng)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if i % 2 == 0, bytes.count > 4 { bytes[0] = UInt8(i % 3 == 0 ? 1 : 2); bytes[1] = 0; bytes[2] = 0; bytes[3] = UInt8(truncatingIfNeeded: bytes.count - 4) }
            _ = try? server.readHandshake(level: .initial, bytes: bytes)
            _ = try? client.readHandshake(level: .initial, bytes: bytes)
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func peerToPeerConvenience() {
        let a = Ed25519.PrivateKey.generate(), b = Ed25519.PrivateKey.generate()
        let client = TLSConfiguration.peerToPeer(identity: a, now: TestConfigs.now, expectedPeerKey: b.publicKey.rawRepresentation)
        var server = TLSConfiguration.peerToPeer(identity: b, now: TestConfigs.now)
        server.clientAuthentication = .required
        var pair = HandshakePair(client: client, server: server)
        #expect(pair.run() == .completed)
        #expect(pair.server.session.peerIdentity?.publicKey == a.publicKey.rawRepresentation)
    }

    @Test func clientSendsNoCertificateWhenEd25519IsNotAccepted() throws {
        var server = TestConfigs.p2p()
        server.clientAuthentication = .optional
        var pair = HandshakePair(client: TestConfigs.p2p(), server: server)
        // Rewrite the CertificateRequest to list only ecdsa_secp256r1_sha256; the server's own
        // Finished then fails on the client, so only check what the client would send.
        let outcome = pair.run(tamper: HandshakeTests.tamperServerFlight(.certificateRequest) { m in
            var cr = (try? CertificateRequest(body: Array(m.dropFirst(4)))) ?? CertificateRequest(extensions: [])
            cr.extensions = [TLSExtension(type: .signatureAlgorithms, data: Extensions.encodeUInt16List([0x0403]))]
            m = cr.encoded()
        })
        #expect(outcome == .clientFailed(.decryptError))
        #expect(pair.client.session.serverAcceptsOurCertificate == false)
    }
}

@Suite struct ServerNameTests {
    @Test func ipLiteralsAreNotSentAsSNI() throws {
        #expect(TLSSession.isIPLiteral("127.0.0.1"))
        #expect(TLSSession.isIPLiteral("::1"))
        #expect(!TLSSession.isIPLiteral("node.example"))
        #expect(!TLSSession.isIPLiteral("1.2.3"))
        var config = TestConfigs.p2p()
        config.serverName = "10.0.0.1"
        var client = Endpoint(session: TLSSession(client: config, transportParameters: [1], now: TestConfigs.now))
        let ch = try ClientHello(body: Array(client.flush()[0].bytes.dropFirst(4)))
        #expect(ch.extensions.data(.serverName) == nil)
    }
}
