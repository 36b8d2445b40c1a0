import KoriumWire

extension Connection {
    /// Processes one UDP datagram from `from`, decrypting its packets in place in the caller's
    /// buffer (the bytes are scratch afterwards). Never throws: a peer error closes the
    /// connection (RFC 9000 §10.2) and undecryptable packets are dropped (RFC 9001 §5.5).
    public mutating func handle(datagram: UnsafeMutableRawBufferPointer, from: PathAddress, now: Instant) {
        switch state {
        case .closed, .draining: return
        case .closing:
            // RFC 9000 §10.2.1: answer incoming packets with CONNECTION_CLOSE, at a limited rate:
            // on the 1st, 2nd, 4th, 8th, … datagram, so two closing peers cannot ping-pong.
            if var c = close {
                c.datagramsWhileClosing += 1
                if c.datagramsWhileClosing & (c.datagramsWhileClosing - 1) == 0 { c.sendPending = true }
                close = c
            }
            return
        case .handshaking, .established: break
        }
        // RFC 9000 §9: another address is a migrating (or NAT-rebound) peer, once allowed.
        guard from == remoteAddress || acceptsDatagram(fromNewAddress: from) else {
            statsStorage.packetsDropped += 1
            return
        }
        beginDatagram(from: from, count: datagram.count)
        defer { endDatagram(from: from, count: datagram.count, now: now) }
        statsStorage.bytesReceived += UInt64(datagram.count)
        if datagram.count > statsStorage.largestDatagramReceived { statsStorage.largestDatagramReceived = datagram.count }
        if role == .server && !isAddressValidated {
            amplificationReceived += datagram.count
            recovery.setAtAmplificationLimit(false)
        }
        var offset = 0
        while offset < datagram.count {
            let header: PacketHeader
            do {
                header = try PacketHeader.parse(UnsafeRawBufferPointer(datagram), at: offset,
                                                shortHeaderConnectionIDLength: config.localConnectionIDLength)
            } catch {
                // RFC 9000 §12.2: an unparseable packet ends the datagram's processing.
                statsStorage.packetsDropped += 1
                if offset == 0 { detectStatelessReset(datagram, now: now) }
                break
            }
            handlePacket(header, datagram: datagram, now: now)
            switch state {
            case .closed, .draining, .closing: return
            case .handshaking, .established: break
            }
            offset = header.packetEnd
        }
    }

    mutating func detectStatelessReset(_ datagram: UnsafeMutableRawBufferPointer, now: Instant) {
        detectStatelessReset(tail: Self.trailingToken(UnsafeRawBufferPointer(datagram)))
    }

    /// RFC 9000 §10.3.1: a datagram that cannot be processed but ends with the token of one of
    /// the peer's connection IDs is a Stateless Reset: the connection ends at once.
    mutating func detectStatelessReset(tail: StatelessResetToken?) {
        guard let tail, cids.isStatelessReset(token: tail) else { return }
        closeImmediately(.reset)
    }

    /// The last 16 bytes of a datagram long enough to be a Stateless Reset (read before
    /// decryption in place may scramble them).
    static func trailingToken(_ datagram: UnsafeRawBufferPointer) -> StatelessResetToken? {
        guard datagram.count >= StatelessReset.minimumSize else { return nil }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: datagram[(datagram.count - StatelessResetToken.byteCount)...]))
        return try? StatelessResetToken(from: &reader)
    }

    mutating func handlePacket(_ header: PacketHeader, datagram: UnsafeMutableRawBufferPointer, now: Instant) {
        switch header.type {
        case .versionNegotiation:
            handleVersionNegotiation(header, datagram: UnsafeRawBufferPointer(datagram))
        case .retry:
            handleRetry(header, datagram: UnsafeRawBufferPointer(datagram), now: now)
        case .zeroRTT, .unsupportedVersion:
            // No 0-RTT support: RFC 9000 §12.2 lets such packets be dropped.
            statsStorage.packetsDropped += 1
        case .initial, .handshake, .oneRTT:
            handleProtectedPacket(header, datagram: datagram, now: now)
        }
    }

    /// RFC 9000 §6.2: a client that receives a Version Negotiation listing none of its versions
    /// gives up; one that lists the version in use is discarded.
    mutating func handleVersionNegotiation(_ header: PacketHeader, datagram: UnsafeRawBufferPointer) {
        guard role == .client, !receivedFirstServerPacket, cids.isLocal(header.destinationConnectionID),
              header.sourceConnectionID == initialDestinationConnectionID else { return }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: datagram[header.tokenRange]))
        while let offered = try? reader.readUInt32() {
            if offered == version { return }
        }
        closeImmediately(.versionMismatch)
    }

    /// RFC 9000 §17.2.5.2: a client accepts one Retry before any server packet; it carries a new
    /// Destination Connection ID and a token, and re-derives the Initial keys from it.
    mutating func handleRetry(_ header: PacketHeader, datagram: UnsafeRawBufferPointer, now: Instant) {
        guard role == .client, !receivedFirstServerPacket, retrySourceConnectionID == nil,
              cids.isLocal(header.destinationConnectionID),
              header.sourceConnectionID != initialDestinationConnectionID, !header.tokenRange.isEmpty,
              RetryIntegrity.isValid(retryPacket: UnsafeRawBufferPointer(rebasing: datagram[header.packetRange]),
                                     originalDestinationConnectionID: initialDestinationConnectionID)
        else {
            statsStorage.packetsDropped += 1
            return
        }
        retrySourceConnectionID = header.sourceConnectionID
        initialDestinationConnectionID = header.sourceConnectionID
        cids.setInitialRemote(header.sourceConnectionID)
        initialToken = Array(datagram[header.tokenRange])
        do { try installInitialKeys() } catch {
            closeImmediately(error)
            return
        }
        // Everything sent in Initial packets goes again under the new keys.
        let sent = spaces[0].crypto.sendOffset
        spaces[0].crypto.onLost(0..<sent)
    }

    /// Whether a packet's Destination Connection ID is one this connection answers to.
    func acceptsDestination(_ header: PacketHeader) -> Bool {
        if cids.isLocal(header.destinationConnectionID) { return true }
        // The client keeps using the original Destination Connection ID for its Initials until it
        // hears from us (RFC 9000 §7.2).
        return role == .server && header.type.isLongHeader && header.destinationConnectionID == initialDestinationConnectionID
    }

    mutating func handleProtectedPacket(_ header: PacketHeader, datagram: UnsafeMutableRawBufferPointer, now: Instant) {
        guard let spaceID = header.type.packetNumberSpace, acceptsDestination(header) else {
            statsStorage.packetsDropped += 1
            // A Stateless Reset looks like a short-header packet to an unknown connection ID.
            if header.type == .oneRTT { detectStatelessReset(datagram, now: now) }
            return
        }
        let s = spaceID.rawValue
        guard !spaces[s].isDiscarded else { return }
        // RFC 9000 §7.2: after the first server Initial, a different Source Connection ID is dropped.
        if header.type.isLongHeader, let peerSCID = peerInitialSourceConnectionID, header.sourceConnectionID != peerSCID {
            statsStorage.packetsDropped += 1
            return
        }
        let packet = UnsafeMutableRawBufferPointer(rebasing: datagram[header.packetRange])
        let pnOffset = header.packetNumberOffset - header.packetStart
        let largest = spaces[s].received.largestReceived
        let unprotected: UnprotectedHeader
        let payload: Range<Int>
        if spaceID == .applicationData {
            // RFC 9001 §5.7: a server does not process 1-RTT packets before the handshake completes.
            guard var keys = oneRTT, role == .client || isHandshakeComplete else {
                statsStorage.packetsDropped += 1
                return
            }
            let tail = Self.trailingToken(UnsafeRawBufferPointer(datagram))
            do {
                unprotected = try PacketProtection.removeHeaderProtection(
                    packet, packetNumberOffset: pnOffset, largestReceived: largest, key: keys.remoteHeader)
                let (key, isNext) = keys.receiveKey(keyPhase: unprotected.keyPhase, packetNumber: unprotected.packetNumber)
                payload = try PacketProtection.decryptPayload(packet, header: unprotected, key: key)
                let before = keys.keyPhase
                do { try keys.onPacketAuthenticated(packetNumber: unprotected.packetNumber, wasNextPhase: isNext) } catch {
                    oneRTT = keys
                    closeWithError(error, now: now)
                    return
                }
                if keys.keyPhase != before || isNext {
                    statsStorage.keyUpdates += keys.keyPhase != before ? 1 : 0
                    if keys.keyPhase != before { qlogOneRTTKeyUpdate(trigger: .remoteUpdate, now: now) }
                    // RFC 9001 §6.5: keep the old key for reordered packets about three PTOs.
                    previousKeyDiscardDeadline = now + recovery.probeTimeout * 3
                    packetsSinceKeyUpdate = 0
                }
                oneRTT = keys
            } catch {
                onOpenFailure(error, tail: tail, now: now)
                return
            }
        } else {
            guard let keys = spaces[s].remoteKeys else {
                statsStorage.packetsDropped += 1
                return
            }
            do {
                (unprotected, payload) = try PacketProtection.open(
                    packet, packetNumberOffset: pnOffset, largestReceived: largest, keys: keys)
            } catch {
                onOpenFailure(error, tail: nil, now: now)
                return
            }
        }
        let packetNumber = unprotected.packetNumber
        guard !spaces[s].received.isDuplicate(packetNumber) else {
            statsStorage.packetsDropped += 1
            return
        }
        qlogPacketReceived(type: header.type, packetNumber: packetNumber,
                           keyPhase: spaceID == .applicationData ? unprotected.keyPhase : nil, length: header.packetRange.count, now: now)
        if header.type == .initial && peerInitialSourceConnectionID == nil {
            peerInitialSourceConnectionID = header.sourceConnectionID
            // RFC 9000 §7.2: the client switches to the server's chosen connection ID.
            cids.setInitialRemote(header.sourceConnectionID)
        }
        if role == .client { receivedFirstServerPacket = true }
        startIdleTimerIfNeeded(now: now)

        // Frames (RFC 9000 §12.4), stopping at the first error.
        var frames = FrameReader(payload: UnsafeRawBufferPointer(rebasing: packet[payload]), packetType: header.type)
        var isAckEliciting = false
        var isNonProbing = false
        var cryptoReceived = false
        do {
            while let frame = try frames.next() {
                if frame.isAckEliciting { isAckEliciting = true }
                if !frame.isProbing { isNonProbing = true }
                if case .crypto = frame { cryptoReceived = true }
                try handleFrame(frame, space: spaceID, destination: header.destinationConnectionID, now: now)
                if isClosed { break }
            }
        } catch {
            closeWithError(error, now: now)
            return
        }
        statsStorage.packetsReceived += 1
        idle.onPacketReceived(now: now)
        // RFC 9000 §9.3: only the newest non-probing packet moves the connection.
        if datagramFromNewAddress, spaceID == .applicationData, isNonProbing, largest.map({ packetNumber > $0 }) ?? true {
            datagramMayMigrate = true
        }
        if state == .draining || state == .closing {
            return
        }
        spaces[s].received.onPacketReceived(
            packetNumber, isAckEliciting: isAckEliciting, now: now,
            maxAckDelay: .milliseconds(Int64(clamping: localParameters.maxAckDelay)))
        if cryptoReceived { drainTLS(now: now) }
        if role == .server && header.type == .handshake {
            // RFC 9000 §8.1: a Handshake packet proves the client got our Initial: address validated.
            isAddressValidated = true
            recovery.setAtAmplificationLimit(false)
            // RFC 9001 §4.9.1: the server discards Initial keys on its first Handshake packet.
            discardSpace(.initial, now: now)
        }
    }

    mutating func onOpenFailure(_ error: PacketOpenError, tail: StatelessResetToken?, now: Instant) {
        if let transport = error.transportError {
            closeWithError(transport, now: now)
            return
        }
        statsStorage.packetsDropped += 1
        if error == .authenticationFailed {
            authenticationFailures += 1
            // RFC 9001 §6.6: past the integrity limit the connection must close.
            if let keys = oneRTT, authenticationFailures >= keys.integrityLimit {
                closeWithError(TransportError(.aeadLimitReached, "AEAD integrity limit reached"), now: now)
                return
            }
        }
        detectStatelessReset(tail: tail)
    }
}
