import KoriumCrypto

/// The server side of the handshake (RFC 8446 §4, RFC 9001 §4).
extension TLSSession {
    mutating func serverHandleClientHello(_ ch: ClientHello, message: [UInt8]) throws(TLSError) {
        let isRetry = didHelloRetry
        if isRetry, let first = sentClientHello {
            // RFC 8446 §4.1.2: the second ClientHello repeats the first except key_share,
            // cookie, early_data and padding; we check the fields we relied on.
            guard ch.random == first.random, ch.legacySessionID == first.legacySessionID,
                  ch.cipherSuites == first.cipherSuites else {
                throw TLSError(.illegalParameter, "second ClientHello differs from the first")
            }
        }
        // RFC 8446 §4.2.1: without supported_versions the client offers TLS 1.2 at most.
        guard let versionsData = ch.extensions.data(.supportedVersions) else {
            throw TLSError(.protocolVersion, "client does not offer TLS 1.3")
        }
        guard try Extensions.decodeClientVersions(versionsData).contains(ProtocolVersion.tls13) else {
            throw TLSError(.protocolVersion, "client does not offer TLS 1.3")
        }
        // RFC 8446 §4.1.2: legacy_compression_methods MUST be exactly [null].
        guard ch.compressionMethods == [0] else { throw TLSError(.illegalParameter, "compression methods") }
        // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension.
        if let index = ch.extensions.firstIndex(where: { $0.type == .preSharedKey }), index != ch.extensions.count - 1 {
            throw TLSError(.illegalParameter, "pre_shared_key is not the last extension")
        }
        // Suite: by our preference unless configured to follow the client's.
        let offered = ch.cipherSuites.compactMap(CipherSuite.init(rawValue:))
        let suite: CipherSuite?
        if config.preferClientCipherSuiteOrder {
            suite = offered.first(where: config.cipherSuites.contains)
        } else {
            suite = config.cipherSuites.first(where: offered.contains)
        }
        guard let suite else { throw TLSError(.handshakeFailure, "no common cipher suite") }
        if let hrrSuite = helloRetrySuite, hrrSuite != suite {
            throw TLSError(.illegalParameter, "cipher suite changed after HelloRetryRequest")
        }
        // RFC 8446 §9.2: without a PSK, signature_algorithms, supported_groups and key_share are required.
        guard let sigData = ch.extensions.data(.signatureAlgorithms) else {
            throw TLSError(.missingExtension, "ClientHello without signature_algorithms")
        }
        guard try Extensions.decodeUInt16List(sigData).contains(SignatureScheme.ed25519) else {
            throw TLSError(.handshakeFailure, "client does not accept ed25519 signatures")
        }
        guard let groupsData = ch.extensions.data(.supportedGroups) else {
            throw TLSError(.missingExtension, "ClientHello without supported_groups")
        }
        let groups = try Extensions.decodeUInt16List(groupsData)
        guard let sharesData = ch.extensions.data(.keyShare) else {
            throw TLSError(.missingExtension, "ClientHello without key_share")
        }
        let shares = try Extensions.decodeClientKeyShares(sharesData)
        var seenGroups = Set<UInt16>()
        for share in shares {
            // RFC 8446 §4.2.8: one share per group, only for groups in supported_groups.
            guard seenGroups.insert(share.group).inserted else { throw TLSError(.illegalParameter, "duplicate key_share group") }
            guard groups.contains(share.group) else { throw TLSError(.illegalParameter, "key_share group not in supported_groups") }
        }
        guard groups.contains(NamedGroup.x25519) else { throw TLSError(.handshakeFailure, "client does not support X25519") }
        // RFC 9001 §8.1: ALPN is mandatory for QUIC; no overlap → no_application_protocol.
        guard let alpnData = ch.extensions.data(.alpn) else {
            throw TLSError(.noApplicationProtocol, "client offered no application protocol")
        }
        let clientProtocols = try Extensions.decodeALPN(alpnData)
        guard let alpn = config.alpnProtocols.first(where: clientProtocols.contains) else {
            throw TLSError(.noApplicationProtocol, "no common application protocol")
        }
        // RFC 9001 §8.2: quic_transport_parameters is mandatory → missing_extension.
        guard let tp = ch.extensions.data(.quicTransportParameters) else {
            throw TLSError(.missingExtension, "client sent no quic_transport_parameters")
        }
        if let sniData = ch.extensions.data(.serverName), let host = try Extensions.decodeServerName(sniData) {
            serverName = String(decoding: host, as: UTF8.self)
        }

        guard let x25519Share = shares.first(where: { $0.group == NamedGroup.x25519 }) else {
            // RFC 8446 §4.1.4: a second ClientHello still without the share → illegal_parameter.
            guard !isRetry else { throw TLSError(.illegalParameter, "no X25519 share after HelloRetryRequest") }
            try sendHelloRetryRequest(ch, message: message, suite: suite)
            return
        }
        if isRetry {
            guard shares.count == 1 else { throw TLSError(.illegalParameter, "extra key shares after HelloRetryRequest") }
        }

        clientRandom = ch.random
        cipherSuite = suite
        let key = makeX25519Key()
        let shared = try sharedSecret(key, peerShare: x25519Share.key)
        transcript.append(contentsOf: message)
        serverRandom = config.randomBytes(32)
        let sh = ServerHello(
            random: serverRandom, legacySessionIDEcho: ch.legacySessionID, cipherSuite: suite.rawValue,
            extensions: [
                TLSExtension(type: .supportedVersions, data: Extensions.encodeUInt16(ProtocolVersion.tls13)),
                TLSExtension(type: .keyShare, data: Extensions.encodeServerKeyShare(
                    group: NamedGroup.x25519, key: Array(key.publicKey.rawRepresentation))),
            ]).encoded()
        transcript.append(contentsOf: sh)
        output.append(.bytes(sh))
        startHandshakeKeys(suite: suite, shared: shared)
        negotiatedALPN = alpn
        peerTransportParameters = tp
        events.append(.alpnNegotiated(alpn))
        events.append(.peerTransportParameters(tp))

        var flight = EncryptedExtensions(extensions: [
            TLSExtension(type: .alpn, data: Extensions.encodeALPN([alpn])),
            TLSExtension(type: .quicTransportParameters, data: localTransportParameters),
        ]).encoded()
        transcript.append(contentsOf: flight)
        if config.clientAuthentication != .none {
            let cr = CertificateRequest(context: [], extensions: [
                TLSExtension(type: .signatureAlgorithms, data: Extensions.encodeUInt16List([SignatureScheme.ed25519]))
            ]).encoded()
            transcript.append(contentsOf: cr)
            flight += cr
        }
        guard let hs = handshakeSecrets else { preconditionFailure("handshake secrets missing") }
        flight += ownCertificateMessages(context: [], suite: suite)
        flight += ownFinished(baseKey: hs.server, suite: suite)
        output.append(.bytes(flight))
        // The server may send 1-RTT data after its Finished (RFC 9001 §4.1.1).
        output.append(.keyChange(deriveApplicationSecrets(suite: suite)))
        readLevel = .handshake
        state = config.clientAuthentication == .none ? .serverWaitClientFinished(nil) : .serverWaitClientCertificate
    }

    private mutating func sendHelloRetryRequest(_ ch: ClientHello, message: [UInt8], suite: CipherSuite) throws(TLSError) {
        didHelloRetry = true
        helloRetrySuite = suite
        sentClientHello = ch
        transcript = message
        runningTranscriptHash.reset()
        replaceTranscriptWithMessageHash(suite.hash)
        let hrr = ServerHello(
            random: helloRetryRequestRandom, legacySessionIDEcho: ch.legacySessionID, cipherSuite: suite.rawValue,
            extensions: [
                TLSExtension(type: .supportedVersions, data: Extensions.encodeUInt16(ProtocolVersion.tls13)),
                TLSExtension(type: .keyShare, data: Extensions.encodeUInt16(NamedGroup.x25519)),
            ]).encoded()
        transcript.append(contentsOf: hrr)
        output.append(.bytes(hrr))
        // Stays at the Initial level, waiting for ClientHello2.
    }

    mutating func serverHandleCertificate(_ cert: CertificateMessage, message: [UInt8]) throws(TLSError) {
        guard cert.context.isEmpty else { throw TLSError(.illegalParameter, "client Certificate with a wrong context") }
        if cert.entries.isEmpty {
            // RFC 8446 §4.4.2.4: no client certificate when one is required → certificate_required.
            guard config.clientAuthentication != .required else {
                throw TLSError(.certificateRequired, "client sent no certificate")
            }
            transcript.append(contentsOf: message)
            state = .serverWaitClientFinished(nil)
            return
        }
        let identity = try verifyPeerCertificates(cert.entries)
        transcript.append(contentsOf: message)
        state = .serverWaitClientCertificateVerify(identity)
    }

    mutating func serverHandleFinished(body: [UInt8], message: [UInt8], identity: PeerIdentity?) throws(TLSError) {
        guard let suite = cipherSuite, let hs = handshakeSecrets else { preconditionFailure("handshake keys missing") }
        try checkPeerFinished(body: body, message: message, baseKey: hs.client, suite: suite)
        readLevel = .application
        state = .connected
        isHandshakeComplete = true
        events.append(.handshakeComplete)
    }
}
