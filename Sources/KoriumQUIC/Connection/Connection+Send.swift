import KoriumCrypto
import KoriumWire

extension Connection {
    /// RFC 9000 §14.1: datagrams carrying (ack-eliciting, for servers) Initial packets are at least this large.
    static let minimumInitialDatagramSize = 1200
    /// Bytes of a CRYPTO frame header at most: type, offset and length varints.
    static let cryptoFrameOverhead = 1 + 8 + 4

    /// Writes the next datagram into `buffer` (at least 1200 bytes) and protects it in place.
    /// Returns nil when there is nothing to send now (see ``nextDeadline``).
    public mutating func pollTransmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Transmit? {
        precondition(buffer.count >= Self.minimumInitialDatagramSize, "pollTransmit needs a buffer of at least 1200 bytes")
        switch state {
        case .closed, .draining: return nil
        case .closing: return pollCloseTransmit(into: buffer, now: now)
        case .handshaking, .established: break
        }
        // The path's confirmed size (≤ our maximum and the peer's max_udp_payload_size).
        var limit = Swift.min(buffer.count, pmtu.current)
        limit = Swift.max(limit, Self.minimumInitialDatagramSize)
        // RFC 9000 §8.1: before validating the client's address a server sends at most three
        // times what it received.
        if role == .server && !isAddressValidated {
            let allowance = 3 * amplificationReceived - amplificationSent
            if allowance < limit { limit = allowance }
            if limit < Self.minimumInitialDatagramSize / 4 {
                recovery.setAtAmplificationLimit(true)
                return nil
            }
        }

        // RFC 9000 §9.3.1: an unvalidated new path has its own 3× limit.
        if migration != nil {
            limit = pathSendLimit(limit)
            if isPathSendBlocked { return nil }
        }
        // Which spaces have something; whether ack-eliciting data may go (congestion, pacing).
        let probing = spaces.contains { $0.probesDue > 0 } || isPathChallengeDue
        var mayElicit = probing || recovery.sendableBytes >= limit
        if !probing, let probeSize = pmtuProbeDue(bufferCount: buffer.count, now: now) {
            // RFC 9000 §14.4: the probe consumes congestion window; ordinary data waits until
            // the window has room for it (it soon has: acknowledgments keep arriving).
            if recovery.sendableBytes >= probeSize { return sendPMTUProbe(size: probeSize, buffer: buffer, now: now) }
            if recovery.congestionWindow >= probeSize + limit { mayElicit = false }
        }
        if mayElicit && !probing {
            if let next = pacer.nextSendTime(bytes: limit, now: now, window: recovery.congestionWindow,
                                             smoothedRTT: recovery.rtt.smoothed, maxDatagramSize: pmtu.current) {
                pacingDeadline = next
                mayElicit = false
            } else {
                pacingDeadline = nil
            }
        }
        var wants = (false, false, false)
        for s in 0..<3 {
            let wanted = spaceWantsToSend(s, mayElicit: mayElicit, now: now)
            switch s {
            case 0: wants.0 = wanted
            case 1: wants.1 = wanted
            default: wants.2 = wanted
            }
        }
        guard wants.0 || wants.1 || wants.2 else {
            recovery.setAppLimited(mayElicit)
            return nil
        }
        let last = wants.2 ? 2 : (wants.1 ? 1 : 0)
        // RFC 9000 §14.1: the client pads every datagram with an Initial packet; the server
        // those with an ack-eliciting Initial (we pad any server Initial carrying CRYPTO data).
        var padTo: Int?
        if wants.0 && (role == .client || spaces[0].crypto.hasDataToSend || spaces[0].probesDue > 0) {
            guard limit >= Self.minimumInitialDatagramSize else {
                recovery.setAtAmplificationLimit(true)
                return nil
            }
            padTo = Self.minimumInitialDatagramSize
        } else if wants.2 && mayElicit && pathFramesNeedPadding && limit >= Self.minimumInitialDatagramSize {
            padTo = Self.minimumInitialDatagramSize
        }

        let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<limit])
        var count = 0
        var sentHandshake = false
        var datagramElicits = false
        for s in 0...last {
            let wanted = s == 0 ? wants.0 : (s == 1 ? wants.1 : wants.2)
            guard wanted else { continue }
            guard let (size, elicited) = writePacket(space: s, datagram: datagram, offset: count, mayElicit: mayElicit,
                                                     padTo: s == last ? padTo : nil, now: now) else { continue }
            count += size
            datagramElicits = datagramElicits || elicited
            if s == 1 { sentHandshake = true }
        }
        guard count > 0 else { return nil }
        statsStorage.bytesSent += UInt64(count)
        if role == .server && !isAddressValidated { amplificationSent += count }
        onPathDatagramSent(count)
        if datagramElicits {
            pacer.onSent(bytes: count)
            lastSendTime = now
        }
        // RFC 9001 §4.9.1: a client discards Initial keys when it first sends a Handshake packet.
        if role == .client && sentHandshake { discardSpace(.initial, now: now) }
        return Transmit(destination: remoteAddress, count: count)
    }

    /// Whether packets can be sent in space `s` now: keys installed and not discarded; 1-RTT
    /// only once the handshake is complete (a server could send 1-RTT after its Finished, RFC
    /// 9001 §5.7, but has nothing that needs it).
    func canSend(inSpace s: Int) -> Bool {
        guard !spaces[s].isDiscarded else { return false }
        if s == 2 { return oneRTT != nil && isHandshakeComplete }
        return spaces[s].localKeys != nil
    }

    /// Whether space `s` would put a packet into the next datagram.
    func spaceWantsToSend(_ s: Int, mayElicit: Bool, now: Instant) -> Bool {
        let space = spaces[s]
        guard canSend(inSpace: s) else { return false }
        if space.received.hasNewPackets && space.isAckDue(now: now) { return true }
        guard mayElicit else { return false }
        if space.probesDue > 0 || space.crypto.hasDataToSend { return true }
        if s == 2 { return hasApplicationFramesToSend }
        return false
    }

    /// Application-space frames waiting (besides ACK and CRYPTO).
    var hasApplicationFramesToSend: Bool {
        handshakeDonePending || pingPending || !pathResponses.isEmpty || isPathChallengeDue || !outgoingDatagrams.isEmpty
            || !cids.pendingNewIDs.isEmpty || !pendingNewTokens.isEmpty || !cids.pendingRetirements.isEmpty || streamsHavePendingFrames
    }

    /// Writes one protected packet of space `s` at `offset` in `datagram`. Returns its size and
    /// whether it is ack-eliciting, or nil if nothing was written. The payload writer stops 16
    /// bytes short of the datagram's end so the AEAD tag always fits.
    mutating func writePacket(
        space s: Int, datagram: UnsafeMutableRawBufferPointer, offset: Int, mayElicit: Bool, padTo: Int?, now: Instant,
        pmtuProbe: Bool = false
    ) -> (Int, Bool)? {
        let tag = PacketCipher.tagByteCount
        // Room for a header, a minimal payload and the tag, or give up on this packet.
        guard datagram.count - offset >= 64 else { return nil }
        var writer = ByteWriter(into: UnsafeMutableRawBufferPointer(rebasing: datagram[offset..<(datagram.count - tag)]))
        let packetNumber = spaces[s].nextPacketNumber
        let spaceID = spaces[s].id
        let pnLength = PacketNumber.encodedLength(of: packetNumber, largestAcknowledged: recovery.largestAcknowledged(space: spaceID))
        guard let layout = try? writePacketHeader(space: s, packetNumber: packetNumber, packetNumberLength: pnLength,
                                                   into: &writer) else { return nil }
        spaces[s].sent.beginPacket(packetNumber)
        let payloadStart = writer.bytesWritten
        var elicits = false
        let isProbe = spaces[s].probesDue > 0

        // ACK first: it is what the peer's recovery waits for.
        if spaces[s].received.hasNewPackets {
            let largest = spaces[s].received.largestReceived ?? 0
            do {
                try spaces[s].received.writeAck(now: now, ackDelayExponent: localParameters.ackDelayExponent, to: &writer)
                spaces[s].sent.append(.ack(largest: largest))
            } catch {}
        }
        if pmtuProbe {
            // RFC 9000 §14.4: a PMTU probe is PING + PADDING, so losing it loses no data.
            if (try? Frame.ping.encode(to: &writer)) != nil {
                spaces[s].sent.append(.unreliable)
                elicits = true
            }
        } else if mayElicit {
            if s == 2 { elicits = writeApplicationFrames(into: &writer, now: now) }
            if s < 2 && spaces[s].probesDue > 0 { requeueCryptoForProbe(space: s) }
            // CRYPTO data (new or lost).
            while writer.remainingCapacity > Self.cryptoFrameOverhead + 16 {
                let room = writer.remainingCapacity - Self.cryptoFrameOverhead
                guard let range = spaces[s].crypto.nextChunk(maxLength: room) else { break }
                var ok = true
                spaces[s].crypto.bytes(range) { data in
                    do { try Frame.crypto(offset: range.lowerBound, data: data).encode(to: &writer) } catch { ok = false }
                }
                guard ok else {
                    spaces[s].crypto.onLost(range)
                    break
                }
                spaces[s].sent.append(.crypto(offset: range.lowerBound, length: range.count))
                elicits = true
            }
            // RFC 9002 §6.2.4: a probe must be ack-eliciting; PING when there is nothing else.
            if spaces[s].probesDue > 0 {
                spaces[s].probesDue -= 1
                if !elicits, (try? Frame.ping.encode(to: &writer)) != nil {
                    spaces[s].sent.append(.unreliable)
                    elicits = true
                }
            }
        }
        let payloadLength = writer.bytesWritten - payloadStart
        guard payloadLength > 0 else {
            spaces[s].sent.cancelLastPacket()
            return nil
        }
        // Padding: to 1200 bytes for Initial datagrams, and enough for the header-protection sample.
        var padding = Swift.max(0, PacketProtection.minimumPayloadLength(packetNumberLength: pnLength) - payloadLength)
        if let padTo { padding = Swift.max(padding, padTo - (offset + writer.bytesWritten + tag)) }
        padding = Swift.min(padding, writer.remainingCapacity)
        if padding > 0 { _ = try? writer.writeZeros(padding) }
        guard let size = seal(&writer, layout: layout, space: s, packetNumber: packetNumber, datagram: datagram, offset: offset) else {
            spaces[s].sent.cancelLastPacket()
            return nil
        }
        spaces[s].nextPacketNumber += 1
        let inFlight = elicits || padding > 0
        recovery.onPacketSent(SentPacket(packetNumber: packetNumber, timeSent: now, sentBytes: size,
                                         isAckEliciting: elicits, isInFlight: inFlight, isPMTUProbe: pmtuProbe),
                              space: spaceID, now: now)
        statsStorage.packetsSent += 1
        qlogPacketSent(space: s, packetNumber: packetNumber, length: size, isProbe: isProbe, now: now)
        if elicits { idle.onAckElicitingSent(now: now) }
        if s == 2 {
            let updates = statsStorage.keyUpdates
            onOneRTTPacketSent(packetNumber)
            if statsStorage.keyUpdates != updates { qlogOneRTTKeyUpdate(trigger: .localUpdate, now: now) }
        }
        return (size, elicits)
    }

    /// Finishes the header, then encrypts the packet in place with the tag after the payload
    /// (RFC 9001 §5.3, §5.4). Returns the packet's size.
    mutating func seal(
        _ writer: inout ByteWriter, layout: PacketLayout, space s: Int, packetNumber: UInt64,
        datagram: UnsafeMutableRawBufferPointer, offset: Int
    ) -> Int? {
        let tag = PacketCipher.tagByteCount
        if layout.lengthOffset != nil {
            do { try PacketHeaderWriter.finishLongHeader(layout, tagByteCount: tag, writer: &writer) } catch { return nil }
        }
        let size = writer.bytesWritten + tag
        let keys = s == 2 ? PacketKeys(packet: oneRTT!.local, header: oneRTT!.localHeader) : spaces[s].localKeys!
        do {
            try PacketProtection.seal(UnsafeMutableRawBufferPointer(rebasing: datagram[offset..<(offset + size)]),
                                      layout: layout, packetNumber: packetNumber, keys: keys)
        } catch {
            return nil
        }
        return size
    }

    /// The header of a packet in space `s`: a short header for 1-RTT (2), else a long one.
    func writePacketHeader(space s: Int, packetNumber: UInt64, packetNumberLength: Int,
                           into writer: inout ByteWriter) throws(WireError) -> PacketLayout {
        if s == 2 {
            return try PacketHeaderWriter.writeShortHeader(
                destination: cids.currentRemote, keyPhase: oneRTT!.keyPhase, packetNumber: packetNumber,
                packetNumberLength: packetNumberLength, into: &writer)
        }
        return try writeLongHeader(type: s == 0 ? .initial : .handshake, packetNumber: packetNumber,
                                   packetNumberLength: packetNumberLength, into: &writer)
    }

    /// An Initial or Handshake header with our connection IDs (and, client Initial, the token).
    func writeLongHeader(type: PacketType, packetNumber: UInt64, packetNumberLength: Int, into writer: inout ByteWriter) throws(WireError) -> PacketLayout {
        let token = type == .initial && role == .client ? initialToken : []
        let result: Result<PacketLayout, WireError> = token.withUnsafeBytes { raw in
            do throws(WireError) {
                return .success(try PacketHeaderWriter.writeLongHeader(
                    type: type, version: version, destination: cids.currentRemote, source: initialLocalConnectionID,
                    token: raw, packetNumber: packetNumber, packetNumberLength: packetNumberLength, into: &writer))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Application-space frames other than ACK and CRYPTO; returns whether any was written.
    mutating func writeApplicationFrames(into writer: inout ByteWriter, now: Instant) -> Bool {
        var wrote = writePathChallenge(into: &writer, now: now)
        func put(_ frame: Frame, _ record: SentFrame, _ writer: inout ByteWriter, _ log: inout SentPacketLog) -> Bool {
            do { try frame.encode(to: &writer) } catch { return false }
            log.append(record)
            return true
        }
        if handshakeDonePending, put(.handshakeDone, .handshakeDone, &writer, &spaces[2].sent) {
            handshakeDonePending = false
            wrote = true
        }
        while let data = pathResponses.first, put(.pathResponse(data), .unreliable, &writer, &spaces[2].sent) {
            pathResponses.removeFirst()
            wrote = true
        }
        while let sequence = cids.pendingRetirements.first,
              put(.retireConnectionID(sequenceNumber: sequence), .retireConnectionID(sequence: sequence), &writer, &spaces[2].sent) {
            cids.pendingRetirements.removeFirst()
            wrote = true
        }
        while let sequence = cids.pendingNewIDs.first {
            guard let frame = cids.newConnectionIDFrame(sequence: sequence) else {
                cids.pendingNewIDs.removeFirst()
                continue
            }
            guard put(.newConnectionID(frame), .newConnectionID(sequence: sequence), &writer, &spaces[2].sent) else { break }
            cids.pendingNewIDs.removeFirst()
            wrote = true
        }
        while let token = pendingNewTokens.first {
            let id = nextNewTokenID
            let fits: Bool = token.withUnsafeBytes { raw in put(.newToken(raw), .newToken(id: id), &writer, &spaces[2].sent) }
            guard fits else { break }
            pendingNewTokens.removeFirst()
            inFlightNewTokens[id] = token
            nextNewTokenID += 1
            wrote = true
        }
        wrote = writeStreamFrames(into: &writer, now: now) || wrote
        while let datagram = outgoingDatagrams.first {
            // Queued while the path took larger datagrams; PMTU has fallen back since (a black
            // hole or a new path), so it can never be sent: drop it (RFC 9221 §5: unreliable)
            // rather than leave it blocking the queue.
            guard datagramFitsPath(frameSize: Self.datagramFrameSize(datagram.count)) else {
                _ = outgoingDatagrams.popFirst()
                statsStorage.datagramsDropped += 1
                continue
            }
            let fits: Bool = datagram.withUnsafeBytes { raw in put(.datagram(raw), .unreliable, &writer, &spaces[2].sent) }
            guard fits else { break }
            _ = outgoingDatagrams.popFirst()
            wrote = true
        }
        if pingPending, !wrote, put(.ping, .unreliable, &writer, &spaces[2].sent) { wrote = true }
        if wrote { pingPending = false }
        return wrote
    }

    /// Key-update bookkeeping after a 1-RTT packet (RFC 9001 §6).
    mutating func onOneRTTPacketSent(_ packetNumber: UInt64) {
        oneRTT?.onPacketSent(packetNumber)
        packetsSinceKeyUpdate += 1
        if let interval = config.keyUpdateInterval, packetsSinceKeyUpdate >= interval, isHandshakeConfirmed {
            if oneRTT?.initiateUpdate() == true {
                packetsSinceKeyUpdate = 0
                statsStorage.keyUpdates += 1
            }
        }
        // RFC 9001 §6.6: never exceed the confidentiality limit with one key; update before it.
        if let keys = oneRTT, packetsSinceKeyUpdate >= keys.confidentialityLimit - 1024 {
            if oneRTT?.initiateUpdate() == true { packetsSinceKeyUpdate = 0 }
        }
    }
}
