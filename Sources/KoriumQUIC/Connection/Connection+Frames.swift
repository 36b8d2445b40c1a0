import KoriumTLS

extension Connection {
    /// Acts on one frame of an authenticated packet in `space` (RFC 9000 §19). The frame reader
    /// already enforced the packet-type table (§12.4); what is left are the role and state rules.
    mutating func handleFrame(_ frame: Frame, space: PacketNumberSpace, destination: ConnectionID, now: Instant) throws(TransportError) {
        switch frame {
        case .padding, .ping:
            break
        case .ack(let ack):
            try onAck(ack, space: space, now: now)
        case .crypto(let offset, let data):
            try onCrypto(offset: offset, data: data, space: space, now: now)
        case .connectionClose(let close):
            enterDraining(Self.peerCloseError(close), now: now)
        case .handshakeDone:
            // RFC 9000 §19.20: a server receiving HANDSHAKE_DONE is a PROTOCOL_VIOLATION.
            guard role == .client else { throw .protocolViolation(frameType: FrameType.handshakeDone, "HANDSHAKE_DONE sent by a client") }
            confirmHandshake(now: now)
        case .newToken(let token):
            // RFC 9000 §19.7: a server receiving NEW_TOKEN is a PROTOCOL_VIOLATION.
            guard role == .client else { throw .protocolViolation(frameType: FrameType.newToken, "NEW_TOKEN sent by a client") }
            emit(.newToken(Array(token)))
        case .newConnectionID(let frame):
            try cids.onNewConnectionID(frame)
        case .retireConnectionID(let sequence):
            if let retired = try cids.onRetireConnectionID(sequence: sequence, packetDestination: destination) {
                emit(.connectionIDRetired(retired))
                if isHandshakeConfirmed {
                    for entry in cids.issueUpToLimit(random: config.random) { emit(.connectionIDIssued(entry.id, entry.token)) }
                }
            }
        case .pathChallenge(let data):
            // RFC 9000 §8.2.2: echo the data; beyond a few queued responses, challenges are dropped.
            if pathResponses.count < Self.maxPendingPathResponses { pathResponses.append(data) }
        case .pathResponse(let data):
            onPathResponse(data)
        case .datagram(let data):
            // RFC 9221 §3: DATAGRAM without having advertised support, or larger than advertised,
            // is a PROTOCOL_VIOLATION.
            guard let maximum = localParameters.maxDatagramFrameSize, UInt64(data.count) <= maximum else {
                throw .protocolViolation(frameType: FrameType.datagramWithLength, "DATAGRAM not permitted or too large")
            }
            if receivedDatagramCount < config.maxReceivedDatagrams {
                receivedDatagramCount += 1
                emit(.datagramReceived(Array(data)))
            }
        case .stream, .resetStream, .stopSending, .maxData, .maxStreamData, .maxStreams, .dataBlocked,
             .streamDataBlocked, .streamsBlocked:
            try handleStreamFrame(frame, now: now)
        }
    }

    /// RFC 9000 §19.6: CRYPTO data for the level of `space`, handed to TLS once contiguous.
    mutating func onCrypto(offset: UInt64, data: UnsafeRawBufferPointer, space: PacketNumberSpace, now: Instant) throws(TransportError) {
        let s = space.rawValue
        let bytes = try spaces[s].crypto.onReceived(offset: offset, data: data)
        guard !bytes.isEmpty else { return }
        let level: EncryptionLevel
        switch space {
        case .initial: level = .initial
        case .handshake: level = .handshake
        case .applicationData: level = .application
        }
        do { try tls.readHandshake(level: level, bytes: bytes) } catch {
            throw .crypto(alert: error.alert.rawValue, "TLS handshake failed")
        }
    }

    /// RFC 9000 §19.3, RFC 9002 §A.7: an ACK frame for `space`.
    mutating func onAck(_ ack: AckFrame, space: PacketNumberSpace, now: Instant) throws(TransportError) {
        let s = space.rawValue
        var ackDelay = Duration.zero
        if space == .applicationData {
            let exponent = peerParameters?.ackDelayExponent ?? 3
            ackDelay = .microseconds(Int64(clamping: ack.ackDelayMicroseconds(exponent: exponent)))
        }
        ackedScratch.removeAll(keepingCapacity: true)
        lostScratch.removeAll(keepingCapacity: true)
        let appLimited = recovery.isAppLimited
        recovery.setAppLimited(appLimited || !recovery.isCongestionWindowLimited)
        try recovery.onAckReceived(ack, ackDelay: ackDelay, space: space, now: now, acked: &ackedScratch, lost: &lostScratch)
        recovery.setAppLimited(appLimited)
        var index = 0
        var ackedLarge = false
        while index < ackedScratch.count {
            let packet = ackedScratch[index]
            index += 1
            if packet.sentBytes > PathMTUDiscovery.baseSize {
                ackedLarge = true
                pmtuOnLargeAcked(packet, now: now)
            }
            if let range = spaces[s].sent.release(packet.packetNumber) {
                for f in range { onFrameAcked(spaces[s].sent.frames[f], space: space) }
            }
        }
        spaces[s].sent.compact()
        if space == .applicationData { oneRTT?.onAckReceived(largestAcknowledged: ack.largestAcknowledged) }
        if !ackedScratch.isEmpty {
            if role == .client && space == .handshake { recovery.setPeerCompletedAddressValidation() }
        }
        if config.qlog != nil {
            qlogPacketsLost(space: space, byTimeout: false, now: now)
            if !ackedScratch.isEmpty || !lostScratch.isEmpty { qlogRecoveryUpdated(lossOccurred: !lostScratch.isEmpty, now: now) }
        }
        onPacketsLost(space: space, ackedLarge: ackedLarge, now: now)
    }

    mutating func onFrameAcked(_ frame: SentFrame, space: PacketNumberSpace) {
        switch frame {
        case .ack(let largest):
            spaces[space.rawValue].received.onAckFrameAcknowledged(largestAcknowledged: largest)
        case .retireConnectionID:
            cids.onRetirementAcknowledged()
        case .stream(let record):
            streams.onAcked(record)
        case .newToken(let id):
            inFlightNewTokens[id] = nil
        case .crypto, .handshakeDone, .newConnectionID, .unreliable:
            break
        }
    }

    /// Requeues what the packets in ``lostScratch`` (all of `space`) carried; tells PMTU
    /// discovery about lost probes and large packets (`ackedLarge`: the same ACK acknowledged
    /// a packet larger than the base size).
    mutating func onPacketsLost(space: PacketNumberSpace, ackedLarge: Bool, now: Instant) {
        let s = space.rawValue
        statsStorage.packetsLost += UInt64(lostScratch.count)
        var index = 0
        var lostLarge = false
        while index < lostScratch.count {
            let packet = lostScratch[index]
            index += 1
            if packet.sentBytes > PathMTUDiscovery.baseSize {
                if packet.isPMTUProbe { pmtu.onLost(packet, now: now) } else { lostLarge = true }
            }
            guard let range = spaces[s].sent.release(packet.packetNumber) else { continue }
            for f in range {
                switch spaces[s].sent.frames[f] {
                case .crypto(let offset, let length):
                    spaces[s].crypto.onLost(offset..<(offset + UInt64(length)))
                case .handshakeDone:
                    handshakeDonePending = true
                case .newConnectionID(let sequence):
                    if cids.newConnectionIDFrame(sequence: sequence) != nil, !cids.pendingNewIDs.contains(sequence) {
                        cids.pendingNewIDs.append(sequence)
                    }
                case .retireConnectionID(let sequence):
                    cids.pendingRetirements.append(sequence)
                case .stream(let record):
                    streams.onLost(record)
                case .newToken(let id):
                    if let token = inFlightNewTokens.removeValue(forKey: id) { pendingNewTokens.append(token) }
                case .ack, .unreliable:
                    break
                }
            }
        }
        spaces[s].sent.compact()
        lostScratch.removeAll(keepingCapacity: true)
        if lostLarge || ackedLarge { pmtuOnLossEvent(lostLarge: lostLarge, ackedLarge: ackedLarge, now: now) }
    }
}
