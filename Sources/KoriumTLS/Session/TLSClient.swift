import KoriumCrypto

/// The client side of the handshake (RFC 8446 §4, RFC 9001 §4).
extension TLSSession {
    func buildClientHello(keyShares: [(group: UInt16, key: [UInt8])], cookie: [UInt8]?) -> ClientHello {
        var ext: [TLSExtension] = []
        // RFC 6066 §3: literal IP addresses are not permitted in server_name.
        if let name = config.serverName, !Self.isIPLiteral(name) {
            ext.append(TLSExtension(type: .serverName, data: Extensions.encodeServerName(Array(name.utf8))))
        }
        ext.append(TLSExtension(type: .supportedVersions, data: Extensions.encodeClientVersions([ProtocolVersion.tls13])))
        ext.append(TLSExtension(type: .supportedGroups, data: Extensions.encodeUInt16List([NamedGroup.x25519])))
        ext.append(TLSExtension(type: .signatureAlgorithms, data: Extensions.encodeUInt16List([SignatureScheme.ed25519])))
        ext.append(TLSExtension(type: .keyShare, data: Extensions.encodeClientKeyShares(keyShares)))
        ext.append(TLSExtension(type: .alpn, data: Extensions.encodeALPN(config.alpnProtocols)))
        if let cookie { ext.append(TLSExtension(type: .cookie, data: Extensions.encodeCookie(cookie))) }
        ext.append(TLSExtension(type: .quicTransportParameters, data: localTransportParameters))
        // RFC 9001 §8.4: QUIC clients send an empty legacy_session_id (no middlebox mode).
        return ClientHello(random: clientRandom, legacySessionID: [], cipherSuites: config.cipherSuites.map(\.rawValue), extensions: ext)
    }

    /// Whether `name` is an IPv4 dotted quad or an IPv6 literal (those never go into SNI).
    static func isIPLiteral(_ name: String) -> Bool {
        if name.contains(":") { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) }
    }

    /// Extensions in a server message that we did not send, or that do not belong there.
    func checkServerExtensions(_ extensions: [TLSExtension], allowed: Set<ExtensionType>, message: String) throws(TLSError) {
        for e in extensions where !allowed.contains(e.type) {
            // RFC 8446 §4.2: a response to an extension we did not offer → unsupported_extension;
            // a recognised extension in the wrong message → illegal_parameter.
            if sentExtensionTypes.contains(e.type) || ExtensionType.recognised.contains(e.type) {
                throw TLSError(.illegalParameter, "extension \(e.type) not allowed in \(message)")
            }
            throw TLSError(.unsupportedExtension, "unsolicited extension \(e.type) in \(message)")
        }
    }

    mutating func clientHandleServerHello(_ sh: ServerHello, message: [UInt8]) throws(TLSError) {
        // RFC 8446 §4.1.3: a TLS 1.3 ServerHello carries supported_versions = 0x0304; without it
        // the server negotiated TLS 1.2 or older, so check the downgrade sentinels first.
        guard let versionData = sh.extensions.data(.supportedVersions) else {
            let tail = Array(sh.random.suffix(8))
            if tail == downgradeSentinelTLS12 || tail == downgradeSentinelTLS11 {
                throw TLSError(.illegalParameter, "downgrade sentinel in ServerHello.random")
            }
            throw TLSError(.protocolVersion, "server did not negotiate TLS 1.3")
        }
        guard try Extensions.decodeUInt16(versionData) == ProtocolVersion.tls13 else {
            throw TLSError(.illegalParameter, "server selected a version we did not offer")
        }
        guard sh.legacyVersion == ProtocolVersion.tls12 else { throw TLSError(.illegalParameter, "legacy_version") }
        guard sh.compressionMethod == 0 else { throw TLSError(.illegalParameter, "compression method") }
        guard let hello = sentClientHello, sh.legacySessionIDEcho == hello.legacySessionID else {
            throw TLSError(.illegalParameter, "legacy_session_id_echo mismatch")
        }
        guard let suite = CipherSuite(rawValue: sh.cipherSuite), config.cipherSuites.contains(suite) else {
            throw TLSError(.illegalParameter, "server selected an unoffered cipher suite")
        }
        if sh.isHelloRetryRequest {
            try clientHandleHelloRetryRequest(sh, message: message, suite: suite)
            return
        }
        // RFC 8446 §4.1.4: the suite after an HRR must be the one the HRR chose.
        if let hrrSuite = helloRetrySuite, hrrSuite != suite {
            throw TLSError(.illegalParameter, "cipher suite changed after HelloRetryRequest")
        }
        try checkServerExtensions(sh.extensions, allowed: [.supportedVersions, .keyShare], message: "ServerHello")
        guard let shareData = sh.extensions.data(.keyShare) else {
            throw TLSError(.missingExtension, "ServerHello without key_share")
        }
        let share = try Extensions.decodeServerKeyShare(shareData)
        guard share.group == NamedGroup.x25519, let key = x25519Key else {
            throw TLSError(.illegalParameter, "server key_share for a group we did not send")
        }
        let shared = try sharedSecret(key, peerShare: share.key)
        cipherSuite = suite
        transcript.append(contentsOf: message)
        startHandshakeKeys(suite: suite, shared: shared)
        x25519Key = nil
        readLevel = .handshake
        state = .clientWaitEncryptedExtensions
    }

    mutating func clientHandleHelloRetryRequest(_ hrr: ServerHello, message: [UInt8], suite: CipherSuite) throws(TLSError) {
        // RFC 8446 §4.1.4: a second HelloRetryRequest → unexpected_message.
        guard !didHelloRetry else { throw TLSError(.unexpectedMessage, "second HelloRetryRequest") }
        try checkServerExtensions(hrr.extensions, allowed: [.supportedVersions, .keyShare, .cookie], message: "HelloRetryRequest")
        var selectedGroup: UInt16? = nil
        if let data = hrr.extensions.data(.keyShare) {
            let group = try Extensions.decodeUInt16(data)
            // The group must be one we support and not one we already sent a share for.
            guard group == NamedGroup.x25519, x25519Key == nil else {
                throw TLSError(.illegalParameter, "HelloRetryRequest selected group \(group)")
            }
            selectedGroup = group
        }
        let cookie = try hrr.extensions.data(.cookie).map { (d: [UInt8]) throws(TLSError) -> [UInt8] in try Extensions.decodeCookie(d) }
        // RFC 8446 §4.1.4: an HRR that would not change the ClientHello → illegal_parameter.
        guard selectedGroup != nil || cookie != nil else {
            throw TLSError(.illegalParameter, "HelloRetryRequest requests no change")
        }
        didHelloRetry = true
        helloRetrySuite = suite
        replaceTranscriptWithMessageHash(suite.hash)
        transcript.append(contentsOf: message)
        var shares: [(group: UInt16, key: [UInt8])] = []
        if let key = x25519Key {
            shares = [(NamedGroup.x25519, Array(key.publicKey.rawRepresentation))]
        } else {
            let key = makeX25519Key()
            x25519Key = key
            shares = [(NamedGroup.x25519, Array(key.publicKey.rawRepresentation))]
        }
        let hello = buildClientHello(keyShares: shares, cookie: cookie)
        sentClientHello = hello
        sentExtensionTypes = Set(hello.extensions.map(\.type))
        let encoded = hello.encoded()
        transcript.append(contentsOf: encoded)
        output.append(.bytes(encoded))
    }

    mutating func clientHandleEncryptedExtensions(_ ee: EncryptedExtensions, message: [UInt8]) throws(TLSError) {
        var allowed: Set<ExtensionType> = [.alpn, .quicTransportParameters, .supportedGroups]
        if sentExtensionTypes.contains(.serverName) { allowed.insert(.serverName) }
        try checkServerExtensions(ee.extensions, allowed: allowed, message: "EncryptedExtensions")
        // RFC 9001 §8.1: without an ALPN agreement the handshake fails with no_application_protocol.
        guard let alpnData = ee.extensions.data(.alpn) else {
            throw TLSError(.noApplicationProtocol, "server selected no application protocol")
        }
        let selected = try Extensions.decodeALPN(alpnData)
        // RFC 7301 §3.1: exactly one protocol, one we offered.
        guard selected.count == 1, config.alpnProtocols.contains(selected[0]) else {
            throw TLSError(.illegalParameter, "server selected an unoffered application protocol")
        }
        // RFC 9001 §8.2: quic_transport_parameters is mandatory → missing_extension.
        guard let tp = ee.extensions.data(.quicTransportParameters) else {
            throw TLSError(.missingExtension, "server sent no quic_transport_parameters")
        }
        if let sni = ee.extensions.data(.serverName), !sni.isEmpty {
            throw TLSError(.decodeError, "non-empty server_name in EncryptedExtensions")
        }
        transcript.append(contentsOf: message)
        negotiatedALPN = selected[0]
        peerTransportParameters = tp
        events.append(.alpnNegotiated(selected[0]))
        events.append(.peerTransportParameters(tp))
        state = .clientWaitCertificateOrRequest
    }

    mutating func clientHandleCertificateRequest(_ cr: CertificateRequest, message: [UInt8]) throws(TLSError) {
        // RFC 8446 §4.3.2: during the handshake the context is empty.
        guard cr.context.isEmpty else { throw TLSError(.illegalParameter, "non-empty certificate_request_context") }
        guard let sigs = cr.extensions.data(.signatureAlgorithms) else {
            throw TLSError(.missingExtension, "CertificateRequest without signature_algorithms")
        }
        // RFC 8446 §4.4.2.3: without an acceptable certificate the client sends an empty
        // Certificate; ours is Ed25519, so it is acceptable only if ed25519 is listed.
        serverAcceptsOurCertificate = try Extensions.decodeUInt16List(sigs).contains(SignatureScheme.ed25519)
        transcript.append(contentsOf: message)
        certificateRequestContext = cr.context
        state = .clientWaitCertificate
    }

    mutating func clientHandleCertificate(_ cert: CertificateMessage, message: [UInt8]) throws(TLSError) {
        guard cert.context.isEmpty else { throw TLSError(.illegalParameter, "server Certificate with a request context") }
        // RFC 8446 §4.4.2.4: an empty server Certificate → decode_error.
        guard !cert.entries.isEmpty else { throw TLSError(.decodeError, "server sent no certificate") }
        let identity = try verifyPeerCertificates(cert.entries)
        transcript.append(contentsOf: message)
        state = .clientWaitCertificateVerify(identity)
    }

    mutating func clientHandleFinished(body: [UInt8], message: [UInt8], identity: PeerIdentity) throws(TLSError) {
        guard let suite = cipherSuite, let hs = handshakeSecrets else { preconditionFailure("handshake keys missing") }
        try checkPeerFinished(body: body, message: message, baseKey: hs.server, suite: suite)
        let oneRTT = deriveApplicationSecrets(suite: suite)
        var flight: [UInt8] = []
        if let context = certificateRequestContext {
            flight += ownCertificateMessages(context: context, suite: suite)
        }
        flight += ownFinished(baseKey: hs.client, suite: suite)
        output.append(.bytes(flight))
        output.append(.keyChange(oneRTT))
        readLevel = .application
        state = .connected
        isHandshakeComplete = true
        events.append(.handshakeComplete)
    }
}
