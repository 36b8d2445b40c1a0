import KoriumCrypto
import KoriumTLS

extension Connection {
    /// The packet-number space carrying CRYPTO data of a TLS level.
    static func spaceIndex(_ level: EncryptionLevel) -> Int {
        switch level {
        case .initial: return 0
        case .handshake: return 1
        case .earlyData, .application: return 2
        }
    }

    /// Moves TLS output into the CRYPTO streams, installs new keys, handles TLS events.
    mutating func drainTLS(now: Instant) {
        while true {
            var bytes: [UInt8] = []
            let change = tls.writeHandshake(into: &bytes)
            if !bytes.isEmpty { spaces[Self.spaceIndex(tlsWriteLevel)].crypto.enqueue(bytes) }
            guard let change else { break }
            do { try installKeys(change) } catch {
                closeWithError(TransportError(.internalError, "key derivation failed"), now: now)
                return
            }
            tlsWriteLevel = change.level
            qlogKeysInstalled(change, now: now)
        }
        while let event = tls.pollEvent() {
            do { try handleTLSEvent(event, now: now) } catch {
                closeWithError(error, now: now)
                return
            }
        }
    }

    /// RFC 9001 §5.1: packet protection keys from the TLS traffic secrets.
    mutating func installKeys(_ change: KeyChange) throws(CryptoError) {
        let secrets = change.secrets
        let isClient = role == .client
        switch change {
        case .handshake:
            spaces[1].localKeys = try PacketKeys(secret: secrets.local(isClient: isClient), suite: secrets.cipherSuite)
            spaces[1].remoteKeys = try PacketKeys(secret: secrets.remote(isClient: isClient), suite: secrets.cipherSuite)
            recovery.setHasHandshakeKeys()
        case .oneRTT:
            oneRTT = try OneRTTKeys(suite: secrets.cipherSuite, localSecret: secrets.local(isClient: isClient),
                                    remoteSecret: secrets.remote(isClient: isClient))
        }
    }

    mutating func handleTLSEvent(_ event: TLSEvent, now: Instant) throws(TransportError) {
        switch event {
        case .alpnNegotiated(let protocolName):
            negotiatedALPN = protocolName
        case .peerTransportParameters(let bytes):
            let sender = role.peer
            let decoded: Result<TransportParameters, TransportError> = bytes.withUnsafeBytes { raw in
                do throws(TransportError) { return .success(try TransportParameters.decode(raw, sentBy: sender)) } catch {
                    return .failure(error)
                }
            }
            let params = try decoded.get()
            try validatePeerParameters(params)
            applyPeerParameters(params)
        case .peerAuthenticated(let identity):
            peerIdentity = identity
        case .handshakeComplete:
            onHandshakeComplete(now: now)
        }
    }

    /// RFC 9000 §7.3: the connection-ID parameters must match what the packets showed, or the
    /// handshake was tampered with: TRANSPORT_PARAMETER_ERROR.
    func validatePeerParameters(_ params: TransportParameters) throws(TransportError) {
        guard let initialSource = params.initialSourceConnectionID, initialSource == peerInitialSourceConnectionID else {
            throw .transportParameter("initial_source_connection_id missing or not the peer's Source Connection ID")
        }
        guard role == .client else { return }
        guard params.originalDestinationConnectionID == originalDestinationConnectionID else {
            throw .transportParameter("original_destination_connection_id does not match")
        }
        guard params.retrySourceConnectionID == retrySourceConnectionID else {
            throw .transportParameter("retry_source_connection_id does not match the Retry")
        }
    }

    mutating func applyPeerParameters(_ params: TransportParameters) {
        peerParameters = params
        streams.applyPeerParameters(params)
        cids.peerLimit = params.activeConnectionIDLimit
        recovery.setMaxAckDelay(.milliseconds(Int64(clamping: params.maxAckDelay)))
        if role == .client, let token = params.statelessResetToken { cids.setRemoteResetToken(token) }
        idle.timeout = IdleTimer.effective(local: localParameters.maxIdleTimeout, peer: params.maxIdleTimeout)
    }

    /// RFC 9001 §4.1.1: the handshake is complete; the server also confirms it at once (§4.1.2)
    /// and sends HANDSHAKE_DONE (RFC 9000 §19.20).
    mutating func onHandshakeComplete(now: Instant) {
        guard !isHandshakeComplete else { return }
        isHandshakeComplete = true
        if state == .handshaking { state = .established }
        statsStorage.handshakeDuration = now - createdAt
        emit(.handshakeCompleted)
        if role == .server {
            handshakeDonePending = true
            confirmHandshake(now: now)
        }
    }

    /// RFC 9001 §4.1.2 / §4.9.2: once confirmed, Handshake keys are discarded and more
    /// connection IDs are issued.
    mutating func confirmHandshake(now: Instant) {
        guard !isHandshakeConfirmed else { return }
        isHandshakeConfirmed = true
        recovery.setHandshakeConfirmed()
        recovery.setPeerCompletedAddressValidation()
        // RFC 9000 §14.3.1: DPLPMTUD enters its BASE state once the handshake is done.
        pmtu.start(peerMaximum: peerParameters?.maxUDPPayloadSize ?? UInt64(PathMTUDiscovery.baseSize))
        discardSpace(.handshake, now: now)
        if role == .client { discardSpace(.initial, now: now) }
        for entry in cids.issueUpToLimit(random: config.random) { emit(.connectionIDIssued(entry.id, entry.token)) }
    }

    /// RFC 9001 §4.9: drops a space's keys and its recovery state.
    mutating func discardSpace(_ space: PacketNumberSpace, now: Instant) {
        guard !spaces[space.rawValue].isDiscarded else { return }
        spaces[space.rawValue].discard()
        recovery.discard(space: space, now: now)
    }

    /// The idle timeout before the peer's parameters arrive uses ours alone.
    mutating func startIdleTimerIfNeeded(now: Instant) {
        if idle.timeout == nil && peerParameters == nil {
            idle.timeout = IdleTimer.effective(local: localParameters.maxIdleTimeout, peer: nil)
        }
        if idle.lastActivity == nil { idle.lastActivity = now }
    }
}
